"""Hostile input (issue 10): nothing crashes, hangs, eats memory or destroys a file.

Each reproducer of the issue is a test here, run in-process through ``calc.cli.main``; only the
cases that need a process of their own (a nesting depth that used to crash the C loader, SIGTERM
and SIGINT) start one. Every refusal is exit status 2 with a message that names the file and line
(or the option) and what was given. Time and memory of each refusal are measured by
``benchmarks/refusals.py``, never asserted here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

import calc
from calc import cli, yamlio
from calc.errors import CalcError
from calc.units import parse_quantity

from helpers import BASE, ROOT

PREVIOUS = b"previous results\nkeep me\n"


def run(tmp_path: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """``calc ARGS`` in-process, in ``tmp_path``: (exit status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def refused(tmp_path, monkeypatch, capsys, content: str | None, *args: str, file: str = "s.yaml") -> str:
    """``calc run FILE --output out.txt ARGS`` is exit 2; out.txt and the folder are left as they were."""
    if content is not None:
        (tmp_path / file).write_text(content, encoding="utf-8")
    (tmp_path / "out.txt").write_bytes(PREVIOUS)
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", file, "--output", "out.txt", *args)
    assert (status, out) == (2, ""), err
    assert (tmp_path / "out.txt").read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert err.startswith("calc: ")
    return err


def replace(old: str, new: str) -> str:
    assert BASE.count(old) == 1
    return BASE.replace(old, new)


# -- 1. nesting ----------------------------------------------------------------------------------
@pytest.mark.parametrize("open_, close", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_at_its_line(tmp_path, monkeypatch, capsys, open_, close):
    text = BASE + "description: " + open_ * 200 + close * 200 + "\n"      # description is line 7
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert err == (f"calc: s.yaml:7: this value is nested more than {yamlio.MAX_DEPTH} levels deep; "
                   "calc reads flatter files\n")
    with pytest.raises(CalcError, match=r"s.yaml:7: this value is nested more than 64 levels deep"):
        calc.load(tmp_path / "s.yaml")


def test_nesting_up_to_the_limit_is_read():
    text = "a: " + "[" * (yamlio.MAX_DEPTH - 1) + "1" + "]" * (yamlio.MAX_DEPTH - 1)
    value = yamlio.loads(text)["a"]
    for _ in range(yamlio.MAX_DEPTH - 2):
        value = value[0]
    assert value == [1]


def test_an_alias_counts_the_depth_of_what_it_names():
    deep = "[" * 40 + "1" + "]" * 40
    with pytest.raises(CalcError, match=r"f.yaml:2: the alias \*d is nested more than 64 levels deep"):
        yamlio.loads(f"a: &d {deep}\nb: {'[' * 30}*d{']' * 30}\n", "f.yaml")


@pytest.mark.parametrize("open_, close", [("[", "]"), ("{a: ", "}")])
def test_fifty_thousand_levels_no_longer_crash_the_loader(tmp_path, open_, close):
    # this used to be a segfault (exit 139) inside PyYAML's C loader, hence a process of its own
    (tmp_path / "s.yaml").write_text(BASE + "description: " + open_ * 50_000 + close * 50_000 + "\n")
    proc = subprocess.run([sys.executable, "-m", "calc.cli", "run", "s.yaml"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert proc.stderr == "calc: s.yaml:7: this value is nested more than 64 levels deep; calc reads flatter files\n"


# -- 2. alias bombs ------------------------------------------------------------------------------
BOMB = ("lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")))
# values with every alias expanded: a = 1 + 9 = 10, b = 1 + 9 x 10 = 91, c = 820, d = 7,381,
# e = 66,430 (line 5); with one key per line the running total is 1 + 10 + 1 + 91 + 1 + 820 + 1
# + 7,381 + 1 + 66,430 = 74,737 after line 5, and the first *e on line 6 takes it to 74,737 + 1
# (key f) + 1 (its list) + 66,430 = 141,169 > 100,000: refused there, before anything is built


@pytest.mark.parametrize("use", ["outputs: *i", "name: *i", "pue: {value: *i}"])
def test_billion_laughs_is_refused_at_the_alias_without_printing_it(tmp_path, monkeypatch, capsys, use):
    text = BOMB + use + "\n"
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert err == ("calc: s.yaml:6: the alias *e takes the document past 100,000 values (aliases counted "
                   "expanded); calc reads smaller scenario files\n")


def test_the_bomb_counts_are_those_worked_out_by_hand():
    assert len(yamlio.loads(BOMB.split("\nf:")[0])["e"]) == 9        # 74,737 values: read
    with pytest.raises(CalcError, match=r"<string>:6: the alias \*e takes the document past 100,000 values"):
        yamlio.loads(BOMB)


def test_an_alias_expanded_below_the_limit_is_never_printed_in_full(tmp_path, monkeypatch, capsys):
    small = ("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
             "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n")            # 1 + 10 x 111 = 1,111 values
    text = replace("outputs: [chips]", "outputs: [chips]\ndescription: *c").replace("name: t", "name: t\n" + small)
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert len(err) < 700, err                     # three messages naming the allowed keys
    assert err.count("lol") <= 8


def test_a_long_list_or_mapping_is_shown_in_at_most_200_characters():
    data = yamlio.loads("a: [" + ", ".join(map(str, range(1000))) + "]\nb: {" + ", ".join(f"k{i}: {i}" for i in range(500)) + "}")
    assert repr(data["a"]) == "[0, 1, 2, 3, 4, 5, ...]"                  # reprlib: six items, then ...
    assert repr(data["b"]) == "{'k0': 0, 'k1': 1, 'k2': 2, 'k3': 3, 'k4': 4, 'k5': 5, ...}"
    nested = yamlio.loads("a: " + "[" * 60 + "]" * 60)["a"]
    assert repr(nested) == "[[[[...]]]]"
    wide = yamlio.loads("a: [" + ", ".join(["x" * 59] * 6) + "]")["a"]
    assert len(repr(wide)) == 200 and repr(wide).endswith("...")          # 6 x 61 + 10 characters, cut at 200


def test_a_recursive_or_unknown_alias_is_refused():
    with pytest.raises(CalcError, match=r"f.yaml:1: the alias \*a refers to a value that contains it"):
        yamlio.loads("a: &a [1, *a]", "f.yaml")
    with pytest.raises(CalcError, match=r"f.yaml:2: the alias \*b refers to no anchor &b before it"):
        yamlio.loads("a: 1\nc: *b", "f.yaml")


def test_many_values_without_aliases_are_refused_too():
    text = "a: [" + ", ".join(["1"] * (yamlio.MAX_NODES + 10)) + "]\n"
    with pytest.raises(CalcError, match=r"f.yaml:1: this value takes the document past 100,000 values"):
        yamlio.loads(text, "f.yaml")


# -- 3. unit exponents ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["1 W**9**9**9", "1 W**64**64**64", "1 W^9^9", "9**9**9 W", "1 W**65",
                                  "1 W**(9)", "1 W**1e300"])
def test_unit_powers_are_bounded(text):
    with pytest.raises(CalcError, match=r"a unit power must be one number up to 64, as in 'm\*\*2'"):
        parse_quantity(text)


def test_a_power_of_a_unit_power_in_parentheses_is_refused():
    with pytest.raises(CalcError, match=r"a unit power beyond 64 \(W \*\* 16777216\)"):  # 64^4 = 16,777,216
        parse_quantity("1 ((((W**64)**64)**64)**64)")


def test_ordinary_unit_powers_still_read():
    assert parse_quantity("3 m**2").to("cm**2").magnitude == pytest.approx(30_000.0)
    assert parse_quantity("1 s**-1").to("1/min").magnitude == pytest.approx(60.0)
    assert parse_quantity("4 W**0.5").magnitude == 4.0


POWER = "a unit power must be one number up to 64"


def test_set_with_a_chained_unit_power(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE, "--set", "facility_power=1 W**9**9**9")
    assert err.startswith(f"calc: --set facility_power: cannot read '1 W**9**9**9' as a quantity: {POWER}")


def test_input_value_with_a_chained_unit_power(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, replace("value: 1 GW,", 'value: "1 W**9**9**9",'))
    assert err.startswith("calc: s.yaml:3: inputs.facility_power: cannot read '1 W**9**9**9' as a quantity: "
                          + POWER)


def test_sweep_with_a_chained_unit_power(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE + 'sweep:\n  facility_power: [1 GW, "1 W**9**9**9"]\n')
    assert "s.yaml:8" in err and POWER in err


def test_derive_unit_with_a_chained_unit_power(tmp_path, monkeypatch, capsys):
    text = BASE + 'derive:\n  x: {expr: "chips * 1 W", unit: "W**9**9**9"}\n'
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert err.startswith("calc: s.yaml:8: derive.x: ") and POWER in err


def test_expression_with_a_chained_unit_power(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE + 'derive:\n  x: "1 W**64**64**64"\n')
    assert err.startswith("calc: s.yaml:8: derive.x: ") and POWER in err


def test_a_chained_power_of_quantities_is_refused_by_its_size():
    with pytest.raises(CalcError, match=r"exponent 3.9402e\+115 is too large \(the limit is 64\)"):
        calc.expr.parse("(2 W) ** 64 ** 64").evaluate({})                 # 64^64 = 3.94e115


# -- 4. output paths -----------------------------------------------------------------------------
@pytest.mark.parametrize("output", ["s.yaml", "./x/../s.yaml", "link.json", "hard.json"])
def test_output_onto_the_input_is_refused(tmp_path, monkeypatch, capsys, output):
    (tmp_path / "s.yaml").write_text(BASE)
    (tmp_path / "x").mkdir()
    (tmp_path / "link.json").symlink_to("s.yaml")
    os.link(tmp_path / "s.yaml", tmp_path / "hard.json")
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", "s.yaml", "--format", "json", "--output", output)
    assert (status, out) == (2, "")
    assert err == (f"calc: --output {output}: is the input file s.yaml; writing there would destroy it -- "
                   "choose another name\n")
    assert (tmp_path / "s.yaml").read_text() == BASE


def test_output_onto_a_data_file_of_calc_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "s.yaml").write_text(BASE)
    figures = Path(calc.__file__).parent / "data" / "figures.yaml"
    before = figures.read_bytes()
    status, _, err = run(tmp_path, monkeypatch, capsys, "run", "s.yaml", "--output", str(figures))
    assert status == 2 and "is the input file" in err and "figures.yaml" in err
    assert figures.read_bytes() == before


def test_plot_onto_the_input_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "s.png").write_text(BASE)
    status, _, err = run(tmp_path, monkeypatch, capsys, "run", "s.png", "--plot", "./s.png")
    assert status == 2
    assert err == "calc: --plot ./s.png: is the input file s.png; writing there would destroy it -- choose another name\n"


@pytest.mark.parametrize("target, message", [
    ("/dev/null", "is a device, FIFO or socket, not a regular file"),
    ("fifo", "is a device, FIFO or socket, not a regular file"),
    ("folder", "is a folder; give a file name, e.g. folder/result.json"),
    ("nope/o.json", "folder nope does not exist; create it or choose another place"),
    ("/proc/x.json", "cannot write in folder /proc"),
])
def test_output_onto_what_is_not_a_writable_file(tmp_path, monkeypatch, capsys, target, message):
    (tmp_path / "s.yaml").write_text(BASE)
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", "s.yaml", "--output", target)
    assert (status, out) == (2, "")
    assert err.startswith(f"calc: --output {target}: {message}"), err
    assert (tmp_path / "fifo").is_fifo() and (tmp_path / "folder").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "folder", "s.yaml"]


def test_plot_into_a_missing_folder(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE, "--plot", "nope/p.png")
    assert err == "calc: --plot nope/p.png: folder nope does not exist; create it or choose another place\n"


def test_plot_of_an_unknown_format(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE, "--plot", "p.txt")
    assert err == "calc: --plot p.txt: expected a file name ending in .png, .svg, .pdf\n"


@pytest.mark.parametrize("seed", ["-1", str(2**63)])
def test_a_seed_out_of_range(tmp_path, monkeypatch, capsys, seed):
    err = refused(tmp_path, monkeypatch, capsys, BASE, "--seed", seed)
    assert err == f"calc: --seed {seed}: expected a whole number from 0 to 9,223,372,036,854,775,807\n"


@pytest.mark.parametrize("samples", ["-1", "2000001"])
def test_samples_out_of_range_name_the_option(tmp_path, monkeypatch, capsys, samples):
    err = refused(tmp_path, monkeypatch, capsys, BASE, "--samples", samples)
    assert err == f"calc: --samples {samples}: expected a whole number from 0 to 2,000,000\n"


def test_a_dict_nested_too_deep_or_holding_itself():
    deep = inner = {}
    for _ in range(3000):
        inner["a"] = {}
        inner = inner["a"]
    with pytest.raises(CalcError, match=r"^<dict>: nested more than 64 levels deep"):
        calc.load(deep)
    loop = {"name": "t"}
    loop["self"] = loop
    with pytest.raises(CalcError, match=r"^<dict>:\d+: the alias \*id001 refers to a value that contains it$"):
        calc.load(loop)


def test_output_through_a_symlink_replaces_the_file_it_names(tmp_path, monkeypatch, capsys):
    (tmp_path / "s.yaml").write_text(BASE)
    (tmp_path / "real.csv").write_text("old")
    (tmp_path / "link.csv").symlink_to("real.csv")
    status, _, _ = run(tmp_path, monkeypatch, capsys, "run", "s.yaml", "--format", "csv", "--output", "link.csv")
    assert status == 0
    assert (tmp_path / "link.csv").is_symlink()
    assert "400000" in (tmp_path / "real.csv").read_text()         # 1e9 W / (2,000 W/chip x 1.25)


# -- 5. silently misread -------------------------------------------------------------------------
def test_base_60_is_not_read_as_80(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, replace("value: 1.25,", "value: 1:20,"))
    assert err.startswith("calc: s.yaml:4: inputs.pue: cannot read '1:20' as a quantity: ':' is not part of a "
                          "number (YAML 1.1 would read this as a base-60 number; calc reads YAML 1.2")


def test_yes_where_a_value_is_expected(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, replace("value: 1.25,", "value: on,"))
    assert err.startswith("calc: s.yaml:4: inputs.pue: cannot read 'on' as a quantity: a yes/no word is not a "
                          "quantity")


def test_yaml_is_read_as_yaml_1_2():
    data = yamlio.loads(textwrap.dedent("""\
        base60: 1:20
        words: [yes, no, on, off, y, n]
        bools: [true, false, True]
        octal: 0o17
        leading_zero: 017
        hex: 0x1F
        exponent: 1e3
        underscore: 1_000
        date: 2025-11-19
        nulls: [~, null]
        on: key
        """))
    assert data == {"base60": "1:20", "words": ["yes", "no", "on", "off", "y", "n"], "bools": [True, False, True],
                    "octal": 15, "leading_zero": 17, "hex": 31, "exponent": 1000.0, "underscore": "1_000",
                    "date": "2025-11-19", "nulls": [None, None], "on": "key"}
    assert isinstance(data["octal"], int) and isinstance(data["exponent"], float)


def test_an_integer_too_large_for_a_float(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, replace("value: 1.25,", "value: 1" + "0" * 399 + ","))
    assert err == ("calc: s.yaml:4: the integer 10000000000000000000... (400 digits) is too large for calc to "
                   "compute with (the largest number is about 1.8e308)\n")


def test_a_float_literal_beyond_the_largest_float_is_refused_not_read_as_infinity():
    with pytest.raises(CalcError, match=r"^f.yaml:2: the number 1e400 is too large for calc to compute with"):
        yamlio.loads("a: 1\nb: 1e400\n", "f.yaml")
    assert yamlio.loads("a: 1.7976931348623157e308")["a"] == 1.7976931348623157e308


def test_the_largest_integer_a_float_holds_is_read():
    assert yamlio.loads("a: 1" + "0" * 308)["a"] == 10**308


def check(extra: str) -> str:
    return BASE + "checks:\n  - says: x\n    source: assumption\n    note: n\n" + textwrap.indent(extra, "    ")


def test_within_without_a_unit_or_percent(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, check("that: chips\nnear: 400000 chip\nwithin: 25\n"))
    assert err == ("calc: s.yaml:8: checks[0]: within: 25 has no unit, so it would mean 2500% of near; write a "
                   "share with '%' (within: 25%) or a quantity in near's unit (within: 25 chip)\n")


@pytest.mark.parametrize("within", ["25%", "25 %", "25 percent", "100000 chip"])
def test_within_with_a_unit_or_percent_is_read(tmp_path, within):
    # chips = 400,000: within 25 % of 400,000 holds; within 100,000 chip of 400,000 holds
    (tmp_path / "s.yaml").write_text(check(f"that: chips\nnear: 400000 chip\nwithin: {within}\n"))
    assert [c.passed for c in calc.load(tmp_path / "s.yaml").run().checks] == [True]


def test_a_misspelt_sweep_name_is_refused_with_a_suggestion(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE + "sweep:\n  facility_pwer: [1 GW, 2 GW]\n")
    assert err == ("calc: s.yaml:8: sweep.facility_pwer: not used by any output, derive or check (did you mean "
                   "'facility_power'?); remove it or use it\n")


def test_a_misspelt_sweep_name_is_refused_before_anything_runs(tmp_path, monkeypatch, capsys):
    # 1,000,000 points x 1,000 samples would be 10^9 values: refused from the names alone
    text = BASE + "sweep:\n  facility_pwer: {from: 1 GW, to: 2 GW, steps: 1000000}\nsamples: 1000\n"
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert err.startswith("calc: s.yaml:8: sweep.facility_pwer: not used by any output, derive or check (did you mean")


def test_a_glossary_sweep_name_nothing_uses_is_refused_after_planning(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE + "sweep:\n  mfu: [0.3, 0.4]\n")
    assert err.startswith("calc: s.yaml:8: sweep.mfu: not used by any output, derive or check")


def test_a_derive_named_after_a_registry_figure(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE + 'derive:\n  pue_ai_campus: "3"\n')
    assert err == ("calc: s.yaml:8: derive.pue_ai_campus: 'pue_ai_campus' is a registry figure id (`calc figures` "
                   "lists it); a derived quantity cannot take its name -- give it another name\n")


def test_a_derive_named_after_a_glossary_quantity_keeps_its_unit_rule(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE + 'derive:\n  capex: "3 GW"\n')
    assert err.startswith("calc: s.yaml:8: derive.capex: ") and "USD" in err


RANGES = BASE.replace("value: 1.25,", "range: [1.1, 1.4],").replace("value: 2 kW/chip,", "range: [1 kW/chip, 2 kW/chip],")


@pytest.mark.parametrize("second, message", [
    ("[it_power_per_chip, pue, -0.5]", "the pair it_power_per_chip, pue is given twice (first in correlations[0] "
                                       "on line 8, with 0.5); -0.5 contradicts it; keep one"),
    ("[pue, it_power_per_chip, 0.5]", "the pair pue, it_power_per_chip is given twice (first in correlations[0] "
                                      "on line 8, with 0.5); keep one"),
    ("[pue, pue, 0.3]", "pue is correlated with itself; name two different inputs"),
])
def test_duplicate_or_contradictory_correlations(tmp_path, monkeypatch, capsys, second, message):
    text = RANGES + f"correlations:\n  - [pue, it_power_per_chip, 0.5]\n  - {second}\n"
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert err == f"calc: s.yaml:9: correlations[1]: {message}\n"


@pytest.mark.parametrize("derive, message", [
    ("chips / zero", "division by zero in 'chips / zero'"),
    ("chips + facility_power", "cannot add chip and GW in 'chips + facility_power'"),
    ("chips ** chips", "an exponent needs a plain number (dimensionless), got chip in 'chips ** chips'"),
])
def test_derive_evaluation_errors_name_the_line_and_key(tmp_path, monkeypatch, capsys, derive, message):
    text = BASE
    if "zero" in derive:
        text = BASE.replace("outputs:", "  zero: {value: 0, source: assumption, note: test}\noutputs:")
    err = refused(tmp_path, monkeypatch, capsys, text + f"derive:\n  x: {derive}\n")
    assert err == f"calc: s.yaml:{9 if 'zero' in derive else 8}: derive.x: {message}\n"


@pytest.mark.parametrize("that, message", [
    ("chips / zero", "division by zero in 'chips / zero'"),
    ("chips ** chips", "an exponent needs a plain number (dimensionless), got chip in 'chips ** chips'"),
])
def test_check_evaluation_errors_name_the_line_and_key(tmp_path, monkeypatch, capsys, that, message):
    text = check(f"that: {that}\nabove: 1 chip\n")
    if "zero" in that:
        text = text.replace("outputs:", "  zero: {value: 0, source: assumption, note: test}\noutputs:")
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert err == f"calc: s.yaml:{9 if 'zero' in that else 8}: checks[0]: {message}\n"


@pytest.mark.parametrize("old, new, message", [
    ("so_that: cumulative_gap", "so_that: cumulative_gap ** 9 ** 9 ** 9",
     "solve: exponent 3.8742e+08 is too large (the limit is 64) in 'cumulative_gap ** 9 ** 9 ** 9'"),  # 9^9
    ("between: [0, 0.3]", "between: [0, 1e308]", "solve: revenue = "),
])
def test_solve_evaluation_errors_name_the_line_of_solve(tmp_path, monkeypatch, capsys, old, new, message):
    text = (ROOT / "scenarios" / "openai-commitments.yaml").read_text()
    assert text.count(old) == 1
    line = text.splitlines().index("solve:") + 1
    err = refused(tmp_path, monkeypatch, capsys, text.replace(old, new), "--samples", "0")
    assert err.startswith(f"calc: s.yaml:{line}: {message}"), err


def test_a_timeline_by_a_large_sweep_is_refused_before_it_eats_memory(tmp_path, monkeypatch, capsys):
    # 500,000 points x 2 cases (base + decaying) x 1,200 months = 1.2e9 values kept per output (9.6 GB):
    # this used to end in MemoryError (exit 3)
    text = (ROOT / "scenarios" / "openai-commitments.yaml").read_text()
    text = text.replace("{start: 2025, end: 2033, step: year}", "{start: 2025, end: 2124, step: month}")
    text = text[:text.index("solve:")] + ("sweep:\n  arr_end: {from: 10 billion USD/yr, to: 30 billion USD/yr, "
                                          "steps: 500000}\n")
    line = text.splitlines().index(next(t for t in text.splitlines() if t.startswith("timeline:"))) + 1
    err = refused(tmp_path, monkeypatch, capsys, text, "--samples", "0")
    assert err == (f"calc: s.yaml:{line}: timeline: 1,000,000 cases x 1,200 periods = 1,200,000,000 is more than "
                   "calc keeps (1,000,000 cases x periods); use fewer sweep points, a longer step or a shorter "
                   "timeline\n")


def test_two_variants_by_a_million_points_cite_the_case_limit(tmp_path, monkeypatch, capsys):
    text = BASE + ("variants:\n  v1: {description: one}\n  v2: {description: two}\n"
                   "sweep:\n  facility_power: {from: 1 GW, to: 2 GW, steps: 1000000}\n")
    err = refused(tmp_path, monkeypatch, capsys, text)     # (1 base + 2 variants) x 1,000,000 = 3,000,000 cases
    assert err == ("calc: s.yaml:10: sweep: 3,000,000 cases (variants x sweep points) is more than calc evaluates "
                   "(1,000,000 cases); use fewer variants or sweep points\n")


def test_samples_by_sweep_cite_the_value_limit_and_the_line(tmp_path, monkeypatch, capsys):
    text = BASE + "sweep:\n  facility_power: {from: 1 GW, to: 2 GW, steps: 1001}\n"
    err = refused(tmp_path, monkeypatch, capsys, text, "--samples", "2000000")
    assert err == ("calc: s.yaml:7: sweep: 1,001 cases x 2,000,000 samples = 2,002,000,000 values per quantity "
                   "is more than calc evaluates (2,000,000,000 values); use fewer sweep points or samples\n")


# -- 6. several files; signals -------------------------------------------------------------------
def test_several_files_print_every_good_one_and_report_each_bad_one(tmp_path, monkeypatch, capsys):
    (tmp_path / "good.yaml").write_text(BASE)
    (tmp_path / "bad1.yaml").write_text(replace("value: 1.25,", "value: 1:20,"))
    (tmp_path / "bad2.yaml").write_text("name: [\n")
    (tmp_path / "good2.yaml").write_text(BASE.replace("name: t", "name: u"))
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", "good.yaml", "bad1.yaml", "bad2.yaml",
                           "good2.yaml", "--format", "json")
    assert status == 2
    import json
    docs = json.loads(out)
    assert [d["scenario"] for d in docs] == ["t", "u"]
    assert [r["value"] for d in docs for r in d["rows"]] == [400000.0, 400000.0]
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("calc: bad1.yaml:4: inputs.pue: cannot read '1:20'")
    assert lines[1].startswith("calc: bad2.yaml:2: malformed YAML")


def test_several_files_with_a_plot_and_a_bad_one_write_nothing(tmp_path, monkeypatch, capsys):
    (tmp_path / "good.yaml").write_text(BASE)
    (tmp_path / "bad.yaml").write_text(replace("value: 1.25,", "value: 1:20,"))
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", "good.yaml", "bad.yaml", "--plot", "p.png")
    assert (status, out) == (2, "")
    assert err.startswith("calc: bad.yaml:4: inputs.pue: cannot read '1:20'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "good.yaml"]


SLOW_WRITE = textwrap.dedent("""\
    import signal, sys, time
    signal.signal(signal.SIGINT, signal.default_int_handler)   # as on a terminal, even when started in the background
    import calc.output.plots
    def slow(result, path, kind=None, quantity=None, dpi=100, variant=None):
        with open(path, "wb") as fh:
            fh.write(b"half a picture")
        print("writing", flush=True)
        for _ in range(600):  # short sleeps, as a real write does Python work: a signal the kernel
            time.sleep(0.1)   # gives to another thread (numpy's BLAS) is acted on within 0.1 s
    calc.output.plots.save_plot = slow
    from calc.cli import main
    sys.exit(main(["run", "s.yaml", "--plot", "p.png"]))
    """)


@pytest.mark.parametrize("sig, status, word", [(signal.SIGTERM, 143, "terminated (SIGTERM)"),
                                               (signal.SIGINT, 130, "interrupted")])
def test_a_signal_during_a_write_leaves_no_temporary_file(tmp_path, sig, status, word):
    (tmp_path / "s.yaml").write_text(BASE)
    (tmp_path / "p.png").write_bytes(PREVIOUS)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITE], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline() == "writing\n"                     # the temporary file now exists
    assert len(list(tmp_path.glob(".p.png.*.tmp.png"))) == 1
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (status, f"calc: {word}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.png", "s.yaml"]
    assert (tmp_path / "p.png").read_bytes() == PREVIOUS


# -- property tests: deep, aliased and oversized YAML, chained exponents ---------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

OPENERS = {"flow list": ("[", "]"), "flow map": ("{k: ", "}")}


def block_nesting(depth: int) -> str:
    """``depth`` nested block mappings, one per line, indented two spaces a level."""
    return "".join("  " * i + "k:\n" for i in range(depth - 1)) + "  " * (depth - 1) + "k: 1\n"


@PROPS
@given(depth=st.integers(1, 400), style=st.sampled_from([*OPENERS, "block"]), first_line=st.integers(0, 5))
def test_any_nesting_is_read_up_to_the_limit_and_refused_beyond(depth, style, first_line):
    pad = "#\n" * first_line
    if style == "block":
        text, levels = pad + block_nesting(depth), depth
    else:
        o, c = OPENERS[style]
        text, levels = pad + "a: " + o * depth + "1" + c * depth + "\n", depth + 1   # + the top mapping
    if levels <= yamlio.MAX_DEPTH:
        value, seen = yamlio.loads(text), 0
        while isinstance(value, (list, dict)):
            value, seen = (value[0] if isinstance(value, list) else next(iter(value.values()))), seen + 1
        assert (value, seen) == (1, levels)
    else:
        with pytest.raises(CalcError) as info:
            yamlio.loads(text, "f.yaml")
        line = first_line + (yamlio.MAX_DEPTH + 1 if style == "block" else 1)  # where the 65th collection starts
        assert str(info.value) == f"f.yaml:{line}: this value is nested more than 64 levels deep; calc reads flatter files"


def alias_chain(fan: int, levels: int) -> tuple[str, int, int]:
    """Anchors l0..l{levels-1}, each a list of ``fan`` aliases of the previous: the text, the values
    it holds with every alias expanded, and the values of the last list (n items of s values each
    is 1 + n x s values)."""
    lines, size, total = [f"l0: &l0 [{', '.join(['x'] * fan)}]"], 1 + fan, 2 + fan
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]")
        size = 1 + fan * size
        total += 1 + size
    return "\n".join(lines) + "\n", total, size


def values(node) -> int:
    """Scalars, lists and mappings in ``node`` (keys included), as yamlio counts them."""
    if isinstance(node, dict):
        return 1 + sum(1 + values(v) for v in node.values())
    if isinstance(node, list):
        return 1 + sum(values(v) for v in node)
    return 1


@PROPS
@given(fan=st.integers(1, 40), levels=st.integers(1, 12), use=st.sampled_from(["outputs", "name", "description"]))
def test_any_alias_chain_is_read_within_the_limit_and_refused_beyond_without_being_printed(
        tmp_path_factory, fan, levels, use):
    chain, total, size = alias_chain(fan, levels)
    rest = "".join(line for line in BASE.splitlines(True) if not line.startswith(f"{use}:"))
    text = chain + rest + f"{use}: *l{levels - 1}\n"
    path = tmp_path_factory.mktemp("alias") / "s.yaml"
    path.write_text(text)
    with pytest.raises(CalcError) as info:          # a list is never a valid name, outputs or description
        calc.load(path).run()
    assert all(len(p) < 600 for p in info.value.problems), info.value.problems
    everything = total + values(yamlio.loads(rest)) + 1 + size      # chain + the rest's keys/values + key + alias
    refusal = "takes the document past 100,000 values (aliases counted expanded)"
    assert (refusal in str(info.value)) == (everything > yamlio.MAX_NODES)


@PROPS
@given(limit=st.integers(5, 300), over=st.integers(-10, 10), flow=st.booleans())
def test_values_are_counted_exactly(limit, over, flow):
    # a mapping {a: [n items]} holds 1 + 1 + 1 + n values; a small limit stands in for 100,000
    n = max(0, limit - 3 + over)
    items = ("a: [" + ", ".join(["1"] * n) + "]\n") if flow else ("a:\n" + "- 1\n" * n if n else "a: []\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(yamlio, "MAX_NODES", limit)
        if 3 + n <= limit:
            assert len(yamlio.loads(items)["a"]) == n
        else:
            with pytest.raises(CalcError, match=rf"past {limit:,} values"):
                yamlio.loads(items)


@settings(max_examples=10, deadline=None)
@given(extra=st.integers(1, 5000), fill=st.sampled_from(["x", "#", " "]))
def test_oversized_files_are_refused_by_size(tmp_path_factory, extra, fill):
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    text = "a: 1\n#" + fill * (yamlio.MAX_BYTES - 6 + extra)
    path.write_text(text)
    size = len(text.encode())
    with pytest.raises(CalcError, match=rf"big.yaml: file is {size:,} bytes; calc reads YAML files up to 1,000,000"):
        yamlio.load(path)


powers = st.lists(st.integers(-200, 200), min_size=2, max_size=6)


@PROPS
@given(exps=powers, caret=st.booleans())
def test_any_chained_unit_power_is_refused(exps, caret):
    op = "^" if caret else "**"
    text = "1 W" + "".join(f"{op}{e}" for e in exps)
    with pytest.raises(CalcError, match="a unit power must be one number up to 64"):
        parse_quantity(text)


def chained_power(numbers: list[int]) -> float | None:
    """``n0 ** n1 ** ...`` evaluated from the right as calc does, or None where calc refuses: an
    exponent beyond 64 in size, or a result that is not a finite real number."""
    import numpy as np

    value = np.float64(numbers[-1])
    for base in reversed(numbers[:-1]):
        if not abs(value) <= 64:
            return None
        with np.errstate(all="ignore"):
            value = np.float64(base) ** value
        if not np.isfinite(value):
            return None
    return float(value)


@PROPS
@given(exps=powers)
def test_any_chained_power_of_numbers_is_its_value_or_refused(exps):
    numbers = [2, *exps]
    text = " ** ".join(f"({n})" for n in numbers)
    expected = chained_power(numbers)
    if expected is None:
        with pytest.raises(CalcError, match=r"too large \(the limit is 64\)|infinite|not a finite number"):
            calc.expr.parse(text).evaluate({})
    else:
        assert float(calc.expr.parse(text).evaluate({}).magnitude) == pytest.approx(expected)


words = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)  # no line breaks
plain = st.none() | st.booleans() | st.integers(-10**300, 10**300) | st.floats(allow_nan=False) | words \
    | st.sampled_from(["1e3", "0o17", "017", "0x1F", "yes", "on", "1:20", "1_000", ".5", "1.", "~", "null", "-.inf", "+1"])
trees = st.recursive(plain, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(words, kids, max_size=4),
                     max_leaves=20)


@PROPS
@given(data=trees)
def test_what_calc_dumps_it_reads_back_unchanged(data):
    # calc.load(dict) goes through yamlio.dumps: a string must never come back as a number, nor a number as text
    assert yamlio.loads(yamlio.dumps(data)) == data


@pytest.mark.parametrize("spec", ["{range: [1.1, 1e308]",                      # lognormal: exp overflows
                                  "{dist: normal, low: 1.1, high: 1.7e308"])     # normal: mid + sd z
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_range_whose_draws_overflow_is_refused_naming_the_draw_and_no_warning_leaks(tmp_path, monkeypatch,
                                                                                      capsys, spec, seed):
    text = ("name: t\naccelerator: gb200-superchip\ninputs:\n"
            f"  pue: {spec}, source: assumption, note: x}}\noutputs: [power_per_chip]\n"
            f"samples: 1000\nseed: {seed}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # numpy's 'overflow encountered' would fail the run
        err = refused(tmp_path, monkeypatch, capsys, text)
    # the first draw whose product overflows: a huge finite PUE (the largest float, where exp overflowed)
    assert err.startswith("calc: s.yaml: power_per_chip = it_power_per_chip x pue is infinite (too large to "
                          "compute, or a division by zero) from finite inputs: it_power_per_chip = 3333.33 W/chip, pue = ")
    pue = float(err.split("pue = ")[1].split(";")[0])
    assert 5.4e304 < pue <= 1.7976931348623157e308        # x 3333.33 W/chip overflows past 1.8e308


# -- issue 19, part 2: the hostile inputs that still got through -------------------------------------
from helpers import HAND_TIMELINE  # noqa: E402

FORMS = "write '2025' (a year), '2025-07' (a month) or '2025-Q3' (a quarter)"
NOT_A_DATE = f"is not a date; {FORMS}"
# a text in a date's form naming no real year says why (calc.dates.why_not_real)
NO_YEAR_0 = f"is not a date: there is no year 0 (1 BC is followed by 1 AD); {FORMS}"


def hand(old: str, new: str) -> str:
    assert HAND_TIMELINE.count(old) == 1
    return HAND_TIMELINE.replace(old, new)


@pytest.mark.parametrize("old, new, line, key, says", [
    ("start: 2026, end", 'start: "0000", end', 2, "timeline.start: '0000' ", NO_YEAR_0),
    ("start: 2026, end", 'start: "0000-Q1", end', 2, "timeline.start: '0000-Q1' ", NO_YEAR_0),
    ("start: 2026, end", 'start: "２０２６", end', 2, "timeline.start: '２０２６' ",       # fullwidth
     NOT_A_DATE),
    ("start: 2026, term: 3 yr}", 'schedule: {"0000": 50 %, 2027: 50 %}}', 4,
     "commitments.base_deal.schedule.0000: '0000' ", NO_YEAR_0),
])
def test_year_zero_and_non_ascii_digits_are_not_dates(tmp_path, monkeypatch, capsys, old, new, line, key,
                                                      says):
    err = refused(tmp_path, monkeypatch, capsys, hand(old, new))            # was exit 3: 'year 0 is out of range'
    assert err.startswith(f"calc: s.yaml:{line}: {key}") and err.endswith(f"{says}\n")


def test_a_check_at_year_zero_is_refused_at_its_line(tmp_path, monkeypatch, capsys):
    text = HAND_TIMELINE + ('checks:\n  - {says: x, source: assumption, note: n, that: revenue, at: "0000", '
                            'near: 12 billion USD, within: 10%}\n')
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert err == f"calc: s.yaml:12: checks[0]: at: '0000' {NO_YEAR_0}\n"


@pytest.mark.parametrize("args, message", [
    (("explain", "s.yaml", "revenue", "--at", "0000"), f"calc: --at: '0000' {NO_YEAR_0}\n"),
    (("solve", "s.yaml", "--for", "arr_end", "--so-that", "cumulative_gap", "--equals", "0", "--between", "1e9",
      "1e12", "--at", "0000"), f"calc: --at: '0000' {NO_YEAR_0}\n"),
])
def test_at_year_zero_on_the_command_line_is_refused(tmp_path, monkeypatch, capsys, args, message):
    (tmp_path / "s.yaml").write_text(HAND_TIMELINE)
    assert run(tmp_path, monkeypatch, capsys, *args) == (2, "", message)


def test_calc_check_reports_a_bad_file_and_goes_on_to_the_next(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.yaml").write_text(BASE)
    (tmp_path / "bad.yaml").write_text(hand("start: 2026, end", 'start: "0000", end'))
    (tmp_path / "c.yaml").write_text(BASE)
    status, out, err = run(tmp_path, monkeypatch, capsys, "check", "a.yaml", "bad.yaml", "c.yaml")
    assert status == 2
    assert "a.yaml: ok, no checks" in out and "c.yaml: ok, no checks" in out
    assert err == f"calc: bad.yaml:2: timeline.start: '0000' {NO_YEAR_0}\n"


def _data_copy(tmp_path: Path, edit) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for f in (Path(calc.__file__).parent / "data").glob("*"):
        (data / f.name).write_bytes(f.read_bytes())
    deals = data / "deals.yaml"
    deals.write_text(edit(deals.read_text(encoding="utf-8")), encoding="utf-8")
    return data


def test_a_ledger_row_announced_in_year_zero_is_refused_at_its_line(tmp_path):
    from calc.registry import Registry

    data = _data_copy(tmp_path, lambda t: t.replace('announced: "2023-01"', 'announced: "0000"', 1))
    line = (data / "deals.yaml").read_text().splitlines().index('  announced: "0000"') + 1
    with pytest.raises(CalcError) as info:
        Registry.load(data)
    assert any(p.endswith(f"deals.yaml:{line} (openai_microsoft_2023_01).announced | announced '0000' is not "
                          "a real date: there is no year 0 (1 BC is followed by 1 AD)") for p in info.value.problems), info.value.problems


def test_a_ledger_row_that_is_not_a_mapping_is_reported_at_its_line(tmp_path):
    from calc.registry import Registry

    data = _data_copy(tmp_path, lambda t: t.replace("\n- id: ", "\n- just a string\n- id: ", 1))
    line = (data / "deals.yaml").read_text().splitlines().index("- just a string") + 1
    with pytest.raises(CalcError) as info:
        Registry.load(data)
    assert any(p.endswith(f"deals.yaml:{line} (deals[0]) | expected a mapping (a deal with id, buyer, ...), "
                          "got 'just a string'") for p in info.value.problems), info.value.problems


@pytest.mark.parametrize("expr, message", [
    ("((1 kW) ** 64) ** 3", "overflow: '**' gives the unit kW ** 64, too large to convert"),     # was exit 3
    ("(1 kW) ** 32 * (1 kW) ** 32", "overflow: '*' gives the unit kW ** 64, too large to convert"),
    ("1 kW**64", "cannot read '1 kW**64' as a quantity: the unit 'kW**64' is too large to convert"),
])
def test_unit_powers_whose_size_overflows_are_refused(tmp_path, monkeypatch, capsys, expr, message):
    err = refused(tmp_path, monkeypatch, capsys, BASE + f'derive: {{x: "{expr}"}}\n')
    assert err.startswith(f"calc: s.yaml:7: derive.x: {message}")


def test_set_reads_its_value_as_a_file_does(tmp_path, monkeypatch, capsys):
    in_file = refused(tmp_path, monkeypatch, capsys, replace("value: 1.25,", "value: 1_2,"))
    on_line = refused(tmp_path, monkeypatch, capsys, BASE, "--set", "pue=1_2")      # was read as 12
    why = "cannot read '1_2' as a quantity: expected a number and a unit"
    assert in_file.startswith(f"calc: s.yaml:4: inputs.pue: {why}")
    assert on_line.startswith(f"calc: --set pue: {why}")
    status, out, _ = run(tmp_path, monkeypatch, capsys, "run", "s.yaml", "--set", "pue=2.5", "--format", "csv")
    assert status == 0 and "chips,200000.0,chip" in out           # 1 GW / (2 kW/chip x 2.5)


@pytest.mark.parametrize("value, where", [("٣", 4), ("1.2５", 4)])
def test_non_ascii_digits_are_not_numbers(tmp_path, monkeypatch, capsys, value, where):
    err = refused(tmp_path, monkeypatch, capsys, replace("value: 1.25,", f'value: "{value}",'))
    assert err == (f"calc: s.yaml:{where}: inputs.pue: cannot read {value!r} as a quantity: write its digits as 0-9 "
                   "(ASCII); other scripts' digits are not read\n")
    err = refused(tmp_path, monkeypatch, capsys, BASE, "--set", f"pue={value}")
    assert err.startswith("calc: --set pue: cannot read") and "write its digits as 0-9" in err


@pytest.mark.parametrize("command", [("run", "s.yaml", "--format", "json"), ("schema",), ("deals",)])
def test_output_inside_calcs_own_folder_is_refused(tmp_path, monkeypatch, capsys, command):
    (tmp_path / "s.yaml").write_text(BASE)
    units = Path(calc.__file__).parent / "units.txt"
    before = units.read_bytes()
    for target in (units, units.parent / "new.json", units.parent / "output" / "new.json"):
        status, out, err = run(tmp_path, monkeypatch, capsys, *command, "--output", str(target))
        assert (status, out) == (2, "")
        assert err.startswith(f"calc: --output {target}: is inside calc's own files (") and \
            err.endswith("); writing there would break calc -- choose a place outside it\n")
        assert not (units.parent / "new.json").exists() and not (units.parent / "output" / "new.json").exists()
    assert units.read_bytes() == before


def test_a_300_character_output_name_is_refused(tmp_path, monkeypatch, capsys):
    name = "a" * 300 + ".json"
    err = refused(tmp_path, monkeypatch, capsys, BASE, "--output", name)     # the last --output wins
    assert err == (f"calc: --output {name[:200]}...: the file name is 305 characters; calc writes names of at "
                   "most 200 -- choose a shorter one\n")


@pytest.mark.parametrize("command", [("run",), ("check",), ("explain", "chips")])
def test_a_file_argument_longer_than_the_system_allows_is_refused(tmp_path, monkeypatch, capsys,
                                                                  command):
    name = "a" * 300                                   # was exit 3: 'OSError: File name too long'
    status, out, err = run(tmp_path, monkeypatch, capsys, command[0], name, *command[1:])
    assert status == 2
    assert err.endswith(f"calc: {'a' * 200}... (300 characters): the file name is too long for "
                        "this system; give the path of a YAML file or a shipped scenario's name\n")
    with pytest.raises(CalcError, match=r"^a{200}\.\.\. \(5,000 characters\): the file name is"):
        calc.load("a" * 5000)


@pytest.mark.parametrize("name", ["{brace}.yaml", "new\nline.yaml", "{a: 1}"])
def test_a_command_line_file_is_a_path_never_yaml_text(tmp_path, monkeypatch, capsys, name):
    if name != "{a: 1}":
        (tmp_path / name).write_text(BASE)
        status, out, err = run(tmp_path, monkeypatch, capsys, "run", name, "--format", "csv")
        assert (status, err) == (0, "") and "chips,400000.0,chip" in out
    else:                                   # no such file: not read as the YAML text it looks like
        status, out, err = run(tmp_path, monkeypatch, capsys, "run", name)
        assert status == 2 and err.startswith("calc: {a: 1}: no such file, and no shipped scenario of that name")


def test_a_logistic_ceiling_at_or_below_arr_end_is_refused_at_its_key(tmp_path, monkeypatch, capsys):
    text = hand("inputs:\n", "models: {arr_at: arr_at_logistic}\ninputs:\n"
                "  arr_ceiling: {value: 12 billion USD/yr, source: assumption, note: t}\n")
    err = refused(tmp_path, monkeypatch, capsys, text)
    assert err == ("calc: s.yaml:8: inputs.arr_ceiling: 1.2e+10 USD/yr must exceed arr_end (1.2e+10 USD/yr): "
                   "a logistic path rises towards its ceiling; give a higher arr_ceiling, or use the constant "
                   "or decaying path\n")


def test_growth_of_minus_100_percent_has_no_logistic_path(tmp_path, monkeypatch, capsys):
    text = hand("inputs:\n", "models: {arr_at: arr_at_logistic}\ninputs:\n"
                "  arr_ceiling: {value: 50 billion USD/yr, source: assumption, note: t}\n")
    err = refused(tmp_path, monkeypatch, capsys, text.replace("growth_per_month: {value: 0,",
                                                              "growth_per_month: {value: -1,"))
    assert err == ("calc: s.yaml:11: inputs.arr_growth_per_month: -100 % a month has no logistic path (its rate "
                   "is infinite); give a growth above -100 %, or use the constant or decaying path\n")


def test_growth_of_minus_100_percent_earns_nothing_after_arr_as_of(tmp_path, monkeypatch, capsys):
    (tmp_path / "s.yaml").write_text(hand("arr_growth_per_month: {value: 0,", "arr_growth_per_month: {value: -1,"))
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", "s.yaml", "--format", "csv")
    assert (status, err) == (0, "")
    revenue = [line.split(",")[4] for line in out.splitlines() if ",revenue," in line]
    assert revenue == ["0.0", "0.0", "0.0"]        # arr_as_of is the first period's start: nothing after


def test_growth_of_minus_100_percent_before_arr_as_of_is_refused_naming_the_period(tmp_path, monkeypatch,
                                                                                    capsys):
    text = hand("arr_growth_per_month: {value: 0,", "arr_growth_per_month: {value: -1,")
    err = refused(tmp_path, monkeypatch, capsys, text.replace("value: 2026-01,", "value: 2026-07,"))
    assert err == ("calc: s.yaml:9: inputs.arr_growth_per_month: -100 % a month leaves the run-rate undefined "
                   "before arr_as_of (2026-07), in the period from 2026-01: it would have been infinite; give a "
                   "growth above -100 %, or an arr_as_of at or before the timeline's start\n")


def test_a_solve_whose_output_does_not_depend_on_the_input_is_a_finding(tmp_path, monkeypatch, capsys):
    (tmp_path / "s.yaml").write_text(HAND_TIMELINE)
    args = ("solve", "s.yaml", "--for", "arr_end", "--so-that", "commitment_spend", "--at-least",
            "1 billion USD", "--between", "1 billion USD/yr", "100 billion USD/yr", "--at", "2027")
    status, out, err = run(tmp_path, monkeypatch, capsys, *args)
    assert (status, err) == (0, "")               # it answered the bracket's end, $1.00B
    assert "arr_end [USD/yr] (base) = no solution" in out
    assert ("finding (base): commitment_spend does not depend on arr_end: no value of arr_end changes it (it "
            "uses base_deal_commitment, later_commitment); "
            "solve for one of those") in out
    assert run(tmp_path, monkeypatch, capsys, *args, "--strict")[0] == 1
    args = ("solve", "s.yaml", "--for", "arr_end", "--so-that", "cumulative_gap", "--equals", "0",
            "--between", "1 billion USD/yr", "100 billion USD/yr", "--at", "2028")
    assert run(tmp_path, monkeypatch, capsys, *args, "--strict")[0] == 0        # one it depends on


def test_money_beyond_999_trillion_is_shown_in_scientific_notation(tmp_path, monkeypatch, capsys):
    from calc.format import money

    assert [money(x) for x in (999e12, 1e15, -1.43e308)] == ["$999T", "$1.00e+15", "-$1.43e+308"]
    (tmp_path / "s.yaml").write_text(hand("value: 36 billion USD,", "value: 1e308 USD,"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # numpy's 'overflow encountered in reduce' leaked
        status, out, err = run(tmp_path, monkeypatch, capsys, "run", "s.yaml")
    assert (status, err) == (0, "")
    assert max(len(line) for line in out.splitlines()) < 160
    assert "$3.33e+307" in out                   # 1e308 over three years


@pytest.mark.parametrize("call, message", [
    (lambda: calc.load(BASE).run(sets={1: 2}), "sets: names are strings such as 'pue', got 1"),
    (lambda: calc.evaluate(["chips"], {"facility_power": calc.Q(10**400, "GW"), "pue": 1.25,
                                       "it_power_per_chip": "2 kW/chip"}),
     "cannot read an integer of 401 digits as a quantity: a number beyond the float range"),
    (lambda: calc.deals(buyer=5), "buyer: expected a buyer's name such as 'OpenAI', got 5"),
    (lambda: calc.deal_totals(buyer=["OpenAI"]), "buyer: expected a buyer's name such as 'OpenAI', got ['OpenAI']"),
    (lambda: calc.load(BASE).run().with_display(["chips"]),
     "display: expected a mapping name -> unit, e.g. {'peak_compute': 'EFLOP/s'}, got ['chips']"),
    (lambda: calc.load(HAND_TIMELINE).run().value("revenue", at="0000"), "at: '0000' is not a date"),
    (lambda: calc.Q(b"1 GW"), "cannot read b'1 GW' as a quantity: expected a number or a string"),
    (lambda: calc.load("name: t\n#" + "x" * 100_000_000 + "\n"),
     "<string>: the YAML text is more than 1,000,000 bytes; calc reads scenarios up to 1,000,000 bytes"),
])
def test_the_library_refuses_hostile_arguments_with_a_calc_error(call, message):
    with pytest.raises(CalcError) as info:
        call()
    assert str(info.value).startswith(message)


def test_a_quantity_of_another_pint_registry_is_refused_not_misread():
    import pint

    other = pint.UnitRegistry()
    other.define("GW = 1 W")                     # the same name, another size: reading it by name misreads it
    with pytest.raises(CalcError, match=r"^inputs.facility_power: <Quantity\(1, 'GW'\)> comes from another pint "
                                        r"unit registry; give a string such as '1 GW'"):
        calc.evaluate(["chips"], {"facility_power": other.Quantity(1, "GW"), "pue": 1.25,
                                  "it_power_per_chip": "2 kW/chip"})


def test_a_nul_byte_is_refused_at_its_line(tmp_path, monkeypatch, capsys):
    err = refused(tmp_path, monkeypatch, capsys, BASE.replace("note: test}", "note: te\0st}", 2))
    assert err == "calc: s.yaml:3: a NUL byte (\\0) is not allowed in YAML text; remove it\n"


def test_a_long_buyer_is_cut_in_the_message(tmp_path, monkeypatch, capsys):
    status, out, err = run(tmp_path, monkeypatch, capsys, "deals", "--buyer", "x" * 100_000)
    assert (status, out) == (2, "")
    assert err.startswith(f"calc: no deals for buyer {'x' * 200!r}... (100,000 characters); the ledger's buyers")
    assert len(err) < 400


SIX_AXES = textwrap.dedent("""\
    name: six
    accelerator: gb200-superchip
    inputs:
      facility_power: {value: 1 GW, source: assumption, note: t}
    outputs: [chips, capex, compute_per_year, cost_per_year]
    samples: 0
    sweep:
      facility_power: {from: 0.5 GW, to: 5 GW, steps: 10}
      electricity_price: {from: 40 USD/MWh, to: 120 USD/MWh, steps: 10}
      pue: {from: 1.1, to: 1.5, steps: 10}
      mfu: {from: 0.2, to: 0.6, steps: 10}
      load_factor: {from: 0.5, to: 0.9, steps: 10}
      it_lifetime: {from: 3 yr, to: 7 yr, steps: 10}
    """)


def test_output_of_more_rows_than_the_limit_is_refused_before_it_is_built(tmp_path, monkeypatch, capsys):
    from calc.values import MAX_ROWS

    err = refused(tmp_path, monkeypatch, capsys, SIX_AXES)       # 10^6 cases: 44 s and 3 GB before
    assert err == (f"calc: s.yaml:7: sweep: 1,000,000 cases x 4 quantities = 4,000,000 rows of output is more "
                   f"than calc writes ({MAX_ROWS:,} rows); use fewer sweep points, variants or outputs (in "
                   "Python, calc.load(...).run() keeps every case as arrays: res.central)\n")
    res = calc.load(SIX_AXES).run()                  # the library keeps arrays: no rows are built
    assert res.central["chips"].shape == (1_000_000,)
    with pytest.raises(CalcError, match=r"^1,000,000 cases x 4 quantities = 4,000,000 rows of output"):
        res.rows()


def test_more_check_results_than_the_limit_are_refused_before_they_are_built():
    text = SIX_AXES + "checks:\n  - {says: x, source: assumption, note: n, that: chips, above: 1 chip}\n"
    with pytest.raises(CalcError, match=r"^<string>:14: checks: 1,000,000 cases x 1 checks = 1,000,000 check "
                                        r"results is more than calc tests \(50,000\)"):
        calc.load(text).run()


def test_a_refused_timeline_is_reported_once_not_again_at_every_check_and_solve(tmp_path, monkeypatch, capsys):
    text = (ROOT / "scenarios" / "openai-commitments.yaml").read_text(encoding="utf-8")
    err = refused(tmp_path, monkeypatch, capsys, text.replace("{start: 2025, end: 2033, step: year}",
                                                             '{start: "0000", end: 2033, step: year}'))
    assert err == f"calc: s.yaml:18: timeline.start: '0000' {NO_YEAR_0}\n"


def test_yaml_text_far_over_the_bound_is_refused_without_a_copy():
    import tracemalloc

    text = "name: t\n#" + "x" * 10_000_000 + "\n"                  # 10x the bound
    tracemalloc.start()
    try:
        with pytest.raises(CalcError, match=r"^<string>: the YAML text is more than 1,000,000"):
            calc.load(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000             # its UTF-8 encoding, a second 10 MB, was made to count it


def test_a_timeline_whose_rows_would_hold_too_many_values_at_once_is_refused(tmp_path, monkeypatch,
                                                                             capsys):
    # 1,200 months x 16,000 samples x 14 computed names (6 outputs' and 8 derives') peaked at
    # 3.5 GB, accepted; 7,000 samples (just under the bound) peak at 1.6 GB. (Without an
    # uncertain input a row holds one value per period, whatever the samples: not refused.)
    derive = "".join(f'  d{i}: {{expr: "revenue * {i + 1}", unit: USD}}\n' for i in range(8))
    text = hand("{start: 2026, end: 2028, step: year}", "{start: 2026, end: 2125, step: month}")
    text = text.replace("growth_per_month: {value: 0,", "growth_per_month: {range: [0, 0.02],")
    text += "derive:\n" + derive
    err = refused(tmp_path, monkeypatch, capsys, text, "--samples", "16000")
    assert err == ("calc: s.yaml:2: timeline: 1,200 periods x 16,000 samples x 14 computed "
                   "quantities = 268,816,800 values held at once is more than calc holds "
                   "(120,000,000, about 1 GB); use at most 7,141 samples, a longer step, a shorter "
                   "timeline or fewer derives\n")
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", "s.yaml", "--samples", "100",
                           "--format", "csv")
    assert (status, err) == (0, "") and out.count(",d7,") == 1_200


# -- empty names and text quantities with a unit (found in the issue-19 audit) -----------------
@pytest.mark.parametrize("args, says", [
    (("run", ""), "argument FILE: an empty file name"),
    (("check", "", "nvidia-1gw"), "argument FILE: an empty file name"),
    (("run", "nvidia-1gw", "--output", ""), "argument --output: an empty path"),
    (("deals", "--plot", " "), "argument --plot: an empty path"),
])
def test_an_empty_file_or_output_name_is_refused(tmp_path, monkeypatch, capsys, args, says):
    """``calc run ""`` said '.: is a folder'; ``--output ""`` printed to stdout, exit 0."""
    status, out, err = run(tmp_path, monkeypatch, capsys, *args)
    assert (status, out) == (2, "")
    assert says in err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CalcError, match="an empty file name"):
        calc.load("")


def test_q_of_text_and_a_unit_reads_the_text_then_converts():
    """``calc.Q("1 GW", "W")`` was a quantity of '1 GW' watts; now 1e9 W, and a wrong
    dimension is a CalcError naming both."""
    assert calc.Q("1 GW", "W").to("W").magnitude == 1e9
    assert calc.Q("2.2 GW", "MW").units == calc.Q(1, "MW").units
    assert calc.Q("2.2 GW", "MW").magnitude == pytest.approx(2200)
    with pytest.raises(CalcError, match=r"calc.Q\('1 GW', 'USD'\): expected money \[USD\], "
                                        r"got power \[GW\]"):
        calc.Q("1 GW", "USD")
