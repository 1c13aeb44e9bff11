"""The scenario format declared as data (calc.scenario_keys), each key with its reader."""

from __future__ import annotations

import json

import pytest

import calc
from calc import scenario_keys
from calc.errors import CalcError
from calc.scenario import TOP_KEYS

from helpers import BASE


def test_the_declaration_is_plain_json_data():
    decl = scenario_keys.declaration()
    assert json.loads(json.dumps(decl)) == decl
    assert list(decl["blocks"]["scenario"]) == list(TOP_KEYS)
    assert scenario_keys.required("scenario") == ("name", "outputs")
    for block in decl["blocks"].values():
        for key, spec in block.items():
            assert spec["type"] in decl["types"], key
            assert spec["doc"], key
            for ref in (spec.get("values"), spec.get("items")):
                assert ref is None or ref in decl["blocks"] or ref in decl["types"], (key, ref)
    assert decl["blocks"]["scenario"]["samples"]["maximum"] == 2_000_000


@pytest.mark.parametrize("block, yaml_text, line", [
    ("scenario", "extra_key: 1\n", 7),
    ("input", "", 3),
])
def test_unknown_keys_are_reported_with_the_declared_ones(tmp_path, block, yaml_text, line):
    text = BASE + yaml_text if block == "scenario" else BASE.replace("note: test}", "note: test, colour: red}", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(CalcError) as info:
        calc.load(path)
    key = "extra_key" if block == "scenario" else "inputs.facility_power.colour"
    assert str(info.value) == f"{path}:{line}: {key}: unknown key; allowed: " + ", ".join(scenario_keys.allowed(block))


def test_every_declared_top_level_key_has_one_reader_in_reading_order():
    assert set(scenario_keys.READERS) == set(scenario_keys.allowed("scenario"))
    order = list(scenario_keys.READERS)
    # later keys refer to earlier ones: over_time inputs to the timeline, commitments to inputs,
    # outputs to derives, checks to inputs and variants, solve to inputs and derives
    for before, after in [("timeline", "inputs"), ("inputs", "commitments"), ("derive", "outputs"),
                          ("variants", "checks"), ("outputs", "display"), ("derive", "solve")]:
        assert order.index(before) < order.index(after), (before, after)


def test_every_key_reader_reports_at_once_with_file_and_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("name: t", "name: T T") + "samples: -3\nseed: x\n")
    with pytest.raises(CalcError) as info:
        calc.load(path)
    assert info.value.problems == [
        f"{path}:1: name: 'T T' is not a slug; give a short slug such as 'nvidia-1gw'",
        f"{path}:7: samples: expected a whole number from 0 to 2,000,000, got -3",
        f"{path}:8: seed: expected a whole number from 0 to {scenario_keys.MAX_SEED:,}, got 'x'"]


def test_unknown_names_are_reported_in_the_order_the_expression_uses_them(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE + "derive:\n  x: zeta_q * alpha_q + mid_q\n"
                    "checks:\n  - {says: s, source: assumption, note: n, that: omega_q + beta_q,"
                    " above: 1}\n")
    with pytest.raises(CalcError) as info:
        calc.load(path)
    assert [p.split(": ", 2)[2][:22] for p in info.value.problems] == [
        "unknown name 'zeta_q' ", "unknown name 'alpha_q'", "unknown name 'mid_q' i",
        "unknown name 'omega_q'"]


def test_a_check_variant_that_is_not_a_name_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE + "checks:\n  - {says: s, source: assumption, note: n, that: chips,"
                    " above: 1 chip, variant: [a, b]}\n")
    with pytest.raises(CalcError) as info:
        calc.load(path)
    assert info.value.problems == [f"{path}:8: checks[0]: variant ['a', 'b'] is not a variant of "
                                   "this scenario (base)"]
