"""Plots: each chart renders to a PNG of the expected size, with units, a title and its sources.

The numbers drawn are checked against hand-derived values (in comments), read back from the
matplotlib artists, not just "a picture came out".
"""

from __future__ import annotations

import math
import struct
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import calc
from calc.errors import CalcError

pytest.importorskip("matplotlib")

from calc.output import plots  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 900, 500            # plots.SIZE (9 x 5 in) x plots.DPI (100)
INPUTS = {"facility_power": "1 GW", "pue": 1.25, "it_power_per_chip": "2 kW/chip",
          "chip_capex": "50000 USD/chip", "facility_capex_per_power": "10 USD/W"}
# chips = 1 GW / (2 kW/chip x 1.25) = 400,000 chip
# capex = 400,000 chip x 50,000 USD/chip + 1e9 W x 10 USD/W = 3e10 USD


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; fails unless ``data`` is a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def footnote(fig) -> str:
    return fig.get_supxlabel()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def arr():
    return calc.load(ROOT / "scenarios" / "anthropic-arr.yaml").run(samples=500, seed=1)


def test_importing_calc_plots_does_not_import_matplotlib():
    code = "import sys, calc.output.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_fan_chart_draws_central_lines_and_bands_over_the_sweep(arr):
    fig = plots.fan_chart(arr, "arr_projected", over="arr_horizon")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Months after the later figure [month]"      # the glossary's words
    assert ax.get_ylabel() == "Projected run-rate revenue [USD/yr]"
    assert ax.get_title(loc="left").startswith("Projected run-rate revenue over months after the later figure")
    base = [ln for ln in ax.get_lines() if ln.get_label() == "base: central"][0]
    assert list(base.get_xdata()) == [4, 10, 16]
    # constant growth: 5e9 x (5 / 1)^(4 / 7) = 5e9 x 2.5085 = 1.2542e10 USD/yr four months on
    assert base.get_ydata()[0] == pytest.approx(5e9 * 5 ** (4 / 7), rel=1e-9)
    # 5e9 x 5^(16 / 7) = 1.980e11 sixteen months on
    assert base.get_ydata()[2] == pytest.approx(5e9 * 5 ** (16 / 7), rel=1e-9)
    # only the decaying variant has an uncertain input (the half-life): its 5-95 % and 25-75 % bands;
    # the constant-growth line has no band
    assert len(ax.collections) == 2
    labels = ax.get_legend_handles_labels()[1]
    assert "decaying: 5–95 %" in labels and "base: 5–95 %" not in labels
    assert "36Kr (2025-11)" in footnote(fig) and "the analyst's assumptions" in footnote(fig)
    assert png_size(plots.png_bytes(fig)) == (WIDTH, HEIGHT)


def test_fan_chart_names_the_sweeps_when_asked_for_another(arr):
    with pytest.raises(CalcError, match=r"'pue' is not swept in this result; sweeps: arr_horizon"):
        plots.fan_chart(arr, "arr_projected", over="pue")


def test_tornado_chart_bars_reach_the_output_at_each_end_of_the_input_range():
    res = calc.evaluate(outputs=["chips"], inputs={**INPUTS, "pue": [1.1, 1.4]})
    fig = plots.tornado_chart(res, "chips")
    ax = fig.axes[0]
    central = 1e9 / (2000 * math.sqrt(1.1 * 1.4))      # pue central = geometric mean 1.2410: 402,911 chip
    low_end, high_end = ax.patches[0], ax.patches[1]
    # pue at its 5th percentile 1.1: 1e9 / (2,000 x 1.1) = 454,545 chips
    assert low_end.get_x() == pytest.approx(central)
    assert low_end.get_x() + low_end.get_width() == pytest.approx(1e9 / 2200, rel=1e-6)
    # pue at its 95th percentile 1.4: 1e9 / (2,000 x 1.4) = 357,143 chips
    assert high_end.get_x() + high_end.get_width() == pytest.approx(1e9 / 2800, rel=1e-6)
    assert ax.get_xlabel() == "Accelerators the site can power [chip]"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["pue\n[1.1, 1.4]"]
    assert "What moves accelerators the site can power" in ax.get_title(loc="left")
    assert png_size(plots.png_bytes(fig)) == (WIDTH, HEIGHT)


def test_per_gw_frame_divides_by_facility_power():
    one = calc.evaluate(outputs=["chips", "capex"], inputs=INPUTS)
    two = calc.evaluate(outputs=["chips", "capex"], inputs={**INPUTS, "facility_power": "2000 MW"})
    frame = plots.per_gw_frame({"1 GW": one, "2 GW": two})
    assert list(frame.columns) == ["chips [chip/GW]", "capex [USD/GW]"]
    # 2 GW: 800,000 chips and 2 x 3e10 USD; per GW the same as 1 GW
    assert frame.loc["2 GW", "chips [chip/GW]"] == pytest.approx(400_000)
    assert frame.loc["1 GW", "capex [USD/GW]"] == pytest.approx(3e10)
    assert frame.loc["2 GW", "capex [USD/GW]"] == pytest.approx(3e10)


def test_per_gw_frame_needs_facility_power():
    # 100 chips at 1 PFLOP/s each: nothing says how much power they draw
    res = calc.evaluate(outputs=["peak_compute"], inputs={"chips": "100 chip", "peak_flops_per_chip": "1 PFLOP/s/chip"})
    with pytest.raises(CalcError, match="has no facility_power to express its values per GW"):
        plots.per_gw_frame(res)


def test_bar_chart_per_gw_draws_bars_and_published_estimates():
    results = {"h100-sxm": calc.evaluate(outputs=["chips"], inputs={"facility_power": "1 GW"}, accelerator="h100-sxm"),
               "custom": calc.evaluate(outputs=["chips", "capex"], inputs=INPUTS)}
    fig = plots.bar_chart_per_gw(results, references=["epoch_capex_per_gw_facility"])
    chips_ax, capex_ax = fig.axes
    assert chips_ax.get_xlabel() == "chips per GW [chip/GW]"
    assert capex_ax.get_xlabel() == "capex per GW [USD/GW]"
    assert chips_ax.patches[1].get_width() == pytest.approx(400_000)
    assert capex_ax.patches[1].get_width() == pytest.approx(3e10)
    assert capex_ax.patches[0].get_width() == 0          # the H100 run has no capex: drawn empty, labelled
    assert "no figure" in [t.get_text() for t in capex_ax.texts]
    # Epoch AI's $29B per GW of facility power as a line on the capex panel, not on the chips panel
    assert [ln.get_xdata()[0] for ln in capex_ax.get_lines()] == [pytest.approx(29e9)]
    assert not chips_ax.get_lines()
    assert "Epoch AI" in footnote(fig)
    assert png_size(plots.png_bytes(fig)) == (WIDTH, HEIGHT)


@pytest.mark.parametrize("text, expected", [
    ("2023-09", date(2023, 9, 15)), ("2025-11-19", date(2025, 11, 19)), ("2023-H2", date(2023, 10, 1)),
    ("2025-Q1", date(2025, 2, 15)), ("2025", date(2025, 7, 1)), ("unknown", None), ("", None),
    ("2023/2024", date(2023, 12, 31)),          # the middle of mid-2023 and mid-2024
])
def test_as_of_dates_for_the_timeline(text, expected):
    assert plots.as_of_date(text) == expected


def test_timeline_puts_funding_figures_at_their_dates():
    ids = ["anthropic_valuation_2023_05", "anthropic_valuation_after_msft_nvda", "amazon_tranche_2023"]
    fig = plots.timeline(ids)
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert set(lines) == {"valuation", "investment"}
    # valuations: 5 billion (May 2023) and 350 billion (November 2025), as quoted
    assert list(lines["valuation"].get_ydata()) == [5e9, 350e9]
    assert list(lines["investment"].get_ydata()) == [4e9]
    assert ax.get_ylabel() == "amount [USD]"
    assert "36Kr (2025-11)" in footnote(fig)
    assert png_size(plots.png_bytes(fig)) == (WIDTH, HEIGHT)


def test_timeline_of_all_figures_keeps_funding_only():
    fig = plots.timeline(calc.figures())
    labels = [t.get_text().split(":")[0] for t in fig.axes[0].texts]     # figure ids as words
    assert "Anthropic valuation 2023 05" in labels and "Amazon tranche 2024" in labels
    assert "Aws openai contract value" not in labels        # a commitment, not funding
    assert "Cost per query threshold" not in labels          # USD, but not funding
    assert "Gb200 nvl72 rack price" not in labels            # as_of unknown: no date to draw it at


def test_default_plot_picks_fan_tornado_or_bars(arr):
    assert "over months after the later figure" in plots.default_plot(arr).axes[0].get_title(loc="left")
    res = calc.evaluate(outputs=["chips"], inputs={**INPUTS, "pue": [1.1, 1.4]})
    assert plots.default_plot(res).axes[0].get_title(loc="left").startswith("Accelerators the site")   # bars
    res = res.with_sensitivity()
    assert plots.default_plot(res).axes[0].get_title(loc="left").startswith("What moves accelerators")


def test_bar_chart_shows_each_variant_with_whiskers_when_sampled():
    res = calc.load(ROOT / "scenarios" / "nvidia-1gw.yaml").run(samples=200, seed=1)
    fig = plots.bar_chart(res, "chips")
    ax = fig.axes[0]
    variants = [c.variant for c in res.cases]
    assert [t.get_text() for t in ax.get_yticklabels()] == variants
    assert [p.get_width() for p in ax.patches] == pytest.approx([res.value("chips", v).magnitude for v in variants])
    assert "whiskers: 5–95 %" in ax.get_title(loc="left")


def test_save_default_plot_writes_a_png(tmp_path, arr):
    path = tmp_path / "fan.png"
    plots.save_default_plot(arr, path)
    assert png_size(path.read_bytes()) == (WIDTH, HEIGHT)


def test_calc_run_plot_writes_a_png(tmp_path):
    out = tmp_path / "out.png"
    calc_bin = Path(sys.executable).with_name("calc")
    proc = subprocess.run([str(calc_bin), "run", "scenarios/nvidia-1gw.yaml", "--plot", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert png_size(out.read_bytes()) == (WIDTH, HEIGHT)
    assert out.stat().st_size > 10_000         # a drawn chart, not an empty canvas


def test_timeline_chart_puts_each_period_at_its_start_with_its_label():
    res = calc.load("anthropic-commitments").run(samples=0)
    starts, name = plots.period_axis(res)
    assert [name(x) for x in starts] == list(res.periods)         # ('2025', ..., '2030'), yearly
    assert starts[1] - starts[0] == 1.0                           # a yearly step [yr]
    fig = plots.timeline_chart(res)
    axis = fig.axes[0]
    assert [t.get_text() for t in axis.get_xticklabels()] == list(res.periods)
    spend = next(line for line in axis.get_lines()
                 if line.get_label().endswith(": commitment spend"))
    assert spend.get_label() == "base, decaying, share-for-compute: commitment spend"  # same
    assert list(spend.get_xdata()) == list(starts)
    assert list(spend.get_ydata()) == list(res.central["commitment_spend"][0])
    be = float(res.central["break_even"][0][0])
    labels = [line.get_label() for line in axis.get_lines()]
    assert f"base: break-even {res.periods[list(starts).index(be)]}" in labels


def test_timeline_chart_needs_periods():
    res = calc.evaluate(outputs=["chips"], inputs=INPUTS)
    assert res.periods == ()
    with pytest.raises(ValueError, match="timeline_chart needs a result with a timeline"):
        plots.timeline_chart(res)
