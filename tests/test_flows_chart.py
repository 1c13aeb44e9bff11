"""The flows chart (``calc deals --flows --plot``) reads: no company name or amount over another,
an edge's money in full (firm + up to + a range's ends), sources named without 'unknown'."""

from __future__ import annotations

import pytest

import calc

pytest.importorskip("matplotlib")

from calc.output.plots import close, flows_chart, flow_amount  # noqa: E402


def _texts(fig) -> list:
    """(text, window extent) of the names and amounts drawn in the circle."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return [(t.get_text().replace("\\$", "$"), t.get_window_extent(renderer)) for t in ax.texts
            if t.get_text().strip() and not t.get_text().startswith("Amounts:")]


@pytest.mark.parametrize("as_of", ["2025-11-30", "2026-11-30"])
def test_no_label_overlaps_another(as_of):
    fig = flows_chart(calc.deal_flows(as_of))
    try:
        texts = _texts(fig)
        assert "OpenAI" in {t for t, _ in texts} and len(texts) > 40   # names and amounts
        hits = [(a, b) for i, (a, box) in enumerate(texts) for b, other in texts[i + 1:]
                if box.overlaps(other)]
        assert hits == []
    finally:
        close(fig)


def test_an_edge_shows_all_its_money_and_the_footnote_no_unknown():
    fig = flows_chart(calc.deal_flows("2026-11-30"))
    try:
        shown = {t for t, _ in _texts(fig)}
        # OpenAI -> CoreWeave: 4 B firm (May 2025) + up to 11.9 + 6.5 B: only $4.00B before
        assert "$4.00B + ≤$18.4B" in shown
        assert "$20.0B–$100B" in shown                  # OpenAI -> AMD, "tens of billions"
        foot = " ".join(t.get_text() for t in fig.texts if t.get_text().startswith("Sources"))
        # a source with no publisher is named by its id, saying so; an unknown date is left out
        assert ("de-2023-09-amazon-up-to-4b (publisher not recorded, 2023-09)"
                in " ".join(foot.split()))
        assert "unknown" not in foot.replace("\n", " ").replace("up-to", "")
    finally:
        close(fig)


@pytest.mark.parametrize("edge, label", [
    ({"usd_firm": 9e9, "usd_up_to": 24e9, "usd_low": 0.0, "usd_high": 0.0}, "$9.00B + ≤$24.0B"),
    ({"usd_firm": 0.0, "usd_up_to": 0.0, "usd_low": 20e9, "usd_high": 100e9}, "$20.0B–$100B"),
    ({"usd_firm": 200e9, "usd_up_to": 0.0, "usd_low": 20e9, "usd_high": 100e9},
     "$200B + $20.0B–$100B"),
    ({"usd_firm": 0.0, "usd_up_to": 0.0, "usd_low": 0.0, "usd_high": 0.0}, ""),
])
def test_flow_amount(edge, label):
    assert flow_amount(edge) == label
