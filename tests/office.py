"""LibreOffice headless for the spreadsheet tests: recalculate workbooks and print them to PDF.

One `soffice` call converts every workbook given (starting LibreOffice costs seconds; each call
runs in its own profile folder, so tests on several workers do not share one).
Tests skip, saying why, where LibreOffice is not installed (.ci/run installs Debian's
libreoffice-calc-nogui where it can).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str:
    """The soffice program [path]; skips the calling test when there is none."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return found


def convert(paths: list[Path], to: str, outdir: Path, timeout: float = 300) -> list[Path]:
    """Convert `paths` in one LibreOffice call to format `to` ('pdf', 'xlsx', ...) in `outdir`.

    Converting to xlsx makes LibreOffice recalculate every formula and store the values, which
    openpyxl then reads with ``data_only=True``.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    cmd = [soffice(), f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
           "--norestore", "--convert-to", to, "--outdir", str(outdir), *map(str, paths)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    made = [outdir / (Path(p).stem + "." + to.split(":")[0]) for p in paths]
    missing = [str(m) for m in made if not m.exists()]
    assert not missing, f"LibreOffice made no {missing}: {done.stdout} {done.stderr}"
    return made


def recalculated(paths: list[Path], outdir: Path) -> list[Path]:
    """Copies of the workbooks `paths`, recalculated by LibreOffice, in `outdir` [xlsx]."""
    return convert(paths, "xlsx:Calc MS Excel 2007 XML", outdir)
