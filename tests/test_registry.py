"""The registry: the shipped data loads and holds together; broken copies are reported, all at once.

Each broken-copy case edits one entry of a copy of ``calc/data`` and matches the line the loader
must print: ``path:line (id).key | message``.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest

from calc import expr
from calc.errors import CalcError
from calc.registry import Registry
from calc.registry.data import DATA_DIR, KINDS, QUALIFIERS
from calc.units import Q

SHARED_SOURCES = Path(__file__).parents[2] / "shared" / "sources"
DOCUMENT_SOURCES = ("de-2023-09-amazon-up-to-4b", "de-2023-10-google-2b", "de-2024-11-amazon-8b",
                    "36kr-caixin-2025-11-msft-nvda", "nl-ft-amazon-new-investment")
LINE = re.compile(r"^(?P<path>\S+\.yaml):(?P<line>\d+)(?: \((?P<id>[^)]+)\))?(?:\.(?P<key>\w+))? \| (?P<text>.+)$")


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.load()


# -- the shipped data ---------------------------------------------------------------------------
def test_shipped_data_loads_with_sane_counts(reg):
    assert len(reg.sources) >= 40 and len(reg.figures) >= 120          # 53 and 146 when written
    assert set(DOCUMENT_SOURCES) <= set(reg.sources)
    assert {"h100-sxm", "b200", "gb200-superchip", "trainium2", "tpu-v7-ironwood"} <= set(reg.accelerators)
    assert {"pue", "electricity_price", "mfu"} <= set(reg.defaults)
    for fig in reg.figures.values():
        assert fig.kind in KINDS and fig.qualifier in QUALIFIERS, fig.id
        assert fig.source is None or fig.source in reg.sources, fig.id
        assert math.isfinite(float(fig.value.magnitude)), fig.id
        if fig.is_range:
            assert fig.low <= fig.value <= fig.high, fig.id
    for sid in reg.defaults.values():
        assert sid in reg.figures


def test_known_figures(reg):
    f = reg.figure("anthropic_nvidia_compute_commitment")
    assert (f.value, f.qualifier, f.as_of, f.source) == (Q("1 GW"), "at_least", "2025-11",
                                                          "36kr-caixin-2025-11-msft-nvda")
    assert reg.figure("amazon_first_tranche_2023").value.to("USD").magnitude == pytest.approx(1.25e9)
    r = reg.figure("rainier_chips_claim")
    assert (r.low.to("chip").magnitude, r.high.to("chip").magnitude) == (200_000, 1_000_000)
    # the central value of a range is the geometric mean: sqrt(200,000 x 1,000,000) = 447,213.6
    assert r.value.to("chip").magnitude == pytest.approx(447_213.595_5, rel=1e-12)


def test_every_document_figure_has_a_source_document_and_a_quote(reg):
    docs = [reg.source(s) for s in DOCUMENT_SOURCES]
    assert all(d.document and d.document.endswith(".txt") for d in docs)
    figs = [f for f in reg.figures.values() if f.source in DOCUMENT_SOURCES]
    assert len(figs) >= 40                                               # 43 when written
    for f in figs:
        assert f.quote and f.quote.strip(), f"{f.id} has no quote"
        assert f.gloss and f.gloss.strip(), f"{f.id} has no gloss"
    assert {f.source for f in figs} == set(DOCUMENT_SOURCES)             # every document is quoted


def _pieces_in_order(quote: str, text: str) -> str | None:
    """The first piece of ``quote`` (split at ' ... ') not found verbatim after the previous one."""
    pos = 0
    for piece in quote.split(" ... "):
        i = text.find(piece, pos)
        if i < 0:
            return piece
        pos = i + len(piece)
    return None


def test_quotes_occur_verbatim_in_their_documents(reg):
    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"{SHARED_SOURCES} is absent: the source texts are not shipped with the project")
    checked = 0
    for f in reg.figures.values():
        src = reg.sources.get(f.source) if f.source else None
        if src is None or not src.document:
            continue
        text = (SHARED_SOURCES / src.document).read_text(encoding="utf-8")
        missing = _pieces_in_order(f.quote, text)
        assert missing is None, f"{f.id}: {missing!r} is not verbatim (in order) in {src.document}"
        checked += 1
    assert checked >= 40


def test_every_index_row_with_a_figure_is_in_the_registry(reg):
    """Each quote of INDEX.md's tables is a figure's quote, or figures.yaml's header says why not."""
    index = SHARED_SOURCES / "INDEX.md"
    if not index.is_file():
        pytest.skip(f"{index} is absent: the source texts are not shipped with the project")
    header = (DATA_DIR / "figures.yaml").read_text(encoding="utf-8").split("\n- id:")[0]
    header = " ".join(line.lstrip("#- ").strip() for line in header.splitlines())
    sid, rows, left_out = None, 0, []
    for line in index.read_text(encoding="utf-8").splitlines():
        m = re.match(r"## \S+ — suggested id `([^`]+)`", line)
        if m:
            sid = m.group(1)
            continue
        m = re.fullmatch(r'\|.*\| "(.+)" \|', line)
        if not (sid and m):
            continue
        rows += 1
        pieces = m.group(1).split(" ... ")
        quotes = [f.quote for f in reg.figures.values() if f.source == sid and f.quote]
        if not all(any(p in q for q in quotes) for p in pieces):   # one figure per piece is fine
            assert pieces[0] in header, \
                f"INDEX.md row {m.group(1)!r} ({sid}) is neither a figure nor explained in figures.yaml"
            left_out.append(pieces[0])
    assert rows >= 40
    assert len(left_out) == 4          # the four rows without a number, each explained in the header


# -- sparse peaks are never stored as dense -------------------------------------------------------
_SPARSE_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?=(?:(?!dense)[^|;]){0,40}\bsparse\b)")


def _numbers_called_sparse(text: str | None) -> set[float]:
    return {float(n.replace(",", "")) for n in _SPARSE_NUMBER.findall(text or "")}


def _chain(reg, fid):
    """The figure and every figure its formula depends on."""
    fig = reg.figure(fid)
    out = [fig]
    if fig.formula:
        for n in sorted(expr.parse(fig.formula).names):
            out += _chain(reg, n)
    return out


def test_catalogue_peaks_are_dense(reg):
    peaks = [(a.id, k, fid) for a in reg.accelerators.values() for k, fid in a.figures.items()
             if k.startswith("peak_flops_per_chip_")]
    assert len(peaks) >= 12
    for acc, key, fid in peaks:
        fig = reg.figure(fid)
        assert "dense" in fid and "sparse" not in fid, f"{acc}.{key} = {fid}"
        assert fig.value.dimensionality == Q("1 FLOP/s/chip").dimensionality
        for f in _chain(reg, fid):
            # a sparse figure may feed a dense one only halved: "x_sparse_fp8 / 2"
            for n in re.findall(r"\w*sparse\w*", f.formula or ""):
                assert re.search(rf"\b{n}\s*/\s*2\b", f.formula), f"{f.id}: {f.formula!r} uses {n} unhalved"
            # the stored number is never one the gloss or note calls sparse
            value = float(f.value.magnitude)
            called_sparse = _numbers_called_sparse(f.gloss) | _numbers_called_sparse(f.note)
            assert not any(math.isclose(value, s, rel_tol=1e-3) for s in called_sparse), \
                f"{f.id}: {value:g} is described as sparse"
            # where the gloss names both, the stored number is the one it calls dense
            if f.gloss and "sparse" in f.gloss and "dense" in f.gloss:
                m = re.search(rf"(?<![\d.]){re.escape(f'{value:g}')}\s*\(([^)]*)\)", f.gloss)
                assert m and "dense" in m.group(1), f"{f.id}: {value:g} is not the gloss's dense figure"


def test_known_dense_values(reg):
    def peak(acc, precision="bf16"):
        return reg.figure(reg.accelerator(acc).figures[f"peak_flops_per_chip_{precision}"]).value.to(
            "TFLOP/s/chip").magnitude
    assert peak("h100-sxm") == pytest.approx(989.4)          # H100 SXM, dense BF16 (1978.9 is sparse)
    assert peak("h100-sxm", "fp8") == pytest.approx(1978.9)  # dense FP8 (3957.8 is sparse)
    assert peak("b200") == pytest.approx(2250)               # HGX B200 at 1,000 W, dense BF16
    assert peak("tpu-v7-ironwood") == pytest.approx(2307)
    # current AWS Neuron docs (v2.29): 667 BF16 / 1,299 FP8 dense; the superseded v2.21 page said 655 / 1,287
    assert peak("trainium2") == pytest.approx(667)
    assert peak("trainium2", "fp8") == pytest.approx(1299)
    assert peak("gb200-superchip") == pytest.approx(2 * 2500)  # two B200s at 1,200 W
    # the sparse rack figure halved: 720 PF sparse FP8 / 2 = 360 PF dense
    assert reg.figure("gb200_nvl72_rack_dense_fp8").value.to("PFLOP/s").magnitude == pytest.approx(360)


# -- broken copies ------------------------------------------------------------------------------
def _block(text: str, fid: str) -> tuple[int, int]:
    """Start and end offsets of the list item ``- id: fid`` in a data file's text."""
    start = text.index(f"\n- id: {fid}\n") + 1
    nxt = re.search(r"\n(?:- id: |#|\n)", text[start + 1:])
    return start, start + 1 + (nxt.start() if nxt else len(text) - start - 1)


def _edit(path: Path, fid: str, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    a, b = _block(text, fid)
    block = text[a:b]
    assert block.count(old) == 1, (fid, old, block)
    path.write_text(text[:a] + block.replace(old, new) + text[b:], encoding="utf-8")


def _line(path: Path, fid: str, start: str) -> int:
    """Line number of the first line of item ``fid`` that starts with ``start`` (its '- id:' line for '')."""
    text = path.read_text(encoding="utf-8")
    a, _ = _block(text, fid)
    first = text[:a].count("\n") + 1
    for i, line in enumerate(text[a:].splitlines()):
        if line.lstrip("- ").startswith(start):
            return first + i
    raise AssertionError((fid, start))


@pytest.fixture
def broken(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    figures, reference = data / "figures.yaml", data / "reference.yaml"
    accelerators, defaults = data / "accelerators.yaml", data / "defaults.yaml"

    _edit(figures, "amazon_first_tranche_2023", "source: de-2023-09-amazon-up-to-4b", "source: de-2023-09-amazon-up-to-4")
    _edit(figures, "amazon_purchase_option_2023", "value: 2.75 billion USD", "value: 2.75 zorkmid")
    _edit(figures, "anthropic_valuation_2023_05", "value: 5 billion USD", "value: 5 GW")
    _edit(figures, "google_tranche_2023_now", '  quote: "jetzt um 500 Millionen US-Dollar"\n', "")
    _edit(figures, "rainier_chips_claim", "range: [200k chip, 1M chip]", "range: [1M chip, 200k chip]")
    text = reference.read_text(encoding="utf-8")             # drop the assumption's note (a folded block)
    a, b = _block(text, "pue_ai_campus")
    block, n = re.subn(r"\n  note: >-\n(?:    .*(?:\n|$))+", "", text[a:b])
    assert n == 1
    reference.write_text(text[:a] + block + text[b:], encoding="utf-8")
    _edit(reference, "gb200_superchip_dense_bf16", "value: 5000 TFLOP/s/chip", "value: 6000 TFLOP/s/chip")
    _edit(accelerators, "h100-sxm", "chip_board_power: h100_tdp\n", "chip_board_power: h100_tdpp\n")
    t = defaults.read_text(encoding="utf-8")
    defaults.write_text(t.replace("electricity_price: us_industrial_electricity_price_2023",
                                  "electricity_price: h100_tdp"), encoding="utf-8")
    # a duplicate id: the first entry of reference.yaml again, at the end of figures.yaml
    ref = reference.read_text(encoding="utf-8")
    a, b = _block(ref, "h100_tdp")
    head = figures.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    figures.write_text(head + ref[a:b] + "\n", encoding="utf-8")
    copy_line = head.count("\n") + 1

    expected = {
        "unknown source": (figures, "amazon_first_tranche_2023", "source",
                           r"unknown source id 'de-2023-09-amazon-up-to-4' \(did you mean 'de-2023-09-amazon-up-to-4b'\?\)"
                           r"; add it to sources.yaml or fix the id"),
        "unit that does not parse": (figures, "amazon_purchase_option_2023", "value",
                                     r"cannot read '2.75 zorkmid' as a quantity: unknown unit 'zorkmid'.*"),
        "wrong dimension": (figures, "anthropic_valuation_2023_05", "value",
                            r"GW cannot feed 'valuation', which is measured in USD"),
        "quoted without quote": (figures, "google_tranche_2023_now", "quote",
                                 r"a quoted figure needs 'quote': the publication and its verbatim sentence"),
        "low > high": (figures, "rainier_chips_claim", "range",
                       r"low '1M chip' is greater than high '200k chip'; write \[low, high\]"),
        "assumption without note": (reference, "pue_ai_campus", "note",
                                    r"an assumption needs a 'note' saying why this value"),
        "formula disagrees": (reference, "gb200_superchip_dense_bf16", "formula",
                              r"formula '2 \* b200_in_gb200_dense_bf16' gives 5000 TFLOP/chip/s, but the value "
                              r"says 6000 TFLOP/chip/s; fix one of them"),
        "missing catalogue figure": (accelerators, "h100-sxm", "chip_board_power",
                                     r"unknown figure id 'h100_tdpp' \(did you mean 'h100_tdp'\?\)"),
        # figures.yaml is read first, so the copy there is the original and reference.yaml's the duplicate
        "duplicate id": (reference, "h100_tdp", "id", rf"duplicate figure id 'h100_tdp' \(also at "
                                                      rf"\S*figures.yaml:{copy_line} \(h100_tdp\)\)"),
    }
    return data, expected


def test_broken_data_reports_every_problem_at_once(broken):
    data, expected = broken
    with pytest.raises(CalcError) as info:
        Registry.load(data)
    problems = info.value.problems
    for p in problems:
        assert LINE.match(p), f"not 'path:line (id).key | message': {p}"
    parsed = [LINE.match(p).groupdict() for p in problems]

    for what, (path, fid, key, message) in expected.items():
        line = _line(path, fid, f"{key}:" if key not in ("quote", "note") else "id:")
        hits = [p for p in parsed if p["path"].endswith(path.name) and p["id"] == fid and p["key"] == key
                and re.fullmatch(message, p["text"])]
        assert hits, f"{what}: no '{path.name}:{line} ({fid}).{key} | {message}' in:\n" + "\n".join(problems)
        assert int(hits[0]["line"]) == line, (what, hits[0], line)

    default = [p for p in parsed if p["path"].endswith("defaults.yaml")]
    line = [i for i, t in enumerate((data / "defaults.yaml").read_text().splitlines(), 1)
            if t.startswith("electricity_price: h100_tdp")]
    assert [(int(p["line"]), p["key"], p["text"]) for p in default] == [
        (line[0], "electricity_price", "figure 'h100_tdp' is in W/chip, but electricity_price is measured in USD/MWh")]
    assert len(problems) == len(expected) + 1        # nothing else, nothing twice


def test_one_broken_file_names_its_path_and_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "sources.yaml").write_text("- id: a\n  publisher: p\n  title: t\n  date: 2025-13\n  language: en\n")
    with pytest.raises(CalcError) as info:
        Registry.load(data)
    lines = [p for p in info.value.problems if "sources.yaml" in p]
    assert lines[0].endswith("sources.yaml:4 (a).date | date '2025-13' is not a real date: there is no "
                             "month 13; months run 01 to 12")
    # every figure citing a source that is now gone is reported too, each with its own line
    assert sum("unknown source id" in p for p in info.value.problems) > 100


def test_catalogue_additions_for_the_deals(reg):
    """The chips the 2023-2025 deals buy, each figure sourced; MI450 and Rubin are projected."""
    def fig(acc, key, unit):
        return reg.figure(reg.accelerator(acc).figures[key]).value.to(unit).magnitude
    assert fig("h200", "peak_flops_per_chip_bf16", "TFLOP/s/chip") == pytest.approx(989)
    assert fig("h200", "peak_flops_per_chip_fp8", "TFLOP/s/chip") == pytest.approx(3958 / 2)   # sparse halved
    assert fig("b300-hgx", "peak_flops_per_chip_fp8", "TFLOP/s/chip") == pytest.approx(4500)
    assert fig("b300-hgx", "chip_board_power", "W/chip") == pytest.approx(1100)
    # GB300 per superchip = 2 GPUs: 132 kW / 36 = 3,666.7 W; per GPU (entry gb300) 132 kW / 72 = 1,833.3 W
    assert fig("gb300-superchip", "it_power_per_chip", "W/chip") == pytest.approx(132_000 / 36, rel=1e-4)
    assert fig("gb300", "it_power_per_chip", "W/chip") == pytest.approx(132_000 / 72, rel=1e-4)
    assert reg.accelerator("gb300-superchip").gpus_per_chip == 2
    assert fig("amd-mi355x", "peak_flops_per_chip_fp8", "TFLOP/s/chip") == pytest.approx(5000)
    assert fig("tpu-v6e", "peak_flops_per_chip_bf16", "TFLOP/s/chip") == pytest.approx(918)
    assert fig("trainium3", "peak_flops_per_chip_bf16", "TFLOP/s/chip") == pytest.approx(671)
    # Vera Rubin: a chip is a PACKAGE; 1.2 EF dense FP8 per NVL144 rack / 72 packages = 16.67 PF
    assert fig("vera-rubin", "peak_flops_per_chip_fp8", "TFLOP/s/chip") == pytest.approx(1.2e6 / 72, rel=1e-4)
    assert "144 dies = 72 packages" in reg.accelerator("vera-rubin").describes
    assert {a.id for a in reg.accelerators.values() if a.status == "projected"} == {"amd-mi450", "vera-rubin"}


def test_audit_corrections(reg):
    assert reg.figure("epoch_it_lifetime").value.to("yr").magnitude == 5
    assert reg.figure("epoch_facility_lifetime").value.to("yr").magnitude == 14
    assert reg.source("epoch-ai-dc-cost-breakdown").date == "2026-05-14"
    assert reg.figure("google_investment_2023").qualifier == "up_to"     # a ceiling: 0.5 now + up to 1.5 later
    assert "8 x 33 kW is 264 kW" in reg.figure("gb300_nvl72_rack_power_supermicro").note
    assert reg.figure("trainium2_dense_fp8").source == "aws-neuron-trainium2-docs-v2-29"


def test_bad_accelerator_status_is_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "accelerators.yaml"
    path.write_text(path.read_text().replace("status: projected", "status: rumoured", 1))
    with pytest.raises(CalcError) as err:
        Registry.load(data)
    assert "status 'rumoured' is not one of shipping, projected" in str(err.value)
    assert "accelerators.yaml:" in str(err.value)


def test_the_validated_registry_is_kept_by_the_hash_of_its_files(tmp_path, monkeypatch):
    from calc import cache, cache_dir, registry as registry_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CALC_NO_CACHE", raising=False)
    cache_dir.folder.cache_clear()
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    first, _ = cache.copy_name("registry", cache.data_files(data))
    assert first.startswith("registry-")
    (data / "defaults.yaml").write_text((data / "defaults.yaml").read_text() + "# a changed file\n")
    assert cache.copy_name("registry", cache.data_files(data))[0] != first   # another hash: afresh
    # the shipped registry: loaded and validated once, then read back from the cache
    registry_module.registry.cache_clear()
    try:
        loaded = registry_module.registry()
        kept, _ = cache.copy_name("registry", registry_module.built_from())
        assert (tmp_path / "cache" / "calc" / kept).is_file()
        registry_module.registry.cache_clear()
        monkeypatch.setattr(registry_module.Registry, "load", classmethod(lambda cls, *a: 1 / 0))
        cached = registry_module.registry()                              # no loading: it would fail
        assert cached.figures.keys() == loaded.figures.keys()
        fid = "anthropic_nvidia_compute_commitment"
        assert cached.figure(fid).value == loaded.figure(fid).value
        assert cached.figure(fid).quote == loaded.figure(fid).quote
    finally:
        registry_module.registry.cache_clear()
        cache_dir.folder.cache_clear()
