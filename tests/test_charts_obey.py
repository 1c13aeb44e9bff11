"""Timeline charts obey their options (issue 23, item 5), and no chart's text is clipped or
overlapped.

On a timeline: --plot-quantity picks what is drawn; --plot-kind tornado|hist|bars draw the
quantities with one value per case (funding_need, break_even); --plot-variant NAME draws one
variant, the default every variant, each labelled; the default chart draws the revenue that pays
for compute (compute_share_of_revenue x revenue) beside total revenue, and marks break-even where
spend and that line meet for good. Each chart's texts are measured once drawn
(tests/text_boxes.py).
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import calc
from calc.cli import main

pytest.importorskip("matplotlib")
from calc.output import plots  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import text_boxes  # noqa: E402
from text_boxes import layout_problems  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


@pytest.fixture(scope="module")
def ant():
    """anthropic-commitments: variants base, decaying and share-for-compute (a share of 0.458)."""
    return calc.load("anthropic-commitments").run(samples=200, seed=1)


def run(capsys, *args) -> tuple[int, str]:
    code = main(["run", *args])
    return code, capsys.readouterr().err


def test_plot_quantity_changes_the_png(tmp_path, capsys):
    pngs = {}
    for q in (None, "funding_need", "coverage", "break_even"):
        out = tmp_path / f"{q}.png"
        extra = ["--plot-quantity", q] if q else []
        code, err = run(capsys, "anthropic-commitments", "--samples", "100", "--seed", "1",
                        "--plot", str(out), *extra)
        assert code == 0, err
        pngs[q] = out.read_bytes()
    assert len(set(pngs.values())) == 4          # funding_need was byte-identical to the default
    svg = tmp_path / "f.svg"
    code, err = run(capsys, "anthropic-commitments", "--samples", "100", "--seed", "1",
                    "--plot", str(svg), "--plot-quantity", "funding_need")
    text = svg.read_text(encoding="utf-8")
    assert code == 0 and "Funding need [USD]" in text and "share-for-compute" in text


def test_tornado_of_funding_need_has_bars():
    oai = calc.load("openai-commitments").run(samples=200, seed=1)
    fig = plots.plot(oai, "tornado", "funding_need")
    axis = fig.axes[0]
    widths = [abs(p.get_width()) for p in axis.patches]
    assert len(widths) == 2 and min(widths) > 1e10     # arr_growth_per_month at its p05 and p95
    central = float(oai.central["funding_need"][0, 0])
    assert axis.get_lines()[0].get_xdata()[0] == pytest.approx(central)
    assert "What moves funding need (base)" in axis.get_title("left")


def test_bars_of_funding_need_per_variant_and_hist_of_break_even(ant):
    fig = plots.plot(ant, "bars", "funding_need")
    bars = [p.get_width() for p in fig.axes[0].patches]
    assert bars == pytest.approx(list(ant.central["funding_need"][:, 0]))
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == \
        ["base", "decaying", "share-for-compute"]
    fig = plots.plot(ant, "hist", "break_even", variant="share-for-compute")
    draws = ant.draws["break_even"][2, :, 0]
    never = int(np.isnan(draws).sum())
    assert fig.axes[0].get_ylabel() == "samples (of 200" + (f"; {never} never)" if never else ")")
    # ticks on the yearly timeline's periods ('2027', not '2,027' nor '2032-03')
    ticks = fig.axes[0].get_xticks()
    starts, name = plots.period_axis(ant)
    assert set(ticks) <= set(starts) and len(ticks) >= 2
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [name(t) for t in ticks]
    assert all(t.get_text() in ant.periods for t in fig.axes[0].get_xticklabels())


def test_break_even_per_case_is_a_point_not_a_bar_from_the_axis_start(ant):
    fig = plots.plot(ant, "bars", "break_even")
    axis = fig.axes[0]
    assert len(axis.patches) == 0             # was a bar from 2025, a length that means nothing
    points = [ln for ln in axis.get_lines() if ln.get_marker() == "o"]
    central = ant.central["break_even"][:, 0]
    assert [float(p.get_xdata()[0]) for p in points] == \
        pytest.approx([c for c in central if np.isfinite(c)])
    labels = [t.get_text() for t in axis.get_xticklabels()]
    assert labels and all(t in ant.periods for t in labels)


def test_money_ticks_share_one_scale_per_axis():
    res = calc.load("hsbc-openai").run(samples=0)
    fig = plots.plot(res, "timeline", quantity="cash_balance")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    # was '$0.00' beside '$50.0B'
    assert "$0" in labels and "$0.00" not in labels
    assert all(t == "$0" or t.endswith("B") for t in labels)
    assert plots.money_tick(5e10, [0, 5e10, 1e11]) == "$50B"
    assert plots.money_tick(2.5e9, [0, 2.5e9, 5e9]) == "$2.5B"
    assert plots.money_tick(1e8, [1e8, 1e10, 1e12]) == "$100M"    # a log axis: its own scale


def test_default_timeline_overlays_every_variant_each_labelled(ant):
    fig = plots.plot(ant)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    # the three variants' identical spend is one line, labelled with each (was hidden under
    # the last one drawn)
    assert [t for t in labels if t.endswith("commitment spend")] == [
        "base, decaying, share-for-compute: commitment spend"]
    assert "share-for-compute: revenue that pays for compute" in labels
    assert "share-for-compute: total revenue" in labels
    assert "base: revenue (all of it pays for compute)" in labels          # share 1: one line
    assert "base: total revenue" not in labels
    assert "base: break-even 2026" in labels and "share-for-compute: break-even 2027" in labels


def test_plot_variant_draws_one_variant_and_an_unknown_one_is_exit_2(tmp_path, capsys, ant):
    fig = plots.plot(ant, variant="decaying")
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels and all(label.startswith("decaying: ") or label.startswith("gap:")
                          for label in labels)
    assert "decaying: commitment spend p05–p95" in labels           # one variant keeps its band
    out = tmp_path / "x.png"
    code, err = run(capsys, "anthropic-commitments", "--samples", "0", "--plot", str(out),
                    "--plot-variant", "decayng")
    assert code == 2 and not out.exists()
    assert "--plot-variant decayng: no such variant (did you mean 'decaying'?); " \
        "variants: base, decaying, share-for-compute" in err
    code, err = run(capsys, "anthropic-commitments", "--plot-variant", "base")
    assert code == 2 and "--plot-variant needs --plot PATH" in err


def test_break_even_sits_where_spend_and_the_compute_share_line_meet_for_good(ant):
    fig = plots.plot(ant, variant="share-for-compute")
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    i = 2
    share = ant.central["compute_share_of_revenue"][i]
    paid = lines["share-for-compute: revenue that pays for compute"].get_ydata()
    spend = lines["share-for-compute: commitment spend"].get_ydata()
    total = lines["share-for-compute: total revenue"].get_ydata()
    assert paid == pytest.approx(share * ant.central["revenue"][i])           # 0.458 x revenue
    assert total == pytest.approx(ant.central["revenue"][i])
    be = lines["share-for-compute: break-even 2027"].get_xdata()[0]
    starts = list(plots.period_axis(ant)[0])
    k = starts.index(be)
    assert all(paid[j] >= spend[j] for j in range(k, len(starts)))          # met for good
    assert paid[k - 1] < spend[k - 1] < total[k - 1]    # total revenue crossed a period earlier


CHARTS = [
    ("anthropic-arr", dict()),                                  # the README's fan chart
    ("anthropic-commitments", dict()),
    ("anthropic-commitments", dict(variant="share-for-compute")),
    ("anthropic-commitments", dict(quantity="coverage")),
    ("anthropic-commitments", dict(kind="bars", quantity="break_even")),
    ("anthropic-commitments", dict(kind="tornado", quantity="funding_need")),
    ("openai-commitments", dict(kind="hist", quantity="funding_need")),
    ("nvidia-1gw", dict(kind="bars")),
]


@pytest.mark.parametrize("name, kw", CHARTS)
def test_no_text_is_clipped_and_no_title_overlaps_a_label(name, kw):
    res = calc.load(name).run(samples=200, seed=1)
    fig = plots.plot(res, **kw)
    assert layout_problems(fig) == []


def test_the_text_box_check_sees_a_clipped_title_and_an_overlap():
    plt = pytest.importorskip("matplotlib.pyplot")
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_ylabel("a label far longer than the axis it labels, as notebook 05 had it")
    fig.suptitle("a title " * 12, x=0.01, ha="left")
    problems = layout_problems(fig)
    assert any(p.startswith("suptitle 'a title") and "leaves the figure" in p for p in problems)
    assert any("is longer than its axis" in p for p in problems)
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_title("Over", y=-0.12, pad=0)                 # down among the tick labels
    ax.set_xticks([0.5], ["Over"])
    assert any("overlaps tick label 'Over'" in p for p in layout_problems(fig))


def test_notebook_05_figures_have_no_clipped_or_overlapping_text(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(ROOT / "notebooks" / "05_the_deals.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import matplotlib\nmatplotlib.use('Agg')"))
    nb.cells.append(nbformat.v4.new_code_cell(
        inspect.getsource(text_boxes) + "\nimport json, matplotlib.pyplot as plt\n"
        "print(json.dumps([layout_problems(plt.figure(n)) for n in plt.get_fignums()]))"))
    nb.cells.append(nbformat.v4.new_code_cell(   # the first figure's bars: bottoms, top / axes
        "from matplotlib.patches import Rectangle\n"
        "bars = [(p.get_y(), p.get_y() + p.get_height(), ax.get_ylim()[1])\n"
        "        for ax in plt.figure(plt.get_fignums()[0]).axes for p in ax.patches\n"
        "        if isinstance(p, Rectangle) and p.get_height() > 0]\n"
        "print(json.dumps([float(max(b for b, _, _ in bars)),\n"
        "                  float(max(t / top for _, t, top in bars))]))"))
    spec = tmp_path / "kernels" / "calc-charts"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "calc charts", "language": "python"}))
    import os
    os.environ["JUPYTER_PATH"] = str(tmp_path)
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name="calc-charts",
                                resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    finally:
        del os.environ["JUPYTER_PATH"]
    problems = json.loads(nb.cells[-2].outputs[-1]["text"])
    assert len(problems) == 2 and problems == [[], []]      # by buyer, by year announced
    # firm and "up to" side by side, never stacked: every bar starts at 0, and the tallest
    # (OpenAI) stays under the top of its axes (it touched it before)
    bottom, reach = json.loads(nb.cells[-1].outputs[-1]["text"])
    assert bottom == 0 and reach <= 1 / 1.1 + 1e-9


def test_plot_variant_also_chooses_the_fan_and_the_bars():
    arr = calc.load("anthropic-arr").run(samples=100, seed=1)
    labels = plots.plot(arr, variant="decaying").axes[0].get_legend_handles_labels()[1]
    assert labels == ["decaying: 5–95 %", "decaying: 25–75 %", "decaying: central"]
    nv = calc.load("nvidia-1gw").run(samples=0)
    other = [c.variant for c in nv.cases][-1]
    fig = plots.plot(nv, "bars", variant=other)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == \
        [plots._case_label(nv, i) or other for i, c in enumerate(nv.cases) if c.variant == other]


def test_every_timeline_quantity_has_an_axis_label_that_names_it():
    # a label from the glossary's meaning must not be a fragment ("At the period's end" was
    # cash_balance's): the financing and timeline quantities read as their names do
    from calc.output.plots import human_label
    assert human_label("cash_balance", "USD") == "Cash balance [USD]"
    assert human_label("arr_as_of") == "Run-rate as of"
    assert human_label("shortfall") == "Shortfall"
