"""calc.run: one orchestrator, a frozen Result, findings, undefined ratios, one citation model."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import calc
from calc.output import write

from helpers import calc_cli

# 1 GW over 1,000,000 chips is 1e9 W / 1e6 chip = 1,000 W/chip of facility power; at 1,250 W/chip of IT
# power that implies pue = 1,000 / 1,250 = 0.8 -- below 1, physically impossible
IMPLIED = {"facility_power": "1 GW", "chips": "1000000 chip", "it_power_per_chip": "1250 W/chip"}
SCENARIO = """\
name: implied
inputs:
  facility_power: {value: 1 GW, source: assumption, note: test}
  chips: {value: 1000000 chip, source: assumption, note: test}
  it_power_per_chip: {value: 1250 W/chip, source: assumption, note: test}
outputs: [pue]
"""


@pytest.fixture
def implied(tmp_path):
    path = tmp_path / "implied.yaml"
    path.write_text(SCENARIO)
    return path


def test_an_impossible_implied_figure_is_a_finding_not_an_error():
    res = calc.evaluate(outputs=["pue"], inputs=IMPLIED)
    assert res["pue"].magnitude == pytest.approx(0.8)
    (f,) = res.findings
    assert (f.kind, f.quantity, f.variant, f.bound, f.share) == ("impossible", "pue", "base", "below 1", None)
    assert f.detail == "physically impossible: pue = 0.8, below 1"


def test_with_samples_a_finding_gives_the_share_of_samples_affected():
    # IT power per chip [900, 1300] W/chip: pue = 1,000 / x is below 1 wherever x > 1,000 W/chip. Lognormal 90 %
    # interval: mu = ln(sqrt(900 x 1300)) = 6.9863, sigma = ln(1300/900) / 3.29 = 0.11177; ln 1000 = 6.9078 is
    # 0.702 sd below mu, so P(x > 1000) = Phi(0.702) = 0.759. The central pue 1000 / 1081.7 = 0.924 is below 1.
    res = calc.evaluate(outputs=["pue"], inputs={**IMPLIED, "it_power_per_chip": ["900 W/chip", "1300 W/chip"]},
                        samples=20_000, seed=5)
    (f,) = res.findings
    assert f.value == pytest.approx(1000 / np.sqrt(900 * 1300))
    assert f.share == pytest.approx(0.759, abs=0.015)
    assert f.detail.startswith("physically impossible: pue = 0.924") and "(in 76 % of samples)" in f.detail


def test_findings_are_shown_in_every_format(implied):
    res = calc.load(implied).run()
    line = "physically impossible: pue = 0.8, below 1"
    for fmt in ("table", "markdown", "html"):
        assert line in write(fmt, res), fmt
    doc = json.loads(write("json", res))
    assert doc["findings"] == [{"kind": "impossible", "quantity": "pue", "variant": "base", "point": {},
                                "value": pytest.approx(0.8), "unit": "", "bound": "below 1", "share": None,
                                "points": 1, "detail": line}]
    from calc.output.xlsx import result_xlsx
    import io
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(io.BytesIO(result_xlsx(res)))["checks"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == line and rows[1][5] is False          # says, passed


def test_strict_exits_1_on_an_impossible_figure(implied):
    plain = calc_cli("run", str(implied))
    assert plain.returncode == 0 and "✗  physically impossible: pue = 0.8, below 1 (base)" in plain.stdout
    strict = calc_cli("run", str(implied), "--strict")
    assert strict.returncode == 1


def test_an_input_out_of_bounds_is_still_bad_input(implied, tmp_path):
    proc = calc_cli("run", str(implied), "--set", "pue=0.8", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr == "calc: --set pue: pue = 0.8 is out of bounds: pue is at least 1\n"


def test_an_overflow_from_finite_inputs_names_the_output_and_inputs(implied, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(SCENARIO.replace("chips: {value: 1000000 chip", "pue: {value: 1.2")
                    .replace("outputs: [pue]", "outputs: [chips]").replace("value: 1 GW", "value: 1e308 GW"))
    proc = calc_cli("run", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    # power_per_chip = 1,250 x 1.2 = 1,500 W/chip; 1e308 GW = 1e317 W / 1,500 is beyond a float
    assert proc.stderr.startswith(f"calc: {path}: chips = facility_power / power_per_chip is infinite (too large to "
                                  "compute, or a division by zero) from finite inputs: facility_power = 1e+308 GW, "
                                  "power_per_chip = 1500 W/chip")


def test_a_ratio_over_a_zero_denominator_is_null_with_a_note():
    # commitment_share_of_arr = (1e9 USD / 2 yr) / 0 USD/yr: the glossary lets it be undefined
    res = calc.evaluate(outputs=["commitment_share_of_arr"],
                        inputs={"commitment": "$1B", "commitment_term": "2 yr", "arr": "0 USD/yr"})
    assert np.isnan(res.central["commitment_share_of_arr"][0])
    assert json.loads(write("json", res))["rows"][0]["value"] is None
    (f,) = res.findings
    assert (f.kind, f.detail) == ("undefined", "commitment_share_of_arr is undefined (null): no run-rate revenue "
                                               "to compare the commitment with")
    assert res.impossible() == []


def test_a_result_cannot_be_changed_after_it_is_built():
    res = calc.evaluate(outputs=["pue"], inputs=IMPLIED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.checks = []
    with pytest.raises(TypeError):
        res.central["pue"] = np.array([1.0])                 # a read-only mapping
    with pytest.raises(ValueError):
        res.central["pue"][0] = 1.0                          # a read-only array
    with pytest.raises(AttributeError):
        res.findings.append(None)                            # a tuple


def test_sensitivity_builds_a_new_result_and_leaves_the_old_one_alone():
    res = calc.evaluate(outputs=["chips"], inputs={"facility_power": "1 GW", "pue": [1.1, 1.4],
                                                   "it_power_per_chip": "2 kW/chip"})
    tornado = res.with_sensitivity()
    assert res.sensitivity_table is None and tornado is not res
    row = tornado.sensitivity_table.iloc[0]
    # chips = 1e9 / (2,000 x pue): pue at its p05 (1.1) gives 454,545, at its p95 (1.4) 357,143
    assert (row["input"], row["at_input_p05"], row["at_input_p95"]) == ("pue", pytest.approx(454_545.45),
                                                                        pytest.approx(357_142.86))
    assert "Sensitivity" in write("table", tornado) and "Sensitivity" not in write("table", res)


def test_one_citation_model_for_every_renderer():
    res = calc.evaluate(outputs=["chips"], inputs={"facility_power": calc.figure("anthropic_nvidia_compute_commitment"),
                                                   "pue": 1.25, "it_power_per_chip": "2 kW/chip"})
    cit = res.citations["36kr-caixin-2025-11-msft-nvda"]
    quote = calc.figure("anthropic_nvidia_compute_commitment").quote
    assert cit.quotes[0][0] == quote
    assert json.loads(write("json", res))["sources"][cit.id]["quote"] == quote            # JSON
    assert " ".join(cit.text().split()) in " ".join(write("table", res).split())          # terminal footnote
    assert cit.line() in res.explain("chips")                                               # explain
    from calc.output.plots import result_sources
    assert result_sources(res, ["chips"]) == ["36Kr (2025-11)"]                            # charts
