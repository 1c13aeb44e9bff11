"""Shared by the tests: the repository root, a minimal valid scenario, and the CLI.

``calc_cli`` runs ``calc.cli.main(argv)`` in this process with captured streams (fast);
``calc_subprocess`` runs the real entry point in a fresh process, as CI would, for the few tests
that are about the entry point itself.
"""

from __future__ import annotations

import contextlib
import io
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
    """``calc ARGS`` in this process: ``calc.cli.main`` with stdout and stderr captured, run in ``cwd``."""
    from calc.cli import main

    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:            # --help and --version exit through argparse
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["calc", *args], code, out.getvalue(), err.getvalue())


def calc_subprocess(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The real entry point (``python -m calc.cli``) in a fresh process, as CI would run it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    return subprocess.run([sys.executable, "-m", "calc.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


# A small timeline checked by hand (tests/test_timeline_scenarios.py, tests/test_qa_timelines.py).
# Revenue: $12B/yr from 2026-01 with no growth earns $12B a year (12 months x 12e9 / 12).
# Commitments: flat $36B over 36 months from 2026 -> 12, 12, 12 ($B a year);
#              ramp $18B over 24 months from 2027 -> 18 x 12^2/24^2 = 4.5 in 2027, 18 x (24^2-12^2)/24^2 = 13.5 in 2028.
# Spend 12, 16.5, 25.5; gap per year 0, 4.5, 13.5 -> cumulative 0, 4.5, 18; funding need 18;
# coverage 12/12 = 1, 12/16.5 = 0.7273, 12/25.5 = 0.4706 -> never breaks even.
HAND_TIMELINE = textwrap.dedent("""\
    name: hand
    timeline: {start: 2026, end: 2028, step: year}
    commitments:
      base_deal: {amount: {value: 36 billion USD, source: assumption, note: t}, start: 2026, term: 3 yr}
      later: {amount: {value: 18 billion USD, source: assumption, note: t}, start: 2027, term: 24 month, shape: ramp}
    inputs:
      arr_end: {value: 12 billion USD/yr, source: assumption, note: t}
      arr_as_of: {value: 2026-01, source: assumption, note: t}
      arr_growth_per_month: {value: 0, source: assumption, note: t}
    outputs: [revenue, commitment_spend, coverage, cumulative_gap, funding_need, break_even]
    """)


def without_headline(text: str) -> str:
    """A run's text (terminal or Markdown) with its headline block left out: everything up to the
    headline's 'Checks: ...' count line, so a test reads the tables as they follow it."""
    lines = text.splitlines(keepends=True)
    end = next(i for i, line in enumerate(lines) if line.lstrip("*").startswith("Checks: "))
    start = next(i for i, line in enumerate(lines) if line.lstrip("*").startswith("Headline"))
    return "".join(lines[:start] + lines[end + 2:])          # the count line and the blank after it


# A quarterly timeline checked by hand (tests/test_timeline_scenarios.py, tests/test_dates_words.py).
# $4B flat over 12 months from 2026: $1B a quarter. Revenue from $2B/yr at 10 %/month as of 2026-01:
# Q1 = 2e9/12 x (1.1^3 - 1)/ln 1.1 = 1.6667e8 x 3.4725 = 0.579B; Q2 = x 1.331 = 0.770B;
# Q3 = 1.025B >= 1B; Q4 = 1.364B -> coverage stays >= 1 from 2026-Q3, decimal year 2026.5.
HAND_QUARTERS = textwrap.dedent("""\
    name: quarters
    timeline: {start: 2026, end: 2026-Q4, step: quarter}
    commitments:
      deal: {amount: {value: 4 billion USD, source: assumption, note: t}, start: 2026, term: 12 month}
    inputs:
      arr_end: {value: 2 billion USD/yr, source: assumption, note: t}
      arr_as_of: {value: 2026-01, source: assumption, note: t}
      arr_growth_per_month: {value: 0.1, source: assumption, note: t}
    outputs: [revenue, commitment_spend, coverage, break_even]
    """)
