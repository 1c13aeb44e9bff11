"""Safe, bounded YAML reading with line numbers."""

import pytest

from calc import yamlio
from calc.errors import CalcError


def test_lines_are_remembered():
    data = yamlio.loads("a: 1\nb:\n  - x\n  - {c: 2025-11-19}\n")
    assert data.lines == {"a": 1, "b": 2}
    assert data["b"].lines == [3, 4]
    assert data["b"][1]["c"] == "2025-11-19"        # dates stay text, never date objects


def test_python_tags_are_refused():
    with pytest.raises(CalcError, match=r"f.yaml:1: malformed YAML: the tag !!python/object/apply:os.system is not allowed -- YAML tags that build objects are not allowed"):
        yamlio.loads("a: !!python/object/apply:os.system [ls]", "f.yaml")


def test_duplicate_keys_are_errors():
    with pytest.raises(CalcError, match=r"f.yaml:2: .*key 'a' is given twice \(first on line 1\)"):
        yamlio.loads("a: 1\na: 2\n", "f.yaml")


def test_malformed_yaml_names_the_line():
    with pytest.raises(CalcError, match=r"f.yaml:2: malformed YAML: mapping values are not allowed"):
        yamlio.loads("a: 1\n  b: 2\n", "f.yaml")


def test_files_are_bounded_utf8_and_must_exist(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (yamlio.MAX_BYTES + 1))
    with pytest.raises(CalcError, match=r"big.yaml: file is 1,000,004 bytes"):
        yamlio.load(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Größe\n".encode("latin-1"))
    with pytest.raises(CalcError, match=r"latin.yaml: not UTF-8 text \(byte 8\)"):
        yamlio.load(latin)
    with pytest.raises(CalcError, match=r"missing.yaml: no such file"):
        yamlio.load(tmp_path / "missing.yaml")


def test_did_you_mean():
    assert yamlio.did_you_mean("pue_", ["pue", "mfu"]) == " (did you mean 'pue'?)"
    assert yamlio.did_you_mean("zzz", ["pue", "mfu"]) == ""


def test_what_loads_gives_is_written_back_as_plain_yaml():
    tree = yamlio.loads("a: [1, {b: x}]\nc: '1e3'\n")
    assert yamlio.dumps(tree) == "a:\n- 1\n- b: x\nc: '1e3'\n"
    assert yamlio.loads(yamlio.dumps(tree)) == {"a": [1, {"b": "x"}], "c": "1e3"}
