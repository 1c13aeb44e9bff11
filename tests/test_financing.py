"""Financing (README "Financing"): cash, raises, other costs and interest, against numbers derived
by hand (arithmetic in comments), and the bad inputs of the financing block."""

from __future__ import annotations

import doctest
import importlib
import json
import textwrap

import numpy as np
import pytest

import calc
from calc.errors import CalcError
from tests.helpers import calc_cli

financing = importlib.import_module("calc.models.financing")

# The issue's example: cash $10B, no revenue (compute_share_of_revenue 0), $6B of spend a year
# (a flat $24B over 48 months from 2025), interest 10 %/yr on a negative opening balance.
#   2025: 10 - 6                      =   4
#   2026:  4 - 6                      =  -2
#   2027: -2 - 6 - 0.1 x 2            =  -8.2
#   2028: -8.2 - 6 - 0.1 x 8.2        = -15.02
# shortfall: the largest negative balance, 15.02; cash_out: 2026, the first year closing below 0.
HAND = textwrap.dedent("""\
    name: fin
    timeline: {start: 2025, end: 2028, step: year}
    commitments:
      cloud: {amount: {value: 24 billion USD, source: assumption, note: test}, start: 2025,
              term: 4 yr}
    inputs:
      arr_end: {value: 1 billion USD/yr, source: assumption, note: test}
      arr_as_of: {value: 2025-01, source: assumption, note: test}
      arr_growth_per_month: {value: 0, source: assumption, note: test}
      compute_share_of_revenue: {value: 0, source: assumption, note: no revenue counted}
    financing:
      cash: {value: 10 billion USD, source: assumption, note: test}
      interest_rate: {value: 10 %/yr, source: assumption, note: test}
    outputs: [commitment_spend, net_cash_flow, raises, interest, cash_balance, shortfall, cash_out]
    """)


def run(text: str, **kw):
    return calc.load(text).run(**kw)


def series(res, name):
    return [round(float(x) / 1e9, 9) for x in res.central[name][0]]


def test_docstring_examples():
    res = doctest.testmod(financing)
    assert res.attempted > 0 and res.failed == 0


def test_hand_derived_balances_interest_shortfall_and_cash_out():
    res = run(HAND)
    assert series(res, "commitment_spend") == [6.0, 6.0, 6.0, 6.0]
    assert series(res, "net_cash_flow") == [-6.0, -6.0, -6.0, -6.0]
    assert series(res, "cash_balance") == [4.0, -2.0, -8.2, -15.02]
    assert series(res, "interest") == [0.0, 0.0, 0.2, 0.82]        # 0.1 x 2; 0.1 x 8.2
    assert series(res, "raises") == [0.0, 0.0, 0.0, 0.0]
    assert series(res, "shortfall") == [15.02]
    assert float(res.central["cash_out"][0][0]) == 2026.0


def test_json_rows_shortfall_and_cash_out(tmp_path):
    path = tmp_path / "fin.yaml"
    path.write_text(HAND)
    out = calc_cli("run", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = {(r["quantity"], r["period"]): r for r in json.loads(out.stdout)["rows"]}
    assert rows[("shortfall", None)]["value"] == pytest.approx(15.02e9)
    assert rows[("cash_out", None)]["value"] == 2026.0
    assert rows[("cash_out", None)]["unit"] == "date"
    assert rows[("cash_balance", "2027")]["value"] == pytest.approx(-8.2e9)


def test_table_shows_cash_out_as_a_period(tmp_path):
    path = tmp_path / "fin.yaml"
    path.write_text(HAND)
    out = calc_cli("run", str(path))
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.lstrip().startswith("cash_out")
                or "Cash out" in ln)
    assert "2026" in line


def test_explain_shortfall_shows_the_deciding_period(tmp_path):
    path = tmp_path / "fin.yaml"
    path.write_text(HAND)
    out = calc_cli("explain", str(path), "shortfall")
    assert out.returncode == 0, out.stderr
    assert "2028" in out.stdout and "lowest cash_balance" in out.stdout
    assert "interest_rate" in out.stdout


def test_a_raise_inside_a_period_lands_in_it():
    # $5B dated 2026-03 lands in 2026: balances 4, -2 + 5 = 3, 3 - 6 = -3, -3 - 6 - 0.3 = -9.3
    text = HAND.replace("  interest_rate:", "  raises:\n"
                        "    series_x: {amount: {value: 5 billion USD, source: assumption, "
                        "note: test}, date: 2026-03}\n  interest_rate:")
    res = run(text)
    assert series(res, "raises") == [0.0, 5.0, 0.0, 0.0]
    assert series(res, "cash_balance") == [4.0, 3.0, -3.0, -9.3]
    assert series(res, "shortfall") == [9.3]
    assert float(res.central["cash_out"][0][0]) == 2027.0


def test_a_raise_before_the_timeline_is_not_counted():
    text = HAND.replace("  interest_rate:", "  raises:\n"
                        "    old: {amount: {value: 5 billion USD, source: assumption, "
                        "note: test}, date: 2024-06}\n  interest_rate:")
    assert series(run(text), "raises") == [0.0, 0.0, 0.0, 0.0]


def test_other_costs_per_year_and_share_of_revenue():
    # $2B/yr of other costs: flows -8 a year; no interest: balances 10-8 = 2, -6, -14, -22
    text = HAND.replace("  interest_rate: {value: 10 %/yr, source: assumption, note: test}\n",
                        "  other_costs_per_year: {value: 2 billion USD/yr, source: assumption,"
                        " note: test}\n")
    res = run(text)
    assert series(res, "cash_balance") == [2.0, -6.0, -14.0, -22.0]
    assert series(res, "shortfall") == [22.0]
    # 50 % of revenue: $1B/yr flat earns 1 a year -> other costs 0.5 a year
    text = HAND.replace("  interest_rate: {value: 10 %/yr, source: assumption, note: test}\n",
                        "  other_cost_share_of_revenue: {value: 50 %, source: assumption,"
                        " note: test}\n").replace("outputs: [", "outputs: [other_costs, ")
    assert series(run(text), "other_costs") == [0.5, 0.5, 0.5, 0.5]


def test_other_costs_as_a_series():
    # step series: 1 in 2025-2026, 3 from 2027 ($B/yr); a quarter-free yearly axis: x 1 yr
    text = HAND.replace("  interest_rate: {value: 10 %/yr, source: assumption, note: test}\n",
                        "  other_costs_per_year: {over_time: {2025: 1 billion USD/yr, "
                        "2027: 3 billion USD/yr}, source: assumption, note: test}\n"
                        ).replace("outputs: [", "outputs: [other_costs, ")
    assert series(run(text), "other_costs") == [1.0, 1.0, 3.0, 3.0]


def test_shortfall_equals_funding_need_with_nothing_else():
    # cash 0, no raises, no other costs, no interest: the balance is minus the cumulative gap
    text = textwrap.dedent("""\
        name: same
        timeline: {start: 2025, end: 2028, step: year}
        commitments:
          cloud: {amount: {value: 40 billion USD, source: assumption, note: test}, start: 2025,
                  term: 4 yr, shape: ramp}
        inputs:
          arr_end: {value: 1 billion USD/yr, source: assumption, note: test}
          arr_as_of: {value: 2025-01, source: assumption, note: test}
          arr_growth_per_month: {range: [0.0, 0.06], source: assumption, note: test}
        financing:
          cash: {value: 0 USD, source: assumption, note: test}
        outputs: [funding_need, shortfall]
        samples: 200
        seed: 3
        """)
    res = run(text)
    assert res.central["shortfall"][0][0] > 0
    np.testing.assert_allclose(res.central["shortfall"], res.central["funding_need"], rtol=1e-12)
    rows = {r["quantity"]: r for r in res.rows()}
    for stat in ("p05", "p50", "p95"):                  # every sample, not only the central one
        assert rows["shortfall"][stat] == pytest.approx(rows["funding_need"][stat], rel=1e-12)
    assert rows["shortfall"]["p95"] > rows["shortfall"]["p05"]


LEDGER = textwrap.dedent("""\
    name: led
    timeline: {start: 2026, end: 2027, step: year}
    ledger_as_of: 2026-03-31
    inputs:
      arr_end: {value: 1 billion USD/yr, source: assumption, note: test}
      arr_as_of: {value: 2026-01, source: assumption, note: test}
      arr_growth_per_month: {value: 0, source: assumption, note: test}
    commitments:
      cloud: {amount: {value: 2 billion USD, source: assumption, note: test}, start: 2026,
              term: 2 yr}
    financing:
      cash: {value: 0 USD, source: assumption, note: test}
      from_ledger: {buyer: OpenAI}
    outputs: [raises, cash_balance]
    """)


def test_from_ledger_counts_firm_investment_rows_of_the_buyer_only():
    # OpenAI's firm investment rows on the ledger as of 2026-03-31, dated inside 2026: the
    # $30B + $30B + $15B of 2026-02-27 (exact); the $35B 'up_to' row of that day is left out.
    res = run(LEDGER)
    assert series(res, "raises") == [75.0, 0.0]
    before = run(LEDGER.replace("ledger_as_of: 2026-03-31", "ledger_as_of: 2026-01-31"))
    assert series(before, "raises") == [0.0, 0.0]          # not yet announced


def test_from_ledger_reads_the_ledger_at_each_variants_own_ledger_as_of():
    # the same rows as above: none announced by 2026-01-31 (the scenario's date), the $30B + $30B
    # + $15B = $75B of 2026-02-27 by 2026-03-31 (the variant's date); a variant without a date of
    # its own reads the scenario's
    text = LEDGER.replace("ledger_as_of: 2026-03-31", "ledger_as_of: 2026-01-31").replace(
        "outputs:", "variants:\n  later: {ledger_as_of: 2026-03-31}\n  same: {inputs: {arr_end: "
                    "{value: 2 billion USD/yr, source: assumption, note: test}}}\noutputs:")
    res = run(text)
    raises = {v: [round(float(x) / 1e9, 9) for x in res.value("raises", variant=v).m]
              for v in ("base", "later", "same")}
    assert raises == {"base": [0.0, 0.0], "later": [75.0, 0.0], "same": [0.0, 0.0]}
    # 2026: 0 + 75 raised - 1 of spend + 1 of revenue = 75 (spend 2 over 2 years, revenue 1/yr)
    assert res.value("cash_balance", variant="later", at="2026").m / 1e9 == pytest.approx(75.0)
    assert "2026-03-31" in res.leaf_values(res.case_index("later"))["raises_from_ledger"].note


def test_solve_so_that_shortfall_at_most_zero():
    # revenue $10B/yr flat, share s: flow 10 s - 6 a year from cash 10. Falling, the balance is
    # lowest at the end, 10 + 4 x (10 s - 6) >= 0 for s >= 0.35 (no balance below 0, no interest)
    text = HAND.replace("outputs: [", "solve: {for: compute_share_of_revenue, so_that: shortfall,"
                        " at_most: 0 USD, between: [0, 1]}\noutputs: [")
    text = text.replace("arr_end: {value: 1 billion", "arr_end: {value: 10 billion")
    res = run(text)
    row = next(r for r in res.rows() if r.get("solved"))
    # shortfall <= 0 holds on [0.35, 1]: the edge of that part is 0.35
    assert row["value"] == pytest.approx(0.35, abs=1e-4)


BAD = [
    (HAND.replace("timeline: {start: 2025, end: 2028, step: year}\n", "")
     .replace("commitments:\n  cloud: {amount: {value: 24 billion USD, source: assumption, "
              "note: test}, start: 2025,\n          term: 4 yr}\n", ""),
     "financing needs a timeline"),
    (HAND.replace("  cash: {value: 10 billion USD, source: assumption, note: test}\n", ""),
     "financing: cash is missing"),
    (HAND.replace("  interest_rate:", "  other_costs_per_year: {value: 1 billion USD/yr, "
                  "source: assumption, note: t}\n  other_cost_share_of_revenue: {value: 10 %,"
                  " source: assumption, note: t}\n  interest_rate:"),
     "financing.other_cost_share_of_revenue: give other_costs_per_year or "
     "other_cost_share_of_revenue, not both"),
    (HAND.replace("  interest_rate:", "  raises:\n    x: {amount: {value: 5 billion "
                  "USD, source: assumption, note: t}}\n  interest_rate:"),
     "financing.raises.x: date is missing"),
    (HAND.replace("  interest_rate:", "  raises:\n    x: {amount: {value: 5 billion "
                  "USD, source: assumption, note: t}, date: soon}\n  interest_rate:"),
     "financing.raises.x.date: 'soon' is not a date"),
    (HAND.replace("  interest_rate:", "  from_ledger: {buyer: OpenAl}\n  interest_rate:"),
     "financing.from_ledger.buyer: the deals ledger has no buyer 'OpenAl' (did you mean "
     "'OpenAI'?)"),
    (HAND.replace("  interest_rate:", "  other_costs_per_year: {over_time: {2025: 1 GW}, "
                  "source: assumption, note: t}\n  interest_rate:"),
     "financing.other_costs_per_year: over_time.2025: other_costs_per_year: expected money per "
     "time [USD/yr], got power [GW]"),
]


@pytest.mark.parametrize("text, words", BAD)
def test_bad_financing_exits_2_with_file_line_and_key(tmp_path, text, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    out = calc_cli("run", str(path))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert f"{path}:" in out.stderr and words in out.stderr, out.stderr


def test_other_costs_with_a_compute_share_below_1_is_a_double_count_finding(tmp_path):
    text = HAND.replace("  interest_rate: {value: 10 %/yr, source: assumption, note: test}\n",
                        "  other_costs_per_year: {value: 2 billion USD/yr, source: assumption,"
                        " note: test}\n")
    text = text.replace("{value: 0, source: assumption, note: no revenue counted}",
                        "{value: 60 %, source: assumption, note: t}")
    text += ("variants:\n  all: {inputs: {compute_share_of_revenue: {value: 1, source: assumption,"
             " note: t}}}\n  some: {inputs: {compute_share_of_revenue: {range: [70 %, 100 %],"
             " source: assumption, note: t}}}\n")
    res = run(text, samples=200, seed=1)
    found = [f for f in res.findings if f.kind == "double-count"]
    # base at 60 %; 'some' centred inside [70 %, 100 %] but with samples below 1; 'all' at 1: none
    assert [f.variant for f in found] == ["base", "some"] and all(f.fails for f in found)
    assert found[0].value == pytest.approx(0.6)
    assert found[0].labelled == (
        "double-count: compute_share_of_revenue is below 1 (lowest 60 %) and other_costs_per_year "
        "is given: costs other than compute are counted twice in net_cash_flow (once as the "
        "revenue share left out, once as other_costs); with other costs leave "
        "compute_share_of_revenue at 1, or drop other_costs_per_year")
    assert found[1].value < 0.7 and not res.notes
    # the command line shows it and --strict exits 1 on it
    path = tmp_path / "twice.yaml"
    path.write_text(text)
    done = calc_cli("run", str(path), "--strict")
    assert done.returncode == 1 and "counted twice in net_cash_flow" in done.stdout + done.stderr
    alone = text.replace("  compute_share_of_revenue: {value: 60 %, source: assumption, "
                         "note: t}\n", "").replace("  some: {inputs: {compute_share_of_revenue:"
                                                    " {range: [70 %, 100 %], source: assumption,"
                                                    " note: t}}}\n", "")
    assert alone != text and not any(f.kind == "double-count" for f in run(alone).findings)


def test_explain_shows_the_period_of_the_lowest_balance_not_the_last(tmp_path):
    # a $20B raise in 2028: 4, -2, -8.2, then -8.2 - 6 - 0.82 + 20 = 4.98; the lowest is 2027
    text = HAND.replace("  interest_rate:", "  raises:\n"
                        "    late: {amount: {value: 20 billion USD, source: assumption, "
                        "note: test}, date: 2028-06}\n  interest_rate:")
    assert series(run(text), "cash_balance") == [4.0, -2.0, -8.2, 4.98]
    path = tmp_path / "fin.yaml"
    path.write_text(text)
    out = calc_cli("explain", str(path), "shortfall")
    assert out.returncode == 0, out.stderr
    assert "inputs shown in 2027, the period of the lowest cash_balance" in out.stdout
    assert "= $8.20B" in out.stdout


def test_checks_on_shortfall_and_cash_out():
    text = HAND + textwrap.dedent("""\
        checks:
          - {says: "short by under $16B", source: assumption, note: t, that: shortfall,
             below: 16 billion USD}
          - {says: "out in 2026", source: assumption, note: t, that: cash_out,
             between: [2026 yr, 2026 yr]}
          - {says: "out by 2025", source: assumption, note: t, that: cash_out, below: 2026 yr}
        """)
    assert [c.passed for c in run(text).checks] == [True, True, False]


def test_financing_outputs_without_a_financing_block(tmp_path):
    path = tmp_path / "nofin.yaml"
    path.write_text(HAND.split("financing:")[0] + "outputs: [commitment_spend, shortfall]\n")  # line 11
    out = calc_cli("run", str(path))
    assert out.returncode == 2
    assert (f"{path}:11: outputs: shortfall needs a financing block: add financing: {{cash: "
            "{value: 10 billion USD, source: ...}}") in out.stderr


def test_a_financing_input_given_under_inputs_and_a_bad_raise_name(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(HAND.replace("inputs:\n", "inputs:\n  interest_rate: {value: 5 %/yr, "
                                 "source: assumption, note: t}\n")
                    .replace("  interest_rate: {value: 10 %/yr", "  raises:\n    Big-One: "
                             "{amount: {value: 1 billion USD, source: assumption, note: t}, "
                             "date: 2026}\n  interest_rate_x: {value: 10 %/yr"))
    out = calc_cli("run", str(path))
    assert out.returncode == 2
    assert f"{path}:7: inputs.interest_rate: interest_rate belongs in financing" in out.stderr
    assert "financing.raises.Big-One: raise names are snake_case words" in out.stderr
    assert "financing.interest_rate_x: unknown key" in out.stderr


def test_sampled_inputs_keep_one_value_per_sample_over_the_periods_without_copies():
    # benchmarks/financing.py: the 21 inputs' draws were copied into every one of 120 periods
    # (200 MB at 10,000 samples); now an input with one value per sample is a view over them
    text = HAND.replace("value: 24 billion USD,", "range: [12 billion USD, 48 billion USD],")
    res = run(text, samples=200, seed=4)
    d = res.draws["cloud_commitment"]
    assert d.shape == (1, 200, 4) and d.strides[-1] == 0
    # every period shows the sample's own draw, and the spend is a quarter of it a year (4-yr term)
    assert np.array_equal(d[0, :, 0], d[0, :, 3])
    assert np.allclose(res.draws["commitment_spend"][0, :, 2], d[0, :, 0] / 4, rtol=1e-12)
    # a lognormal with its 90 % range over [12, 48]: median sqrt(12 x 48) = 24 billion USD
    assert 20e9 < np.median(d[0, :, 0]) < 29e9 and d.min() < d.max()
