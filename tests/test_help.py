"""Help and errors: --version, subcommand help with formats and examples, one 'calc:' prefix,
did-you-mean for misspelt inputs, variants and commands, dimensions in words, variants named."""

from __future__ import annotations

import textwrap

import pytest

import calc
from calc.api import as_value
from calc.run import run
from calc.values import Case
from calc.errors import CalcError
from calc.units import Q, check_dimension, described
from helpers import BASE, calc_cli


def test_version():
    proc = calc_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"calc {calc.__version__}\n"


@pytest.mark.parametrize("command", ["run", "explain", "figures", "sources", "check", "deals", "solve"])
def test_each_command_has_a_description_arguments_and_examples(command):
    proc = calc_cli(command, "--help")
    assert proc.returncode == 0
    out = " ".join(proc.stdout.split(" "))
    flat = " ".join(out.split())
    assert f"usage: calc {command}" in out
    assert "\nexamples:\n" in out and f"  calc {command}" in out.split("examples:")[1]
    if command in ("run", "explain", "check"):
        assert "a scenario: a YAML file (see docs/scenario-files.md), or the name of a shipped scenario " \
               "such as nvidia-1gw" in flat
    if command in ("figures", "sources"):
        assert "json: a list of objects" in flat and "csv: one row each" in flat


def test_run_help_describes_every_format_and_option():
    out = calc_cli("run", "--help").stdout
    flat = " ".join(out.split())
    for fmt in ("table: aligned text", "markdown: tables", "csv: one row per variant", "json: one document",
                "html: a page", "xlsx: a spreadsheet (needs --output)"):
        assert fmt in flat
    for option in ("--output PATH", "--samples N", "--seed S", "--set NAME=VALUE", "--strict",
                   "--sensitivity", "--plot PATH.png"):
        line = next(ln for ln in out.splitlines() if ln.strip().startswith(option))
        assert len(line.strip()) > len(option) + 5, f"{option} has no description"


def test_one_calc_prefix_and_a_did_you_mean_for_choices(tmp_path):
    proc = calc_cli("run", "nvidia-1gw", "--format", "mardown", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == ("calc: run: argument --format: invalid choice 'mardown' (did you mean 'markdown'?); "
                           "choose from table, markdown, csv, json, html, xlsx (see 'calc run --help')\n")
    proc = calc_cli("rnu", "nvidia-1gw", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("calc: argument COMMAND: invalid choice 'rnu' (did you mean 'run'?); ")
    proc = calc_cli("explain", "nvidia-1gw", cwd=tmp_path)
    assert proc.stderr == ("calc: explain: the following arguments are required: QUANTITY "
                           "(see 'calc explain --help')\n")


def test_a_misspelt_input_is_suggested_when_an_output_cannot_be_computed(tmp_path):
    (tmp_path / "s.yaml").write_text(BASE.replace("facility_power:", "facilty_power:"))
    proc = calc_cli("run", "s.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    # the fix first, once, with the line of the misspelt key (tests/test_errors_lead.py)
    assert proc.stderr == ("calc: s.yaml:3: inputs.facilty_power: did you mean 'facility_power'? "
                           "'facilty_power' is not a quantity calc knows, and without "
                           "facility_power calc cannot compute chips\n")


def test_a_misspelt_variant_is_suggested():
    proc = calc_cli("explain", "nvidia-1gw", "chips", "--variant", "pergpu")
    assert proc.returncode == 2
    assert proc.stderr.startswith("calc: no variant 'pergpu' (did you mean 'per-gpu'?); variants: base, per-gpu")
    res = calc.load("nvidia-1gw").run()
    with pytest.raises(CalcError, match=r"^no variant 'pergpu' \(did you mean 'per-gpu'\?\)"):
        res.value("chips", variant="pergpu")


@pytest.mark.parametrize(("unit", "words"), [
    ("W/chip", "power per chip [W/chip]"), ("GW", "power [GW]"), ("USD/yr", "money per time [USD/yr]"),
    ("USD/MWh", "money per energy [USD/MWh]"), ("FLOP/s", "FLOP per time [FLOP/s]"),
    ("USD/W", "money per power [USD/W]"), ("chip", "chip [chip]"), ("dimensionless", "a plain number"),
])
def test_dimensions_are_named_in_words(unit, words):
    assert described(unit) == words


def test_a_unit_error_speaks_words_not_pint(tmp_path):
    (tmp_path / "s.yaml").write_text(BASE.replace("2 kW/chip", "2 kW"))
    proc = calc_cli("run", "s.yaml", cwd=tmp_path)
    assert proc.stderr == ("calc: s.yaml:5: inputs.it_power_per_chip: it_power_per_chip: expected power per chip "
                           "[W/chip], got power [kW]\n")
    with pytest.raises(CalcError) as err:
        check_dimension("capex", Q("1 GW"), "USD")
    assert "[mass]" not in str(err.value) and str(err.value) == "capex: expected money [USD], got power [GW]"


def test_every_per_variant_error_names_the_variant():
    full = {"facility_power": as_value("facility_power", "1 GW"), "pue": as_value("pue", 1.25),
            "it_power_per_chip": as_value("it_power_per_chip", "2 kW/chip")}
    short = {k: v for k, v in full.items() if k != "it_power_per_chip"}
    cases = [Case(variant="base", values=full), Case(variant="no-chip", values=short),
             Case(variant="also-none", values=dict(short))]
    with pytest.raises(CalcError) as err:
        run(cases, ["chips"])
    assert err.value.problems[0].startswith("variants no-chip, also-none: cannot compute 'chips': ")
    with pytest.raises(CalcError) as err:
        run(cases[1:2], ["chips"])                  # one case: no variant to name
    assert err.value.problems[0].startswith("cannot compute 'chips': ")


def test_a_scenario_variant_that_cannot_compute_is_named(tmp_path):
    (tmp_path / "s.yaml").write_text(textwrap.dedent("""\
        name: t
        inputs:
          arr_end: {value: 5 billion USD/yr, source: assumption, note: test}
          arr_growth_per_month: {value: 0.1, source: assumption, note: test}
          arr_horizon: {value: 6 month, source: assumption, note: test}
        outputs: [arr_projected]
        variants:
          decaying: {models: {arr_projected: arr_projected_decaying}}
        """))
    proc = calc_cli("run", "s.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("calc: s.yaml: variant decaying: cannot compute 'arr_projected': ")
    assert "arr_growth_half_life" in proc.stderr


def test_every_command_describes_every_argument_and_gives_examples():
    import argparse

    from calc.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for name, parser in sub.choices.items():
        if not parser.description or "examples:" not in (parser.epilog or ""):
            missing.append(f"calc {name}: description or examples")
        missing += [f"calc {name} {a.option_strings or a.dest}" for a in parser._actions if not a.help]
    assert missing == []
    assert {"run", "explain", "figures", "sources", "check", "deals", "solve"} <= set(sub.choices)
