"""Precision: a peak of one number format with an MFU measured against another is a finding.

Peak-compute figures name their precision, MFU figures the peak they are measured against;
combining them across precisions is a finding that names both and the factor (README, Precision).
"""

from __future__ import annotations

import re
import shutil

import pytest

import calc
from calc.errors import CalcError
from calc.registry import Registry, registry
from calc.registry.data import DATA_DIR
from tests.helpers import calc_cli

GW = "{value: 1 GW, source: assumption, note: a reference gigawatt}"

VR_WORDS = ("precision: mfu (mfu_large_bf16_training) is measured against BF16 peak, but the peak "
            "compute (vera_rubin_dense_fp8) is FP8 peak: FP8 peak is about 2x BF16, so "
            "compute_per_year is about 2x too high; use an MFU measured against FP8 peak or the "
            "BF16 peak")


def _scenario(tmp_path, accelerator: str, extra: str = "") -> str:
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\naccelerator: {accelerator}\ninputs:\n  facility_power: {GW}\n{extra}"
                    "outputs: [chips, peak_compute, compute_per_year]\n", encoding="utf-8")
    return str(path)


def _precision(res):
    return [f for f in res.findings if f.kind == "precision"]


def test_the_catalogue_names_the_precision_of_every_peak_and_mfu():
    reg = registry()
    for fig in reg.figures.values():
        if fig.quantity in ("peak_flops_per_chip", "peak_compute", "mfu"):
            assert fig.precision in ("bf16", "fp8", "fp4"), fig.id
    assert reg.figure("vera_rubin_dense_fp8").precision == "fp8"
    assert reg.figure("mfu_large_bf16_training").precision == "bf16"
    for acc in reg.accelerators.values():        # the default peak is of the entry's precision
        fid = acc.figure_id("peak_flops_per_chip")
        assert fid is None or reg.figure(fid).precision == acc.precision, acc.id


def test_vera_rubin_with_the_default_mfu_is_a_precision_finding(tmp_path):
    res = calc.load(_scenario(tmp_path, "vera-rubin")).run()
    found = _precision(res)
    assert len(found) == 1 and found[0].variant == "base" and found[0].fails
    assert found[0].labelled == VR_WORDS
    # the compute it flags: peak x 0.3969 x 1 year, about twice what a BF16 peak would give
    peak = float(res.value("peak_compute").to("FLOP/s").magnitude)
    year = float(res.value("compute_per_year").to("FLOP/yr").magnitude)
    assert year == pytest.approx(peak * 0.3968627 * 31_557_600, rel=1e-6)


def test_mi355x_is_flagged_and_a_bf16_chip_is_not(tmp_path):
    # MI355X has no IT power per chip, so compute from a given chip count
    out = calc.evaluate(["compute_per_year"], {"chips": "100k chip"}, accelerator="amd-mi355x")
    assert float(out["compute_per_year"].to("FLOP/yr").magnitude) == pytest.approx(
        1e5 * 5000e12 * 0.3968627 * 31_557_600, rel=1e-6)
    found = [f for f in out.findings if f.kind == "precision"]
    assert [f.text for f in found] == [
        "mfu (mfu_large_bf16_training) is measured against BF16 peak, but the peak compute "
        "(mi355x_dense_fp8) is FP8 peak: FP8 peak is about 2x BF16, so compute_per_year is "
        "about 2x too high; use an MFU measured against FP8 peak or the BF16 peak"]
    same = calc.load(_scenario(tmp_path, "gb200-superchip")).run()
    assert _precision(same) == []                       # BF16 peak, BF16 MFU


def test_an_fp8_peak_chosen_for_a_bf16_chip_is_flagged_too(tmp_path):
    extra = "  peak_flops_per_chip: {figure: gb200_superchip_dense_fp8}\n"
    res = calc.load(_scenario(tmp_path, "gb200-superchip", extra)).run()
    assert [f.text.split(":")[0] for f in _precision(res)] == [
        "mfu (mfu_large_bf16_training) is measured against BF16 peak, but the peak compute "
        "(gb200_superchip_dense_fp8) is FP8 peak"]
    typed = "  mfu: {value: 0.2, source: assumption, note: an FP8 run}\n"
    res = calc.load(_scenario(tmp_path, "vera-rubin", typed)).run()
    assert _precision(res) == []                         # a typed MFU names no precision


def test_strict_exits_1_on_a_precision_finding(tmp_path):
    path = _scenario(tmp_path, "vera-rubin")
    plain = calc_cli("run", path)
    assert plain.returncode == 0 and "FP8 peak is about 2x BF16" in plain.stdout
    strict = calc_cli("run", path, "--strict")
    assert strict.returncode == 1, strict.stderr
    assert calc_cli("run", _scenario(tmp_path, "gb200-superchip"), "--strict").returncode == 0


def test_a_peak_figure_without_precision_is_refused_with_its_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    ref = data / "reference.yaml"
    text = ref.read_text(encoding="utf-8")
    at = text.index("- id: h100_dense_fp8\n")
    end = text.index("\n- id: ", at + 5)
    block = text[at:end]
    assert block.count("  precision: fp8\n") == 1
    text = text[:at] + block.replace("  precision: fp8\n", "") + text[end:]
    at = text.index("- id: b200_dense_bf16\n")
    end = text.index("\n- id: ", at + 5)
    text = text[:at] + text[at:end].replace("precision: bf16", "precision: fp7") + text[end:]
    ref.write_text(text, encoding="utf-8")
    with pytest.raises(CalcError) as info:
        Registry.load(data)
    probs = info.value.problems
    assert any(re.search(r"reference.yaml:\d+ \(h100_dense_fp8\)\.quantity \| a "
                         r"peak_flops_per_chip figure needs 'precision' \(bf16, fp8, fp4\)", p)
               for p in probs), probs
    assert any(re.search(r"\(b200_dense_bf16\)\.precision \| precision 'fp7' is not one of "
                         r"bf16, fp8, fp4", p) for p in probs), probs
    # the catalogue's fp8 slot of h100-sxm now names a figure of no precision
    assert any(re.search(r"\(h100-sxm\)\.peak_flops_per_chip_fp8 \| figure 'h100_dense_fp8' "
                         r"has precision None, but peak_flops_per_chip_fp8 is for fp8", p)
               for p in probs), probs
