"""Bad input through the real ``calc`` command: exit status 2, a message saying what and where, no
traceback, and an existing ``--output`` file left byte for byte as it was.

Then property tests: whatever YAML or expression text comes in, the only outcomes are a result or
a CalcError.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import calc.scenario
from calc import expr
from calc.errors import CalcError
from calc.units import Q

from helpers import BASE, calc_cli

PREVIOUS = b"previous results\nkeep me\n"




def refused(tmp_path: Path, content: str | bytes | None, *patterns: str, args: tuple = (),
            file: str = "s.yaml") -> str:
    """Run ``calc run FILE --output out.txt`` over ``content``; assert it was refused properly.

    Each pattern is a regular expression that must occur in stderr. Returns stderr.
    """
    import re

    if content is not None:
        path = tmp_path / file
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "out.txt"
    out.write_bytes(PREVIOUS)
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = calc_cli("run", file, "--output", "out.txt", *args, cwd=tmp_path)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert out.read_bytes() == PREVIOUS                         # a failed run writes nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # and leaves no temporary file
    assert proc.stderr.startswith("calc: ")
    for pattern in patterns:
        assert re.search(pattern, proc.stderr), f"{pattern!r} not in:\n{proc.stderr}"
    return proc.stderr


def with_base(extra: str) -> str:
    return BASE + textwrap.dedent(extra)


def replace(old: str, new: str) -> str:
    assert BASE.count(old) == 1
    return BASE.replace(old, new)


# -- the valid base ------------------------------------------------------------------------------
def test_the_valid_base_runs_and_writes_its_output(tmp_path):
    (tmp_path / "s.yaml").write_text(BASE)
    (tmp_path / "out.txt").write_bytes(PREVIOUS)
    proc = calc_cli("run", "s.yaml", "--output", "out.txt", "--format", "csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    text = (tmp_path / "out.txt").read_text()
    assert "chips" in text and "400000" in text                # 1e9 / (2000 x 1.25) = 400,000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "s.yaml"]


# -- the file itself -----------------------------------------------------------------------------
def test_malformed_yaml(tmp_path):
    refused(tmp_path, "name: t\ninputs: {facility_power: [1, 2\noutputs: [chips]\n",
            r"calc: s\.yaml:3: malformed YAML: .*expected ',' or '\]'")


def test_empty_file(tmp_path):
    refused(tmp_path, "", r"calc: s\.yaml: the file is empty; a scenario needs at least 'name' and 'outputs'")


def test_file_that_is_not_utf8(tmp_path):
    content = BASE.replace("name: t\n", "name: t\ntitle: Größe\n").encode("latin-1")
    # "name: t\ntitle: Gr" is 17 bytes, so the latin-1 'ö' is byte 17
    refused(tmp_path, content, r"calc: s\.yaml: not UTF-8 text \(byte 17\); save the file as UTF-8")


def test_missing_file(tmp_path):
    refused(tmp_path, None, r"calc: nope\.yaml: no such file", file="nope.yaml")


def test_top_level_list_instead_of_a_mapping(tmp_path):
    refused(tmp_path, "- name: t\n- outputs: [chips]\n",
            r"calc: s\.yaml:1: expected a mapping of scenario keys \(name, title, .*\), got a list")


def test_duplicated_key(tmp_path):
    refused(tmp_path, BASE + "name: u\n",
            r"calc: s\.yaml:7: malformed YAML: key 'name' is given twice \(first on line 1\)")


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch pwned']",
                                 "!!python/name:os.system", "!!python/object:calc.errors.CalcError {}"])
def test_python_tags_build_nothing(tmp_path, tag):
    refused(tmp_path, BASE.replace("outputs: [chips]", f"outputs: {tag}"),
            r"calc: s\.yaml:6: malformed YAML: the tag !!python/.* is not allowed -- "
            r"YAML tags that build objects are not allowed")
    assert not (tmp_path / "pwned").exists()


def test_oversized_file(tmp_path):
    refused(tmp_path, BASE + "description: " + "x" * 1_000_000 + "\n",
            r"calc: s\.yaml: file is 1,000,\d{3} bytes; calc reads YAML files up to 1,000,000 bytes")


# -- keys ----------------------------------------------------------------------------------------
def test_unknown_top_level_key(tmp_path):
    # a misspelt 'outputs' is two problems: an unknown key, and no outputs
    err = refused(tmp_path, replace("outputs: [chips]", "ouputs: [chips]"),
                  r"calc: s\.yaml:6: ouputs: unknown key \(did you mean 'outputs'\?\); allowed: name, title, ",
                  r"calc: s\.yaml:1: outputs: missing 'outputs': list the quantities to compute")
    assert err.count("calc: ") == 2


def test_misspelt_output(tmp_path):
    refused(tmp_path, replace("outputs: [chips]", "outputs: [chipz]"),
            r"calc: s\.yaml:6: outputs\[0\]: unknown quantity 'chipz' \(did you mean 'chips'\?\)")


def test_input_nothing_uses(tmp_path):
    refused(tmp_path, replace("outputs:", "  pue_: {value: 1.3, source: assumption, note: typo}\noutputs:"),
            r"calc: s\.yaml:6: inputs\.pue_: not used by any output, derive or check "
            r"\(did you mean 'pue'\?\); remove it or use it")


def test_unknown_accelerator(tmp_path):
    refused(tmp_path, with_base("accelerator: gb200-superchp\n"),
            r"calc: s\.yaml:7: accelerator: unknown accelerator 'gb200-superchp' "
            r"\(did you mean 'gb200-superchip'\?\); the catalogue has h100-sxm, ")


@pytest.mark.parametrize("value, message", [
    ("-1", r"got -1"), ("1.5", r"got 1\.5"), ("many", r"got 'many'")])
def test_samples_must_be_a_whole_number(tmp_path, value, message):
    refused(tmp_path, with_base(f"samples: {value}\n"),
            r"calc: s\.yaml:7: samples: expected a whole number from 0 to 2,000,000, " + message)


# -- inputs --------------------------------------------------------------------------------------
def test_value_of_the_wrong_dimension(tmp_path):
    refused(tmp_path, replace("value: 1 GW, source: assumption, note: test",
                              "value: 5 billion USD, source: assumption, note: x"),
            r"calc: s\.yaml:3: inputs\.facility_power: facility_power: expected power \[GW\], "
            r"got money \[USD\]$")


def test_literal_without_a_source(tmp_path):
    refused(tmp_path, replace("{value: 1 GW, source: assumption, note: test}", "{value: 1 GW}"),
            r"calc: s\.yaml:3: inputs\.facility_power: a literal needs a 'source': a source id from "
            r"`calc sources`, 'assumption' \(with a 'note'\), or \{publisher, title, date\}")


def test_assumption_without_a_note(tmp_path):
    refused(tmp_path, replace("{value: 1.25, source: assumption, note: test}", "{value: 1.25, source: assumption}"),
            r"calc: s\.yaml:4: inputs\.pue\.source: source: assumption needs a 'note' saying why this value")


def test_unknown_source_id(tmp_path):
    refused(tmp_path, replace("value: 1 GW, source: assumption, note: test",
                              "value: 1 GW, source: 36kr-caixin-2025-11-msft-nvd"),
            r"calc: s\.yaml:3: inputs\.facility_power\.source: unknown source id '36kr-caixin-2025-11-msft-nvd' "
            r"\(did you mean '36kr-caixin-2025-11-msft-nvda'\?\); `calc sources` lists them")


def test_a_list_of_sources_is_refused_with_the_forms_a_source_takes(tmp_path):
    # found by the fuzzer below: a list is not a source id (and used to raise "unhashable type")
    refused(tmp_path, replace("value: 1 GW, source: assumption, note: test", "value: 1 GW, source: [a, b]"),
            r"calc: s\.yaml:3: inputs\.facility_power\.source: expected one source, got a list \['a', 'b'\]; "
            r"write a source id from `calc sources`, 'assumption' \(with a 'note'\), or \{publisher, title, date\}")


def test_unknown_figure_id(tmp_path):
    refused(tmp_path, replace("{value: 1 GW, source: assumption, note: test}",
                              "{figure: anthropic_nvidia_compute_comitment}"),
            r"calc: s\.yaml:3: inputs\.facility_power: unknown figure id 'anthropic_nvidia_compute_comitment' "
            r"\(did you mean 'anthropic_nvidia_compute_commitment'\?\); `calc figures` lists them")


def test_figure_of_the_wrong_dimension(tmp_path):
    refused(tmp_path, replace("{value: 1 GW, source: assumption, note: test}", "{figure: amazon_first_tranche_2023}"),
            r"calc: s\.yaml:3: inputs\.facility_power: figure amazon_first_tranche_2023: facility_power: expected "
            r"power \[GW\], got money \[USD\]$")


def test_low_greater_than_high(tmp_path):
    refused(tmp_path, replace("{value: 1.25, source: assumption, note: test}",
                              "{range: [1.4, 1.1], source: assumption, note: test}"),
            r"calc: s\.yaml:4: inputs\.pue: low 1\.4 is greater than high 1\.1; write \[low, high\]")


@pytest.mark.parametrize("name, old, value, message", [
    ("facility_power", "1 GW", "-1 GW", r"facility_power = -1 GW is out of bounds: facility_power is at least 0 GW"),
    ("facility_power", "1 GW", "-1e9 W", r"facility_power = -1e\+09 W is out of bounds: facility_power is at least 0 GW"),
    ("pue", "1.25", "0.99", r"pue = 0\.99 is out of bounds: pue is at least 1"),
    ("pue", "1.25", "0", r"pue = 0 is out of bounds: pue is at least 1"),
    ("it_power_per_chip", "2 kW/chip", "0 kW/chip",
     r"it_power_per_chip = 0 kW/chip is out of bounds: it_power_per_chip is above 0 W/chip"),
])
def test_inputs_outside_their_bounds(tmp_path, name, old, value, message):
    line = {"facility_power": 3, "pue": 4, "it_power_per_chip": 5}[name]
    refused(tmp_path, replace(f"value: {old},", f"value: {value},"),
            rf"calc: s\.yaml:{line}: inputs\.{name}: {message}")


@pytest.mark.parametrize("spec, message", [
    ("{dist: normal, low: 0.05, high: 3}", r"pue = 0\.05 is out of bounds: pue is at least 1"),
    ("{range: [0.9, 1.4]}", r"pue = 0\.9 is out of bounds: pue is at least 1"),
])
def test_a_range_leaving_the_bounds_is_refused(tmp_path, spec, message):
    refused(tmp_path, replace("{value: 1.25, source: assumption, note: test}",
                              spec[:-1] + ", source: assumption, note: test}"),
            rf"calc: s\.yaml:4: inputs\.pue: {message}")


def test_zero_facility_power_is_inside_its_bounds(tmp_path):
    # facility power is at least 0 (docs/glossary.md: bounds): 0 GW / 2,500 W per chip = 0 chips
    path = tmp_path / "s.yaml"
    path.write_text(replace("value: 1 GW,", "value: 0 GW,"))
    assert calc.load(path).run()["chips"].magnitude == 0


@pytest.mark.parametrize("name, value, message", [
    ("pue", ".nan", r"s\.yaml:4: inputs\.pue: nan is not a finite number"),
    ("pue", ".inf", r"s\.yaml:4: inputs\.pue: inf is not a finite number"),
    ("pue", "-.inf", r"s\.yaml:4: inputs\.pue: -inf is not a finite number"),
    ("pue", ".NaN", r"s\.yaml:4: inputs\.pue: nan is not a finite number"),
    ("facility_power", "nan GW", r"s\.yaml:3: inputs\.facility_power: cannot read 'nan GW' as a quantity: "
                                 r"not a finite number"),
    ("facility_power", "inf GW", r"s\.yaml:3: inputs\.facility_power: cannot read 'inf GW' as a quantity: "
                                 r"not a finite number"),
    ("facility_power", "1e400 GW", r"s\.yaml:3: inputs\.facility_power: .*(finite|too large|overflow)"),
])
def test_nan_and_infinity(tmp_path, name, value, message):
    old = {"pue": "value: 1.25,", "facility_power": "value: 1 GW,"}[name]
    refused(tmp_path, replace(old, f"value: {value},"), r"calc: " + message)


def test_nan_in_a_range_and_a_sweep(tmp_path):
    content = replace("{value: 1.25, source: assumption, note: test}",
                      "{range: [1.1, .nan], source: assumption, note: test}")
    content += "sweep:\n  facility_power: [1 GW, nan GW]\n"
    refused(tmp_path, content, r"calc: s\.yaml:4: inputs\.pue: nan is not a finite number",
            r"calc: s\.yaml:8: sweep\.facility_power: cannot read 'nan GW' as a quantity: not a finite number")


# -- derive --------------------------------------------------------------------------------------
@pytest.mark.parametrize("expression, message", [
    ("__import__('os')", r"names starting with '_' are not allowed \('__import__'\) at position 1"),
    ("chips.__class__", r"attribute access is not allowed \('\.' only appears in numbers such as 1\.5\) "
                        r"at position 6 in 'chips\.__class__'"),
    ("chips.__class__.__bases__", r"attribute access is not allowed"),
    ("open('/etc/passwd')", r"unknown function 'open'; allowed: abs, exp, log, max, min, sqrt at position 1"),
    ("chips[0]", r"indexing is not allowed at position 6"),
    ("lambda: 1", r"unexpected character ':' at position 7 in 'lambda: 1'"),
    ("10 ** 10 ** 10", r"exponent 1e\+10 is too large \(the limit is 64\) in '10 \*\* 10 \*\* 10'"),
    ("(" * 200 + "1" + ")" * 200, r"expression nested more than 50 deep"),
])
def test_hostile_derive_expressions(tmp_path, expression, message):
    refused(tmp_path, with_base(f"derive:\n  x: {yaml.safe_dump(expression, width=10**6).splitlines()[0]}\n"),
            r"calc: s\.yaml:8: derive\.x: " + message)


def test_derive_cycle(tmp_path):
    refused(tmp_path, with_base("derive:\n  a: b * 2\n  b: a / 2\n"),
            r"calc: s\.yaml:8: derive\.a: cycle a -> b -> a; a derived name cannot depend on itself")


def test_derive_of_mismatched_units(tmp_path):
    refused(tmp_path, with_base("derive:\n  x: facility_power + chips\n"),
            r"calc: s\.yaml:8: derive\.x: cannot add GW and chip in 'facility_power \+ chips'")


# -- sweeps and samples that would exhaust memory ----------------------------------------------
def test_sweep_too_large_to_evaluate(tmp_path):
    refused(tmp_path, with_base("""\
        sweep:
          pue: {from: 1.1, to: 1.4, steps: 1000}
          facility_power: {from: 1 GW, to: 2 GW, steps: 1000}
          it_power_per_chip: {from: 1 kW/chip, to: 2 kW/chip, steps: 1000}
        samples: 1000000
        """), r"calc: s\.yaml:7: sweep: 1,000,000,000 sweep points is more than calc evaluates \(1,000,000\); "
              r"use fewer points")


def test_samples_times_cases_too_large(tmp_path):
    # 1,000 x 1,000 points x 1,000,000 samples = 1e12 values: refused before anything is built
    refused(tmp_path, with_base("""\
        sweep:
          pue: {from: 1.1, to: 1.4, steps: 1000}
          facility_power: {from: 1 GW, to: 2 GW, steps: 1000}
        samples: 1000000
        """), r"calc: s\.yaml:7: sweep: 1,000,000 cases x 1,000,000 samples = 1,000,000,000,000 values per "
              r"quantity is more than calc evaluates \(2,000,000,000 values\); use fewer sweep points or samples")


def test_samples_flag_too_large(tmp_path):
    refused(tmp_path, BASE, r"calc: --samples 100000000: expected a whole number from 0 to 2,000,000",
            args=("--samples", "100000000"))


# -- checks --------------------------------------------------------------------------------------
def test_check_with_an_unknown_source(tmp_path):
    refused(tmp_path, with_base("""\
        checks:
          - says: "1 GW holds 200,000 GB200"
            source: caixin
            that: chips
            near: 200000 chip
            within: 20%
        """), r"calc: s\.yaml:9: checks\[0\]\.source: unknown source id 'caixin'; `calc sources` lists them")


def test_check_with_an_expectation_of_the_wrong_kind(tmp_path):
    refused(tmp_path, with_base("""\
        checks:
          - says: x
            source: assumption
            note: test
            that: chips
            near: 200000 chip
        """), r"calc: s\.yaml:8: checks\[0\]: 'near' needs 'within', e\.g\. within: 20%")


# -- the command line ----------------------------------------------------------------------------
def test_set_with_the_wrong_dimension(tmp_path):
    refused(tmp_path, BASE, r"calc: --set pue: pue: expected a plain number, got power \[GW\]$", args=("--set", "pue=2 GW"))


def test_set_without_equals(tmp_path):
    refused(tmp_path, BASE, r"calc: --set 'pue': expected NAME=VALUE, e\.g\. --set pue=1\.3", args=("--set", "pue"))


def test_set_of_a_name_nothing_uses(tmp_path):
    refused(tmp_path, BASE, r"calc: --set pue_: not used by any output, derive or check \(did you mean 'pue'\?\); "
                            r"remove it or use it", args=("--set", "pue_=1.3"))


def test_a_value_too_large_for_its_unit(tmp_path):
    # 1e308 TW is a finite float, but 1e311 GW is not
    refused(tmp_path, replace("value: 1 GW,", "value: 1e308 TW,"),
            r"calc: s\.yaml:3: inputs\.facility_power: facility_power is too large to compute with in GW")
    refused(tmp_path, BASE, r"calc: --set facility_power: facility_power is too large to compute with in GW",
            args=("--set", "facility_power=1e308 TW"))


@pytest.mark.parametrize("value, message", [("nan", r"cannot read 'nan' as a quantity: not a finite number"),
                                            ("inf GW", r"cannot read 'inf GW' as a quantity: not a finite number")])
def test_set_nan_and_infinity(tmp_path, value, message):
    name = "pue" if value == "nan" else "facility_power"
    refused(tmp_path, BASE, rf"calc: --set {name}: {message}", args=("--set", f"{name}={value}"))


def test_unknown_option_and_format(tmp_path):
    refused(tmp_path, BASE, r"calc: run: argument --format: invalid choice 'pdf'; choose from table, markdown, "
                            r"csv, json, html, xlsx \(see 'calc run --help'\)$", args=("--format", "pdf"))
    refused(tmp_path, BASE, r"calc: unrecognized arguments: --frobnicate \(see 'calc --help'\)$", args=("--frobnicate",))


# -- every problem at once -----------------------------------------------------------------------
def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    content = textwrap.dedent("""\
        name: t
        inputs:
          facility_power: {value: 5 billion USD, source: assumption, note: x}
          pue: {value: 1.25, source: no-such-source}
          it_power_per_chip: {value: 2 kW/chip}
        outputs: [chipz]
        """)
    err = refused(tmp_path, content,
                  r"calc: s\.yaml:3: inputs\.facility_power: facility_power: expected power \[GW\], got money \[USD\]",
                  r"calc: s\.yaml:4: inputs\.pue\.source: unknown source id 'no-such-source'",
                  r"calc: s\.yaml:5: inputs\.it_power_per_chip: a literal needs a 'source'",
                  r"calc: s\.yaml:6: outputs\[0\]: unknown quantity 'chipz' \(did you mean 'chips'\?\)")
    assert len(err.strip().splitlines()) == 4


# -- property tests ------------------------------------------------------------------------------
KEYS = sorted(set(calc.scenario.TOP_KEYS) | set(calc.scenario.INPUT_KEYS) | set(calc.scenario.CHECK_KEYS)
              | {"facility_power", "pue", "it_power_per_chip", "chips", "capex", "mfu", "peak_compute",
                 "from", "to", "steps", "expr", "unit", "per-gpu", "base", "pue_", "x", "", "__class__"})
QUANTITY_TEXT = ["1 GW", "2 kW/chip", "1.25", "-3 GW", "0 W", "nan GW", "inf W", "1e308 GW", "$5B", "5 GB",
                 "8 billion USD", "200k chip", "25 %", "FLOPs", "1 PFLOP/s/chip", "7 month", "80 USD/MWh",
                 "1 GW / chips", "chips * 2", "10 ** 10 ** 10", "a / b", "__import__('os')",
                 "anthropic_nvidia_compute_commitment", "assumption", "gb200-superchip", "h100-sxm",
                 "36kr-caixin-2025-11-msft-nvda", "pue_ai_campus", "2025-11", "x" * 50]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(QUANTITY_TEXT),
                    st.text(max_size=20))
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8), st.integers(-3, 3))
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(keys, inner, max_size=5)),
                         max_leaves=25)

input_specs = st.one_of(
    st.fixed_dictionaries({"value": st.sampled_from(QUANTITY_TEXT) | scalars},
                          optional={"source": st.sampled_from(["assumption", "de-2023-10-google-2b", "nope"]),
                                    "note": st.just("n")}),
    st.fixed_dictionaries({"range": st.lists(st.sampled_from(QUANTITY_TEXT) | scalars, max_size=3),
                           "source": st.just("assumption"), "note": st.just("n")}),
    st.fixed_dictionaries({"figure": st.sampled_from(["anthropic_nvidia_compute_commitment", "pue_ai_campus",
                                                      "h100_tdp", "rainier_chips_claim", "nope"])}),
    documents)
NAMES = ["facility_power", "pue", "it_power_per_chip", "chips", "capex", "peak_compute", "mfu", "power_per_chip",
         "energy_per_year", "x", "pue_"]
scenarios = st.fixed_dictionaries(
    {"name": st.sampled_from(["t", "T!", "a-b"]),
     "inputs": st.dictionaries(st.sampled_from(NAMES), input_specs, max_size=4),
     "outputs": st.lists(st.sampled_from(NAMES), min_size=0, max_size=3)},
    optional={"accelerator": st.sampled_from(["h100-sxm", "gb200-superchip", "tpu-v7-ironwood", "nope"]),
              "samples": st.integers(-2, 50) | scalars,
              "seed": st.integers(-2, 10**6),
              "derive": st.dictionaries(st.sampled_from(["x", "y", "chips"]),
                                        st.sampled_from(QUANTITY_TEXT) | st.text(max_size=15), max_size=2),
              "sweep": st.dictionaries(st.sampled_from(NAMES), st.lists(st.sampled_from(QUANTITY_TEXT) | scalars,
                                                                        max_size=3) | documents, max_size=2),
              "variants": st.dictionaries(st.sampled_from(["v", "base", "Bad Name"]), documents, max_size=2),
              "checks": st.lists(st.fixed_dictionaries(
                  {"says": st.just("s"), "source": st.sampled_from(["assumption", "nope"]), "note": st.just("n"),
                   "that": st.sampled_from(QUANTITY_TEXT)},
                  optional={"near": st.sampled_from(QUANTITY_TEXT), "within": st.sampled_from(["20%", "1 GW", "-1"]),
                            "above": scalars, "between": st.lists(scalars, max_size=3)}), max_size=2),
              "junk": documents})

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


def _load_and_run(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        result = calc.scenario.load(path).run()
    except CalcError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    assert result.scenario and isinstance(result.checks, tuple)


@FUZZ
@given(doc=documents)
def test_any_yaml_document_is_a_result_or_a_calc_error(tmp_path, doc):
    _load_and_run(tmp_path, yaml.safe_dump(doc, allow_unicode=True))


@FUZZ
@given(doc=scenarios)
def test_any_scenario_shaped_document_is_a_result_or_a_calc_error(tmp_path, doc):
    _load_and_run(tmp_path, yaml.safe_dump(doc, allow_unicode=True))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_text_is_a_result_or_a_calc_error(tmp_path, text):
    assume("\x00" not in text)
    _load_and_run(tmp_path, text)


ENV = {"chips": Q(400_000.0, "chip"), "facility_power": Q(1.0, "GW"), "pue": Q(1.25),
       "it_power_per_chip": Q(2.0, "kW/chip"), "capex": Q(5e10, "USD"), "zero": Q(0.0), "neg": Q(-2.0, "GW")}
TOKENS = list(ENV) + ["1", "0", "-1", "2.5", "1e308", "1e-308", "200k", "$1.25B", "GW", "kW", "chip", "USD",
                      "MWh", "%", "FLOP/s", "yr", "+", "-", "*", "/", "**", "^", "(", ")", ",", "<", "<=",
                      "==", "!=", "and", "or", "not", "min", "max", "abs", "sqrt", "log", "exp", ".", "'",
                      "[", "]", "=", "__class__", "_x", "nan", "inf", "unknown_name", " "]


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.lists(st.sampled_from(TOKENS), max_size=15).map(" ".join), st.text(max_size=40)))
def test_any_expression_is_a_value_or_a_calc_error(text):
    try:
        value = expr.parse(text, names=ENV).evaluate(ENV)
    except CalcError as exc:
        assert str(exc)
        return
    mag = getattr(value, "magnitude", value)
    if hasattr(value, "units"):   # a quantity is always finite; comparisons give true/false
        assert all(math.isfinite(float(m)) for m in __import__("numpy").ravel(mag))


@pytest.mark.parametrize("text", ["1 GW**0", "25 % ** 0", "2 chip^0"])
def test_zero_exponent_on_a_unit(text):
    with pytest.raises(CalcError, match="cannot read"):
        expr.parse(text).evaluate({})


def test_zero_exponent_on_a_unit_through_the_command(tmp_path):
    refused(tmp_path, replace("value: 1 GW,", 'value: "1 GW**0",'),
            r"calc: s\.yaml:3: inputs\.facility_power: cannot read '1 GW\*\*0' as a quantity")


@pytest.mark.parametrize("text", ["1 GW)", "2 (kW", "3 )2"])
def test_unbalanced_parenthesis_in_a_unit(text):
    from calc.units import parse_quantity

    with pytest.raises(CalcError, match="cannot read"):
        parse_quantity(text)


def test_unbalanced_parenthesis_through_the_command(tmp_path):
    refused(tmp_path, replace("value: 1 GW,", 'value: "1 GW)",'),
            r"calc: s\.yaml:3: inputs\.facility_power: cannot read '1 GW\)' as a quantity")
