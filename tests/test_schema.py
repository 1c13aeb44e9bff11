"""`calc schema`: a JSON Schema of scenario files, generated from the reader's own declaration, that
every shipped scenario satisfies and that flags what the reader refuses by shape."""

from __future__ import annotations

import copy
import json

import pytest

from calc import scenario_keys, yamlio
from calc.output.schema import json_schema
from helpers import ROOT, calc_cli

jsonschema = pytest.importorskip("jsonschema")

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(calc_cli("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator, data) -> list[str]:
    return sorted(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_shipped_scenario_satisfies_the_schema(validator, path):
    assert errors(validator, yamlio.load(path)) == []


def test_the_schema_is_the_readers_declaration():
    schema = json_schema()
    decl = scenario_keys.declaration()
    assert list(schema["properties"]) == list(decl["blocks"]["scenario"])
    assert schema["required"] == [k for k, s in decl["blocks"]["scenario"].items() if s.get("required")]
    for block, keys in decl["blocks"].items():
        if block != "scenario":
            assert list(schema["$defs"][block]["properties"]) == list(keys), block
    assert schema["properties"]["samples"]["description"] == decl["blocks"]["scenario"]["samples"]["doc"]
    # a key declared for the reader appears in the schema with its doc, no second list to keep
    more = copy.deepcopy(decl)
    more["blocks"]["scenario"]["timeline_test"] = {"type": "text", "doc": "a key declared later"}
    assert json_schema(more)["properties"]["timeline_test"] == {"type": "string", "description": "a key declared later"}


def test_the_schema_flags_what_the_reader_refuses_by_shape(validator):
    base = {"name": "t", "outputs": ["chips"],
            "inputs": {"facility_power": {"value": "1 GW", "source": "assumption", "note": "x"}}}
    assert errors(validator, base) == []
    assert errors(validator, {**base, "colour": "red"}) == [
        ": Additional properties are not allowed ('colour' was unexpected)"]
    both = {**base, "inputs": {"pue": {"value": 1.2, "figure": "pue_ai_campus"}}}
    assert any("is valid under each of" in e for e in errors(validator, both))
    assert errors(validator, {"name": "Not A Slug", "outputs": ["chips"]}) == [
        "name: 'Not A Slug' does not match '^[a-z0-9]+(?:[-_][a-z0-9]+)*$'"]
    assert errors(validator, {"name": "t"}) == [": 'outputs' is a required property"]
    assert errors(validator, {**base, "accelerator": "gb200"})[0].startswith("accelerator: 'gb200' is not one of [")
    assert errors(validator, {**base, "samples": -1}) == ["samples: -1 is less than the minimum of 0"]


def test_calc_schema_writes_a_file(tmp_path):
    proc = calc_cli("schema", "--output", "scenario.schema.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "scenario.schema.json").read_text(encoding="utf-8")
    assert json.loads(text)["title"] == "calc scenario file"
    assert text == calc_cli("schema").stdout
