"""Shared by the tests: the repository root, a minimal valid scenario, and the real CLI in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASE = textwrap.dedent("""\
    name: t
    inputs:
      facility_power: {value: 1 GW, source: assumption, note: test}
      pue: {value: 1.25, source: assumption, note: test}
      it_power_per_chip: {value: 2 kW/chip, source: assumption, note: test}
    outputs: [chips]
    """)   # chips = 1e9 W / (2,000 W/chip x 1.25) = 400,000 chip


def calc_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The real entry point (``python -m calc.cli``) in a fresh process, as CI would run it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    return subprocess.run([sys.executable, "-m", "calc.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
