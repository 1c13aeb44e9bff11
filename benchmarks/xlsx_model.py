"""Writing the xlsx model sheets (issue 24): the time for the largest shipped scenario.

    .venv/bin/python benchmarks/xlsx_model.py

Runs every shipped scenario once (``--samples 0``), then times laying out and writing its model
sheets (calc.output.xlsx_model: model_layouts + write_model_sheets into an openpyxl workbook,
saved to memory), best of 3, and reports the scenario with the most formula cells. Target: under
2 s. Then, for scale, benchmarks/timeline.py's 120-period monthly timeline with 10 commitments.
Nothing is asserted: the machine is shared and noisy; the numbers are for reading.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl  # noqa: E402

import calc  # noqa: E402
import timeline  # noqa: E402  (benchmarks/timeline.py: a 120-period timeline)
from calc.output.xlsx_model import model_layouts, write_model_sheets  # noqa: E402


def model_sheets(result) -> tuple[int, float]:
    """(formula cells, best of 3 seconds) to lay out, write and save ``result``'s model sheets."""
    times = []
    for _ in range(3):
        t = time.perf_counter()
        layouts = model_layouts(result)
        wb = openpyxl.Workbook()
        write_model_sheets(wb, layouts)
        wb.save(io.BytesIO())
        times.append(time.perf_counter() - t)
    return sum(lay.formula_count() for lay in layouts), min(times)


def main() -> None:
    rows = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        result = calc.load(str(path)).run(samples=0)
        cells, seconds = model_sheets(result)
        rows.append((cells, seconds, path.stem))
        print(f"{path.stem:24s} {cells:6d} formula cells  {seconds * 1000:8.1f} ms")
    cells, seconds, stem = max(rows)
    print(f"largest: {stem} ({cells} formula cells): {seconds:.3f} s (target: under 2 s)")
    cells, seconds = model_sheets(calc.load(timeline.scenario(0)).run(samples=0))
    print(f"120 monthly periods x 10 commitments: {cells} formula cells, {seconds:.3f} s")


if __name__ == "__main__":
    main()
