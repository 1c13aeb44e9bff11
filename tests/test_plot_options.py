"""calc run --plot PATH [--plot-kind fan|tornado|hist|bars|timeline] [--plot-quantity NAME]: the files.

Each test reads the file the command wrote: its kind (PNG, SVG, PDF), its size, and in SVG (text
kept as text) the labels a reader sees: words from the glossary with units, and the sources footnote.
"""

from __future__ import annotations

import struct

import pytest

import calc
from calc.cli import main

pytest.importorskip("matplotlib")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def run(capsys, *args) -> tuple[int, str]:
    code = main(["run", *args])
    return code, capsys.readouterr().err


def test_bars_svg_has_human_labels_units_and_sources(tmp_path, capsys):
    out = tmp_path / "bars.svg"
    code, err = run(capsys, "nvidia-1gw", "--samples", "500", "--seed", "1", "--plot", str(out), "--plot-kind", "bars")
    assert code == 0, err
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and len(svg) > 5_000
    assert "Accelerators the site can power [chip]" in svg             # glossary words, not 'chips'
    assert "whiskers: 5–95 %" in svg and "241,747 chip" in svg          # 1 GW / 4,137 W per superchip
    assert "Sources: 36Kr (2025-11)" in svg


def test_hist_of_a_sampled_output(tmp_path, capsys):
    out = tmp_path / "hist.svg"
    code, err = run(capsys, "nvidia-1gw", "--samples", "1000", "--seed", "1", "--plot", str(out),
                    "--plot-kind", "hist", "--plot-quantity", "peak_compute")
    assert code == 0, err
    svg = out.read_text(encoding="utf-8")
    assert "Peak compute [ZFLOP/s]" in svg and "samples (of 1,000)" in svg
    assert "central: 1.21 ZFLOP/s" in svg and "median:" in svg and "95th percentile:" in svg


def test_fan_png_size_and_labels(tmp_path, capsys):
    png, svg = tmp_path / "fan.png", tmp_path / "fan.svg"
    assert run(capsys, "anthropic-arr", "--samples", "300", "--plot", str(png))[0] == 0
    assert png_size(png.read_bytes()) == (900, 500)                    # SIZE 9 x 5 in at 100 dpi
    assert run(capsys, "anthropic-arr", "--samples", "300", "--plot", str(svg), "--plot-kind", "fan")[0] == 0
    text = svg.read_text(encoding="utf-8")
    assert "Projected run-rate revenue [USD/yr]" in text and "Months after the later figure [month]" in text


def test_tornado_and_pdf(tmp_path, capsys):
    out = tmp_path / "t.pdf"
    code, err = run(capsys, "nvidia-1gw", "--samples", "300", "--sensitivity", "--plot", str(out),
                    "--plot-kind", "tornado", "--plot-quantity", "capex")
    assert code == 0, err
    assert out.read_bytes()[:5] == b"%PDF-" and out.stat().st_size > 5_000
    svg = tmp_path / "t.svg"
    run(capsys, "nvidia-1gw", "--samples", "300", "--plot", str(svg), "--plot-kind", "tornado",
        "--plot-quantity", "capex")
    assert "What moves capital expenditure (base)" in svg.read_text(encoding="utf-8")


def test_timeline_kind_on_a_timeline_scenario(tmp_path, capsys):
    out = tmp_path / "tl.png"
    code, err = run(capsys, "anthropic-commitments", "--samples", "0", "--plot", str(out), "--plot-kind", "timeline")
    assert code == 0, err
    assert png_size(out.read_bytes()) == (900, 500)


@pytest.mark.parametrize("args, message", [
    (["--samples", "0", "--plot-kind", "hist"], "a histogram of chips needs its samples: run with --samples N"),
    (["--plot-kind", "fan"], "a fan chart needs a sweep (add 'sweep:' to the scenario); try --plot-kind bars"),
    (["--plot-kind", "timeline"], "a timeline chart needs a scenario with a timeline; try --plot-kind bars"),
    (["--plot-quantity", "chip"], "--plot-quantity chip: not in this result (did you mean 'chips'?)"),
])
def test_a_chart_that_cannot_be_drawn_is_bad_input_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "x.png"
    code, err = run(capsys, "nvidia-1gw", "--samples", "0", "--plot", str(out), *args)
    assert code == 2 and message in err
    assert not out.exists()


def test_plot_options_need_plot(capsys):
    code, err = run(capsys, "nvidia-1gw", "--plot-kind", "bars")
    assert code == 2 and "--plot-kind needs --plot PATH" in err


def _boxes(fig, artists):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    return [a.get_window_extent(r) for a in artists]


@pytest.mark.parametrize("samples", [0, 400])
def test_a_bar_value_never_overlaps_its_whisker_or_its_label(samples):
    from calc.output.plots import bar_chart, close

    res = calc.load("nvidia-1gw").run(samples=samples, seed=1) if samples else \
        calc.evaluate(["chips"], {"facility_power": "1 GW", "pue": 1.25, "it_power_per_chip": "2 kW/chip"})
    fig = bar_chart(res, "chips")
    axis = fig.axes[0]
    values = _boxes(fig, axis.texts)
    ticks = _boxes(fig, axis.get_yticklabels())
    frame = axis.get_window_extent(fig.canvas.get_renderer())
    assert len(values) == len(res.cases)
    stats = res.stats.get("chips")
    for k, (text, box) in enumerate(zip(axis.texts, values)):
        end = max(res.central["chips"][k], stats["p95"][k] if stats else 0.0)     # the whisker's end
        end_x, bar_y = axis.transData.transform((end, k))
        assert box.x0 > end_x                                           # the value starts past its whisker
        assert box.y0 < bar_y < box.y1                                  # beside its own bar
        assert not any(box.overlaps(t) for t in ticks)
        assert not any(box.overlaps(o) for o in values if o is not box)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1                # inside the axes
    close(fig)


def test_funding_timeline_labels_are_words_and_never_overlap():
    from calc.output.plots import close, timeline

    ids = ["anthropic_valuation_2023_05", "anthropic_valuation_2025_03", "anthropic_valuation_2025_09",
           "anthropic_valuation_after_msft_nvda", "amazon_tranche_2023", "google_investment_2023",
           "amazon_tranche_2024", "nvidia_investment_pledge", "microsoft_investment_pledge"]
    fig = timeline(ids)
    axis = fig.axes[0]
    texts = [t.get_text() for t in axis.texts]
    assert "Amazon tranche 2023: $4.00B" in texts and not any("_" in t for t in texts)
    boxes = _boxes(fig, axis.texts)
    frame = axis.get_window_extent(fig.canvas.get_renderer())
    for k, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[k + 1:])
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1
    close(fig)
