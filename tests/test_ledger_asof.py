"""The deals ledger read at a date (QA report of 7 December 2026): a report is never on the ledger
before the deal it reports, every total has a name on every date, dated views show no later
events, and the columns keep own spending out and builders' "up to" in."""

from __future__ import annotations

from datetime import date

import calc
from calc import ledger_count
from calc.registry import registry

B = 1e9


def _totals(buyer: str, as_of: str) -> dict:
    return calc.deal_totals(buyer, as_of=as_of).iloc[0].to_dict()


# -- item 3: a coarse-dated report does not precede the deal it reports --------------------------
def test_36kr_report_of_google_tpu_deal_waits_for_cnbc():
    # before CNBC's 23 October 2025 report nothing of the TPU deal counts (36Kr's 200-1,000
    # billion used to from 1 October)
    early = _totals("Anthropic", "2025-10-15")
    assert (early["payments_vague_low"], early["payments_vague_high"]) == (0.0, 0.0)
    late = _totals("Anthropic", "2025-10-24")
    assert (late["payments_vague_low"], late["payments_vague_high"]) == (20 * B, 100 * B)


def test_36kr_at_least_1_gw_waits_for_nvidia_announcement():
    # 10 November 2025: Google's more than 1 GW only; 36Kr's "at least 1 GW" of NVIDIA capacity
    # (dated "2025-11") is not on the ledger before the announcement of 18 November
    before = _totals("Anthropic", "2025-11-10")
    assert (before["power_firm"], before["power_up_to"]) == (1.0, 0.0)
    after = _totals("Anthropic", "2025-11-18")
    assert (after["power_firm"], after["power_up_to"]) == (1.0, 1.0)
    ledger = registry().ledger
    row = ledger.deal("anthropic_nvidia_gw_2025_11_36kr")
    counting = ledger_count.Counting(ledger, date(2025, 11, 17))
    assert counting.since[row.id] == date(2025, 11, 18)
    assert not counting.present(row)
