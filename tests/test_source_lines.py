"""A source's line in every printed format: a title the registry gives as "unknown" is left out
('TechBuzz, 2025-11 — "..."', not 'TechBuzz, "unknown", ...'); explain names a figure once."""

from __future__ import annotations

import calc
from calc import deal_table
from calc.citations import Citation, source_citation
from calc.output import deals
from calc.output.html import result_html, source_html
from calc.output.markdown import result_markdown
from calc.output.text import result_text, sources_text
from calc.registry import registry

QUOTE = (("Anthropic plans to buy 1 GW", None),)
UNTITLED = Citation("techbuzz-2025-11", "TechBuzz", "unknown", "2025-11", "https://t.example/a",
                    QUOTE)
TITLED = Citation("techbuzz-2025-11", "TechBuzz", "Anthropic buys", "2025-11", None, QUOTE)


def test_text_and_explain_lines_leave_an_unknown_title_out():
    assert UNTITLED.text() == 'TechBuzz, 2025-11 — "Anthropic plans to buy 1 GW"'
    assert UNTITLED.line() == ('techbuzz-2025-11: TechBuzz, 2025-11 -- "Anthropic plans to buy '
                               '1 GW" <https://t.example/a>')
    assert TITLED.text() == 'TechBuzz, "Anthropic buys", 2025-11 — "Anthropic plans to buy 1 GW"'
    assert TITLED.line().startswith('techbuzz-2025-11: TechBuzz, "Anthropic buys", 2025-11 -- ')


def test_html_links_the_publisher_where_the_title_is_unknown():
    html = source_html(UNTITLED)
    assert "unknown" not in html
    assert html.startswith('<a href="https://t.example/a">TechBuzz</a>, 2025-11 — “Anthropic')
    assert source_html(TITLED).startswith("TechBuzz, “Anthropic buys”, 2025-11 — ")


def test_registry_lists_and_deal_footnotes_print_no_unknown_title():
    reg = registry()
    untitled = [s for s in reg.sources.values() if s.title == "unknown"]
    assert untitled                                       # the registry has such sources
    listed = sources_text(untitled, width=100)
    assert '"unknown"' not in listed and untitled[0].id in listed
    frame = deal_table.deals(reg=reg)
    ids = set(frame["source"])
    assert any(reg.source(s).title == "unknown" for s in ids)
    for text in (deals.text(frame, reg, deal_table.rates(reg), width=200),
                 deals.markdown(frame, reg, deal_table.rates(reg)),
                 deals.html_text(frame, reg, deal_table.rates(reg))):
        assert '"unknown"' not in text and "&quot;unknown&quot;" not in text
        assert "[hackernoon-openai-broadcom] HackerNoon." in text   # its date unknown: left out
    cited = source_citation(reg, "hackernoon-openai-broadcom").text()
    assert cited == "HackerNoon"


def test_run_and_explain_print_no_unknown_title_and_name_a_figure_once():
    res = calc.load("deals").run(samples=0)
    for out in (result_text(res, width=200), result_markdown(res), result_html(res)):
        assert "RTTNews (on Nasdaq.com)" in out                 # a source with an unknown title
        assert '"unknown"' not in out and "“unknown”" not in out
    text = res.explain("reuters_openai_gw")
    assert ("(figure openai_deals_power_reuters_2025_10) [1]" in text
            and "figure, figure" not in text)
    ledger = res.explain("ledger_openai_gw")
    assert "RTTNews (on Nasdaq.com), 2025-10-06 -- " in ledger and '"unknown"' not in ledger
