"""Commitments stated as capacity at a price, and series with ``interpolate: linear`` (issue 22,
items 1 and 2): numbers derived by hand, and bad input as exit 2 with file:line and key."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pytest

import calc
from calc.periods import series_average, series_integral

from helpers import calc_cli

# A capacity rising linearly from 0 GW at 2025 to 12 GW at 2030 at 17.2 billion USD per GW-year.
RENTAL = textwrap.dedent("""\
    name: rental
    timeline: {start: 2025, end: 2030, step: year}
    commitments:
      rental:
        capacity: {over_time: {2025: 0 GW, 2030: 12 GW}, interpolate: linear, source: assumption,
                   note: t}
        price: {value: 17.2 billion USD/GW/yr, source: assumption, note: t}
    inputs:
      power_path: {over_time: {2025: 0 GW, 2030: 12 GW}, interpolate: linear, source: assumption,
                   note: t}
    outputs: [commitment_spend, power_path, rental_capacity]
    """)


def _write(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


def test_linear_capacity_at_a_price_spends_the_exact_integral():
    res = calc.load(RENTAL).run()
    # 2027 runs from 4.8 GW (2 yr x 2.4 GW/yr) to 7.2 GW: 17.2e9 x (4.8 + 7.2) / 2 = 103.2e9;
    # 2025: 17.2e9 x (0 + 2.4) / 2 = 20.64e9; 2030 is past the last point: 17.2e9 x 12 = 206.4e9
    spend = res["commitment_spend"].m_as("USD")
    assert spend[2] == pytest.approx(103.2e9)
    assert spend[0] == pytest.approx(20.64e9)
    assert spend[5] == pytest.approx(206.4e9)


def test_a_linear_series_takes_each_periods_average():
    res = calc.load(RENTAL).run()
    # the average of a straight line over a year is its value mid-year: 2.4 GW/yr x (0.5, 1.5, ..)
    # and 12 GW after the last point
    assert np.allclose(res["power_path"].m_as("GW"), [1.2, 3.6, 6.0, 8.4, 10.8, 12.0])
    linear = "power_path: {over_time: {2025: 0 GW, 2030: 12 GW}, interpolate: linear,"
    assert linear in RENTAL
    step = calc.load(RENTAL.replace(linear, linear.replace(" interpolate: linear,", ""))).run()
    # step (the default, unchanged): 0 GW in force until 2030
    assert np.allclose(step["power_path"].m_as("GW"), [0, 0, 0, 0, 0, 12.0])


def test_series_integral_by_hand():
    knots = np.array([0, 12, 24])                     # months: 2 GW, then 4 GW, then 1 GW
    ys = np.array([2.0, 4.0, 1.0])
    # step: 2 x 12 + 4 x 12 = 72 GW-months at month 24; before the first point 2 GW holds: -12
    assert series_integral(knots, ys, np.array([24, -6]), False).tolist() == [72.0, -12.0]
    # linear: trapezoids (2 + 4) / 2 x 12 + (4 + 1) / 2 x 12 = 66; then 1 GW: 66 + 6 = 72 at 30
    assert series_integral(knots, ys, np.array([24, 30]), True).tolist() == [66.0, 72.0]
    # the average over months 6..18 of the linear series: 3 at 6, 4 at 12, 2.5 at 18:
    # ((3 + 4) / 2 x 6 + (4 + 2.5) / 2 x 6) / 12 = 3.375
    assert series_average(knots, ys, 6, 18, True) == pytest.approx(3.375)


CONSTANT = textwrap.dedent("""\
    name: constant
    timeline: {start: 2025, end: 2028, step: year}
    commitments:
      rental:
        capacity: {value: 2 GW, source: assumption, note: t}
        start: 2025-07
        term: 2 yr
      money: {amount: {value: 10 billion USD, source: assumption, note: t}, start: 2025, term: 2 yr}
    inputs:
      rental_price_per_power: {value: 15 billion USD/GW/yr, source: assumption, note: t}
    outputs: [commitment_spend]
    """)


def test_capacity_without_price_uses_the_shared_rental_price_and_its_term():
    spend = calc.load(CONSTANT).run()["commitment_spend"].m_as("USD")
    # 2 GW x 15e9 USD/GW/yr = 30e9 a year from 2025-07 to 2027-07, plus 10e9 over 2025-2026:
    # 2025: 0.5 x 30 + 5 = 20; 2026: 30 + 5 = 35; 2027: 0.5 x 30 = 15; 2028: 0
    assert np.allclose(spend, [20e9, 35e9, 15e9, 0])


def test_capacity_step_series_is_integrated_inside_the_term():
    text = CONSTANT.replace("capacity: {value: 2 GW,", "capacity: {over_time: {2025: 1 GW, "
                            "2026-07: 3 GW},")
    spend = calc.load(text).run()["commitment_spend"].m_as("USD")
    # inside 2025-07 .. 2027-07: 2025 half a year at 1 GW = 0.5 GW-yr -> 7.5e9 (+ 5e9 money);
    # 2026: 0.5 x 1 + 0.5 x 3 = 2 GW-yr -> 30e9 (+ 5e9); 2027: 0.5 x 3 = 1.5 -> 22.5e9
    assert np.allclose(spend, [12.5e9, 35e9, 22.5e9, 0])


BAD = [
    ("    term: 2 yr\n", "    term: 2 yr\n    shape: ramp\n",
     r"s.yaml:\d+: commitments.rental.shape: shape cannot go with capacity"),
    ("    term: 2 yr\n", "    term: 2 yr\n    schedule: {2026: 100%}\n",
     r"s.yaml:\d+: commitments.rental.schedule: schedule cannot go with capacity"),
    ("    term: 2 yr\n",
     "    term: 2 yr\n    amount: {value: 1 billion USD, source: assumption, note: t}\n",
     r"s.yaml:\d+: commitments.rental.amount: amount cannot go with capacity"),
    ("{value: 2 GW,", "{value: 2 USD,",
     r"s.yaml:5: commitments.rental.capacity: got USD; capacity is a power"),
    ("    term: 2 yr\n",
     "    term: 2 yr\n    price: {value: 3 USD/GW, source: assumption, note: t}\n",
     r"s.yaml:\d+: commitments.rental.price: got USD/GW; a price is money per power per time"),
    ("{value: 2 GW, source: assumption, note: t}",
     "{over_time: {2025: 2 GW}, interpolate: cubic, source: assumption, note: t}",
     r"s.yaml:5: commitments.rental.capacity: interpolate: got 'cubic'; use step .* or linear"),
    ("money: {amount: {value: 10 billion USD, source: assumption, note: t},", "money: {",
     r"s.yaml:8: commitments.money: amount: expected .*; or capacity"),
    ("rental_price_per_power: {value: 15 billion USD/GW/yr,",
     "rental_price_per_power: {value: 15 billion USD/GW/yr, interpolate: linear,",
     r"s.yaml:10: inputs.rental_price_per_power: interpolate applies to a series"),
]


@pytest.mark.parametrize("old, new, message", BAD)
def test_bad_capacity_input_is_exit_2_with_file_line_and_key(tmp_path, old, new, message):
    assert old in CONSTANT
    out = calc_cli("run", str(_write(tmp_path, CONSTANT.replace(old, new))))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert re.search(message, out.stderr), out.stderr


def test_capacity_commitment_is_an_output_over_the_whole_timeline(tmp_path):
    text = CONSTANT.replace("outputs: [commitment_spend]",
                            "outputs: [commitment_spend, rental_commitment]")
    res = calc.load(text).run()
    # 2 GW x 15e9 USD/GW/yr x 2 yr inside the timeline = 60e9, one value for the whole timeline
    assert res["rental_commitment"].m_as("USD") == pytest.approx(60e9)
    out = calc_cli("run", str(_write(tmp_path, text)), "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = [ln.split(",") for ln in out.stdout.splitlines() if ",rental_commitment," in ln]
    assert len(rows) == 1 and rows[0][2] == "" and float(rows[0][4]) == pytest.approx(60e9)


CHIPS = textwrap.dedent("""\
    name: chips
    timeline: {start: 2026, end: 2027, step: year}
    commitments:
      chips: {amount: {expr: "chip_count * chip_capex"}, schedule: {2026: 40%, 2027: 60%}}
    inputs:
      chip_count: {value: 200000 chip, source: assumption, note: t}
      chip_capex: {value: 50000 USD/chip, source: assumption, note: t}
    outputs: [commitment_spend]
    """)


def test_commitment_amount_from_a_formula():
    res = calc.load(CHIPS).run()
    # 200,000 chips x 50,000 USD = 10e9; 40 % in 2026, 60 % in 2027
    assert np.allclose(res["commitment_spend"].m_as("USD"), [4e9, 6e9])


@pytest.mark.parametrize("new, message", [
    ('"chip_count * chip_capex * chips_commitment"',
     r"s.yaml:4: commitments.chips.amount: expr: .* names 'chips_commitment', the amount itself"),
    ('"chip_count * chip_capx"',
     r"s.yaml:4: commitments.chips.amount: expr: unknown name 'chip_capx' .*did you mean"),
    ('"3 GW"', r"s.yaml:4: commitments.chips.amount: .*expected money"),
    ('"chip_count"', r"s.yaml:4: commitments.chips.amount: expr: 'chip_count': expected money "
                     r"\[USD\], got chip"),
])
def test_bad_commitment_formula_is_exit_2(tmp_path, new, message):
    out = calc_cli("run", str(_write(tmp_path, CHIPS.replace('"chip_count * chip_capex"', new))))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert re.search(message, out.stderr), out.stderr


RANGES = textwrap.dedent("""\
    name: ranges
    timeline: {start: 2026, end: 2028, step: year}
    samples: 400
    seed: 5
    inputs:
      path: {over_time: {2026: [1 GW, 4 GW], 2028: [10 GW, 40 GW]}, source: assumption, note: t}
      slope: {over_time: {2026: [1 GW, 4 GW], 2028: [10 GW, 40 GW]}, interpolate: linear,
              source: assumption, note: t}
    outputs: [path, slope]
    """)


def test_series_of_ranges_move_together():
    res = calc.load(RANGES).run()
    path = res.draws["path"][0]                     # (samples, periods)
    # one quantile per sample for the whole series: 2028 is 10 x 2026 in every sample (both
    # lognormal ranges with the same ratio high / low = 4)
    assert np.allclose(path[:, 2], 10 * path[:, 0])
    assert np.allclose(path[:, 1], path[:, 0])      # step: 2027 keeps 2026's point
    # the median of the series is the series of medians: sqrt(1 x 4) = 2, sqrt(10 x 40) = 20
    p50 = res.stats["path"]["p50"][0]
    assert np.allclose(p50, [2, 2, 20], rtol=0.05)
    assert np.allclose(res.central["path"][0], [2, 2, 20])
    # linear: 2026 averages 2 -> 11 (the line's midpoint between 2 and 20): (2 + 11) / 2 = 6.5;
    # 2027 (11 + 20) / 2 = 15.5; 2028 after the last point: 20
    assert np.allclose(res.central["slope"][0], [6.5, 15.5, 20])
    slope = res.draws["slope"][0]
    assert np.allclose(slope[:, 1], 15.5 / 6.5 * slope[:, 0])


DRIVERS = textwrap.dedent("""\
    name: drivers
    timeline: {start: 2026, end: 2026-Q4, step: quarter}
    commitments:
      c: {amount: {value: 8 billion USD, source: assumption, note: t}, start: 2026, term: 2 yr}
    inputs:
      users: {value: 100, source: assumption, note: t}
      price_per_user: {value: 0.12 billion USD/yr, source: assumption, note: t}
      revenue: {expr: "users * price_per_user", unit: USD/yr, note: t}
    outputs: [revenue, cumulative_gap]
    """)


def test_revenue_from_a_formula_is_a_rate_times_each_period():
    res = calc.load(DRIVERS).run()
    # 100 x 0.12e9 = 12e9 USD/yr; a quarter earns 3e9; spend 8e9 / 8 quarters = 1e9 a quarter
    assert np.allclose(res["revenue"].m_as("USD"), [3e9] * 4)
    assert np.allclose(res["cumulative_gap"].m_as("USD"), [-2e9, -4e9, -6e9, -8e9])


def test_revenue_as_a_linear_series_of_rates():
    text = DRIVERS.replace('revenue: {expr: "users * price_per_user", unit: USD/yr, note: t}',
                           "revenue: {over_time: {2026: 12 billion USD/yr, 2027: 24 billion "
                           "USD/yr}, interpolate: linear, source: assumption, note: t}")
    text = re.sub(r"  (users|price_per_user): .*\n", "", text)
    res = calc.load(text).run()
    # the rate rises 12e9 -> 24e9 over 2026: 1e9/yr more each month; Q1 averages 13.5e9/yr and
    # earns a quarter of it, 3.375e9; then 16.5, 19.5, 22.5 e9/yr -> 4.125, 4.875, 5.625 e9
    assert np.allclose(res["revenue"].m_as("USD"), [3.375e9, 4.125e9, 4.875e9, 5.625e9])


@pytest.mark.parametrize("new, message", [
    ('revenue: {expr: "users * price_per_user * revenue", unit: USD/yr, note: t}',
     r"s.yaml:8: inputs.revenue: expr: .* names 'revenue' itself"),
    ('revenue: {expr: "users * price_per_user", unit: GW, note: t}',
     r"s.yaml:8: inputs.revenue: unit: GW does not match revenue's unit USD or, for revenue, a "
     r"rate"),
    ('revenue: {expr: "users * price_per_usr", unit: USD/yr, note: t}',
     r"s.yaml:8: inputs.revenue: expr: unknown name 'price_per_usr'"),
    ('arr_at: {over_time: {2026: 1 billion USD/yr}, source: assumption, note: t}',
     r"s.yaml:8: inputs.arr_at: arr_at cannot be a series; give revenue as a series"),
    ('revenue: {expr: "users * price_per_user", unit: USD/yr, note: t}\nvariants:\n  v: {inputs: '
     '{users: {expr: "2 * price_per_user", unit: USD/yr}}}',
     r"s.yaml:10: variants.v.inputs.users: a formula input goes under the scenario's inputs:"),
])
def test_bad_input_formula_is_exit_2(tmp_path, new, message):
    old = 'revenue: {expr: "users * price_per_user", unit: USD/yr, note: t}'
    out = calc_cli("run", str(_write(tmp_path, DRIVERS.replace(old, new))))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert re.search(message, out.stderr), out.stderr


def test_an_input_formula_over_a_series_is_a_series():
    text = RENTAL.replace("outputs: [commitment_spend, power_path, rental_capacity]",
                          "  doubled: {expr: \"2 * power_path\", unit: GW, note: t}\n"
                          "outputs: [doubled, commitment_spend]")
    # twice the linear averages 1.2, 3.6, 6, 8.4, 10.8, 12 GW
    assert np.allclose(calc.load(text).run()["doubled"].m_as("GW"), [2.4, 7.2, 12, 16.8, 21.6, 24])


# capacity and price given as formulas over inputs (HSBC states a rental bill and the GW it buys)
SHARES = CONSTANT.replace("capacity: {value: 2 GW, source: assumption, note: t}",
                          'capacity: {expr: "online_share * contracted", unit: GW}').replace(
    "inputs:\n", "inputs:\n  online_share: {value: 50 %, source: assumption, note: t}\n"
                 "  contracted: {value: 4 GW, source: assumption, note: t}\n")


def test_capacity_as_a_formula_spends_as_its_value():
    assert "online_share * contracted" in SHARES
    res = calc.load(SHARES).run()
    # 50 % x 4 GW = 2 GW, as CONSTANT's 2 GW: 30e9 a year from 2025-07 to 2027-07 plus 5e9 a
    # year of money in 2025-2026: 2025: 15 + 5 = 20; 2026: 30 + 5 = 35; 2027: 15; 2028: 0
    assert np.allclose(res["commitment_spend"].m_as("USD"), [20e9, 35e9, 15e9, 0])
    lin = res.lineage(0, "commitment_spend")
    assert {"online_share", "contracted"} <= set(lin["inputs"]) and lin["sources"] == ["assumption"]
    # a range in a formula's input samples the capacity: 2 GW at the central 50 %
    ranged = calc.load(SHARES.replace("online_share: {value: 50 %,",
                                      "online_share: {range: [25 %, 100 %],"))
    rows = {r["quantity"]: r for r in ranged.run(samples=400, seed=2).rows()
            if r["period"] == "2026"}
    # 2026 is wholly inside: 15e9 x capacity + 5e9, capacity between 1 and 4 GW in 90 % of samples
    assert 15e9 * 1 + 5e9 < rows["commitment_spend"]["p50"] < 15e9 * 4 + 5e9
    assert rows["commitment_spend"]["p95"] > rows["commitment_spend"]["p05"]
    # outputs, derives and checks name the formula's capacity; the commitment is 2 GW x 15e9 x 2 yr
    named = calc.load(SHARES.replace("outputs: [commitment_spend]",
                                     "outputs: [rental_capacity, twice, rental_commitment, "
                                     "commitment_spend]")
                      + "derive:\n  twice: {expr: 2 * rental_capacity, unit: GW}\nchecks:\n"
                        "  - {says: two GW, source: assumption, that: rental_capacity, near: 2 GW,"
                        " within: 1 %, note: t}\n").run()
    assert named["twice"].m_as("GW").tolist() == [4.0] * 4
    assert named["rental_commitment"].m_as("USD") == pytest.approx(60e9)
    assert [c.passed for c in named.checks] == [True]


def test_price_as_a_formula_and_capacity_as_a_formula_over_a_series():
    # HSBC's arithmetic: 620 billion USD a year for 36 GW is 17.22 billion USD per GW-year; on
    # RENTAL's capacity (6 GW on average in 2027): 620e9 / 36 x 6 = 103.33e9
    text = RENTAL.replace("price: {value: 17.2 billion USD/GW/yr, source: assumption, note: t}",
                          'price: {expr: "bill / contracted"}').replace(
        "inputs:\n", "inputs:\n  bill: {value: 620 billion USD/yr, source: assumption, note: t}\n"
                     "  contracted: {value: 36 GW, source: assumption, note: t}\n")
    res = calc.load(text).run()
    assert res["commitment_spend"].m_as("USD")[2] == pytest.approx(620e9 / 36 * 6)
    assert "rental_price = bill / contracted" in res.explain("commitment_spend", at="2027")
    # capacity = a linear online share (0 at 2025 to 100 % at 2030) x 12 GW: the share's 2027
    # average is 50 %, so 6 GW as RENTAL's linear capacity: 17.2e9 x 6 = 103.2e9
    share = text.replace("capacity: {over_time: {2025: 0 GW, 2030: 12 GW}, interpolate: linear, "
                         "source: assumption,\n               note: t}",
                         'capacity: {expr: "share_online * 12 GW", unit: GW}').replace(
        'price: {expr: "bill / contracted"}',
        "price: {value: 17.2 billion USD/GW/yr, source: assumption, note: t}").replace(
        "inputs:\n", "inputs:\n  share_online: {over_time: {2025: 0, 2030: 1}, interpolate: linear,"
                     " source: assumption, note: t}\n")
    assert "share_online * 12 GW" in share and "bill / contracted" not in share
    spend = calc.load(share.replace("  bill: {value: 620 billion USD/yr, source: assumption, "
                                    "note: t}\n  contracted: {value: 36 GW, source: assumption, "
                                    "note: t}\n", "")).run()["commitment_spend"].m_as("USD")
    assert spend[2] == pytest.approx(103.2e9)


@pytest.mark.parametrize("old, new, message", [
    ('capacity: {expr: "online_share * contracted", unit: GW}',
     'capacity: {expr: "online_share * contracted", unit: USD}',
     r"s.yaml:5: commitments.rental.capacity: unit: USD is not a unit of capacity; give it in GW"),
    ('capacity: {expr: "online_share * contracted", unit: GW}',
     'capacity: {expr: "online_share * 5 USD", unit: GW}',
     r"s.yaml:5: commitments.rental.capacity: expr: .*"),
    ('capacity: {expr: "online_share * contracted", unit: GW}',
     'capacity: {expr: "online_share * rental_capacity", unit: GW}',
     r"s.yaml:5: commitments.rental.capacity: expr: .* names 'rental_capacity', the capacity "
     r"itself"),
    ('capacity: {expr: "online_share * contracted", unit: GW}',
     'capacity: {expr: "online_share * contracted", unit: GW}\n    price: {expr: "contracted"}',
     r"s.yaml:6: commitments.rental.price: expr: .*"),
    ('capacity: {expr: "online_share * contracted", unit: GW}',
     'capacity: {expr: "online_shar * contracted", unit: GW}',
     r"s.yaml:5: commitments.rental.capacity: expr: unknown name 'online_shar' .*did you mean "
     r"'online_share'"),
])
def test_bad_capacity_or_price_formula_is_exit_2(tmp_path, old, new, message):
    assert old in SHARES
    out = calc_cli("run", str(_write(tmp_path, SHARES.replace(old, new))))
    assert out.returncode == 2 and "Traceback" not in out.stderr and out.stdout == ""
    assert re.search(message, out.stderr), out.stderr


def test_an_input_formula_naming_a_figure_wins_over_the_registrys_default():
    # compute_share_of_revenue has a registry default (100 %); a formula over a registry figure
    # must replace it, not be dropped silently: hsbc_openai_paying_share_2030 (10 %) x 5 = 50 %,
    # so 2025's coverage is half of what the default gives.
    text = textwrap.dedent("""\
        name: f
        inputs:
          arr_end: {value: 13 billion USD/yr, source: assumption, note: test}
          arr_growth_per_month: {value: 4 %, source: assumption, note: test}
          arr_as_of: {value: 2025-08, source: assumption, note: test}
          compute_share_of_revenue: {expr: "hsbc_openai_paying_share_2030 * 5", unit: "", note: t}
        timeline: {start: 2025, end: 2027, step: year}
        commitments:
          deal: {amount: {value: 30 billion USD, source: assumption, note: t}, start: 2025, term: 3 yr}
        outputs: [coverage, compute_share_of_revenue]
        """)
    res = calc.load(text).run()
    assert float(res.value("compute_share_of_revenue", at="2025").m_as("")) == pytest.approx(0.5)
    default = calc.load(text.replace('  compute_share_of_revenue: {expr: "hsbc_openai_paying_share'
                                     '_2030 * 5", unit: "", note: t}\n', "")).run()
    assert float(res.value("coverage", at="2025").m_as("")) == pytest.approx(
        0.5 * float(default.value("coverage", at="2025").m_as("")))
