"""A scenario's ledger date reaches every way it names a ledger figure (QA report 2, items 1, 4,
6, 7, 8 and 16's ledger_as_of)."""

import json

import pytest

import calc
from calc.errors import CalcError
from helpers import ROOT, calc_cli

B = 1e9


def test_deals_nov_2026_counts_nvidias_5_gw_of_february_2026():
    res = calc.load(ROOT / "scenarios" / "deals.yaml").run(samples=0)
    v = lambda name, unit, var: float(res.value(name, variant=var).to(unit).magnitude)  # noqa: E731
    # NVIDIA 0 (stalled 30 Jan 2026) + NVIDIA 5 (27 Feb 2026) + AMD 6 + Broadcom 10 = 21 GW
    assert v("openai_chip_deals_gw", "GW", "nov-2026") == pytest.approx(21)
    # before 27 Feb 2026 the 5 GW row is 0: the 26 GW of the letter of intent stand
    assert v("openai_chip_deals_gw", "GW", "oct-2025") == pytest.approx(26)
    assert v("openai_chip_deals_gw", "GW", "base") == pytest.approx(26)
    # (5 + 10) GW x 29 B/GW = 435 B; payments 712 + 18.4 + 20 = 750.4 B; 750.4 + 435 = 1,185.4 B
    assert v("openai_unpriced_gw_at_capex", "USD", "nov-2026") == pytest.approx(435 * B)
    assert v("openai_payments_and_unpriced_gw", "USD", "nov-2026") == pytest.approx(1185.4 * B)
