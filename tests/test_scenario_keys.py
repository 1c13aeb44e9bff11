"""The scenario format declared as data (calc.scenario_keys) drives the reader."""

from __future__ import annotations

import copy
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


@pytest.fixture
def declared(monkeypatch):
    """A fresh copy of the declaration, so a test can declare keys without leaking them."""
    monkeypatch.setattr(scenario_keys, "BLOCKS", copy.deepcopy(scenario_keys.BLOCKS))
    monkeypatch.setattr(scenario_keys, "EXTRA_READERS", {})
    import calc.scenario_reader as reader
    monkeypatch.setattr(reader, "BLOCKS", scenario_keys.BLOCKS)
    monkeypatch.setattr(reader, "EXTRA_READERS", scenario_keys.EXTRA_READERS)
    return scenario_keys


def test_a_declared_key_is_read_into_extra_with_file_and_line(tmp_path, declared):
    def read_horizon(reader, data, sc):
        months = data.get("horizon")
        if months is None:
            return None
        if not isinstance(months, int) or months < 1:
            reader.problem(reader.at(data, "horizon", "horizon"), f"expected a number of months, got {months!r}")
            return None
        return months

    declared.declare("horizon", {"type": "integer", "minimum": 1, "doc": "months to project"}, read=read_horizon)
    assert "horizon" in declared.allowed("scenario") and "horizon" in declared.declaration()["blocks"]["scenario"]
    path = tmp_path / "s.yaml"
    path.write_text(BASE + "horizon: 24\n")
    assert calc.load(path).extra == {"horizon": 24}
    # every problem at once: the declared key's and the reader's own
    path.write_text(BASE.replace("name: t", "name: T T") + "horizon: -3\n")
    with pytest.raises(CalcError) as info:
        calc.load(path)
    assert info.value.problems == [f"{path}:1: name: 'T T' is not a slug; give a short slug such as 'nvidia-1gw'",
                                   f"{path}:7: horizon: expected a number of months, got -3"]
    with pytest.raises(ValueError, match="already declared"):
        declared.declare("horizon", {"type": "integer", "doc": "again"}, read=read_horizon)
