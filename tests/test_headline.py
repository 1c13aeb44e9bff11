"""The headline every human format opens with (issue 23, item 1), ``calc run --brief``, and
footnotes listed once per source (item 8): each test reads the output a user sees."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

from calc.format import money

from helpers import HAND_TIMELINE as HAND, ROOT, calc_cli, without_headline

SAMPLES = ("--samples", "200", "--seed", "1")


def run(*args: str, cwd=ROOT) -> str:
    proc = calc_cli("run", *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def headline_lines(text: str) -> list[str]:
    """The terminal headline: from its caption to its 'Checks: ...' count line."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Headline"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("Checks: "))
    return lines[start:end + 1]


def counts(doc: dict) -> tuple[int, int]:
    """(hold, do not hold) over the distinct check results of a JSON document, as the checks
    section lists them (same claim, verdict and detail once)."""
    distinct = {(c["says"], c["source"], c["passed"], c["detail"]) for c in doc["checks"]}
    return sum(1 for d in distinct if d[2]), sum(1 for d in distinct if not d[2])


@pytest.fixture(scope="module")
def openai():
    """openai-commitments (a timeline, two variants, a solve), as the terminal and JSON show it."""
    return run("openai-commitments", *SAMPLES), json.loads(run("openai-commitments", *SAMPLES,
                                                               "--format", "json"))


def test_a_timeline_headline_holds_the_whole_timeline_rows_per_variant(openai):
    text, doc = openai
    head = headline_lines(text)
    assert head[0] == "Headline: the whole timeline; central value (5th–95th percentile)"
    assert head[1].split() == ["quantity", "base", "decaying"]
    whole = [r for r in doc["rows"] if r["period"] is None]
    names = list(dict.fromkeys(r["quantity"] + (" (solved)" if r.get("solved") else "")
                               for r in whole))
    assert names == ["funding_need", "break_even", "arr_growth_per_month (solved)"]
    labels = [ln.split(" [")[0] for ln in head[3:-1]]
    assert labels == names                               # no per-period row in the headline
    need = {r["variant"]: r for r in whole if r["quantity"] == "funding_need"}
    line = next(ln for ln in head if ln.startswith("funding_need [USD]"))
    for v in ("base", "decaying"):
        r = need[v]
        assert f"{money(r['value'])} ({money(r['p05'])}–{money(r['p95'])})" in line
    hold, fail = counts(doc)
    # HSBC like with like: 620 a year (517), 792 through 2030 (764) and the 2030 ratio hold; the
    # 1.8 trillion of deals and the 36 GW do not; nor do OpenAI's own February 2026 figures:
    # 600 billion through 2030 (764, one check for every case) and 13.1 billion of 2025 revenue
    # (17.0 base, 15.5 decaying: one result per variant), nor its more than 280 billion of revenue
    # in 2030 (131 base, 68 decaying)
    assert (hold, fail) == (3, 7)
    assert head[-1] == "Checks: 3 hold, 7 do not; 0 findings"
    # the headline comes first: before the first period table
    assert text.index("Headline") < text.index("  2025  ")


def test_financing_headline_shows_shortfall_and_cash_out():
    text = run("hsbc-openai", *SAMPLES)
    doc = json.loads(run("hsbc-openai", *SAMPLES, "--format", "json"))
    whole = [r for r in doc["rows"] if r["period"] is None]
    head = headline_lines(text)
    assert [ln.split(" [")[0] for ln in head[3:-1]] \
        == list(dict.fromkeys(r["quantity"] for r in whole)) == ["shortfall", "cash_out"]
    whole = [r for r in whole if r["variant"] == "base"]      # the first column
    short = whole[0]
    assert head[3].split(None, 2)[2].startswith(money(short["value"]))
    cash = whole[1]
    assert head[4].split()[2] == f"{cash['value']:.0f}" + ","      # a date as its year: '2030,'
    assert "never in" in head[4] and cash["never_share"] > 0
    hold, fail = counts(doc)
    assert head[-1] == f"Checks: {hold} hold, {fail} do not; 0 findings"


def test_without_a_timeline_the_headline_holds_every_output_per_variant():
    text = run("nvidia-1gw", *SAMPLES)
    doc = json.loads(run("nvidia-1gw", *SAMPLES, "--format", "json"))
    head = headline_lines(text)
    assert head[0] == "Headline: every output; central value (5th–95th percentile)"
    assert head[1].split() == ["quantity", "base", "per-gpu", "hgx-b200"]
    shown = list(dict.fromkeys(r["quantity"] for r in doc["rows"]))
    assert [ln.split()[0] for ln in head[3:-1]] == shown and len(shown) == 10
    chips = {r["variant"]: r["value"] for r in doc["rows"] if r["quantity"] == "chips"}
    cells = re.findall(r"([\d,]+) \(", head[3])
    assert [int(c.replace(",", "")) for c in cells] == [round(chips[v]) for v in
                                                        ("base", "per-gpu", "hgx-b200")]
    hold, fail = counts(doc)
    assert head[-1] == f"Checks: {hold} hold, {fail} do not; 0 findings" and (hold, fail) == (2, 4)


def test_a_sweep_headline_shows_the_first_point_and_says_how_many_the_tables_hold():
    text = run("anthropic-arr", "--samples", "0")
    doc = json.loads(run("anthropic-arr", "--samples", "0", "--format", "json"))
    points = list(dict.fromkeys(json.dumps(r["point"]) for r in doc["rows"]))
    first = json.loads(points[0])
    head = headline_lines(text)
    assert head[0] == (f"Headline: every output, at the first sweep point (arr_horizon="
                       f"{first['arr_horizon']}); the tables hold {len(points)} points")
    assert len(points) == 3
    projected = {r["variant"]: r["value"] for r in doc["rows"]
                 if r["quantity"] == "arr_projected" and r["point"] == first}
    line = next(ln for ln in head if ln.startswith("arr_projected"))
    assert line.split()[-2:] == [money(projected["base"]), money(projected["decaying"])]


BRIEF_HAND = HAND + """\
checks:
  - says: "the buyer must find 18 billion"
    source: assumption
    note: t
    that: funding_need
    near: 18 billion USD
    within: 5%
  - says: "the buyer needs nothing"
    source: assumption
    note: t
    that: funding_need
    below: 1 billion USD
"""


def test_brief_prints_the_headline_alone_central_values(tmp_path):
    # HAND: revenue 12B a year; spend 12B (2026), 12B + 4.5B (2027: a ramp of 18B over 24 months
    # puts 18 x 12^2 / 24^2 = 4.5B in its first year), 12B + 13.5B (2028): the gap runs 0, 4.5B,
    # 18B, so funding_need is $18.0B; coverage ends below 1, so break_even is never.
    path = tmp_path / "hand.yaml"
    path.write_text(BRIEF_HAND, encoding="utf-8")
    out = run(str(path), "--brief")
    assert out == ("hand\n"
                   "\n"
                   "Headline: the whole timeline\n"
                   "quantity              base\n"
                   "──────────────────────────\n"
                   "funding_need [USD]  $18.0B\n"
                   "break_even [date]    never\n"
                   "Checks: 1 holds, 1 does not; 0 findings\n")
    md = run(str(path), "--brief", "--format", "markdown")
    assert md == ("### hand\n\n*Headline: the whole timeline*\n\n"
                  "| quantity | base |\n|:---|---:|\n"
                  "| funding_need [USD] | \\$18.0B |\n| break_even [date] | never |\n\n"
                  "**Checks: 1 holds, 1 does not; 0 findings**\n")


def test_brief_on_a_sampled_run_has_no_ranges_and_no_sources(openai):
    text, doc = openai
    out = run("openai-commitments", *SAMPLES, "--brief")
    assert "–" not in out and "Sources" not in out and "[1]" not in out
    base = next(r for r in doc["rows"] if r["quantity"] == "funding_need"
                and r["variant"] == "base")
    line = next(ln for ln in out.splitlines() if ln.startswith("funding_need"))
    assert line.split()[2] == money(base["value"])
    assert out.splitlines()[-1] == headline_lines(text)[-1]      # the same counts


def test_brief_refuses_formats_without_a_headline():
    proc = calc_cli("run", "nvidia-1gw", "--brief", "--format", "json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--brief prints the headline as table or markdown, not json" in proc.stderr


def test_readme_shows_the_brief_headline_as_calc_prints_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    out = run("openai-commitments", "--brief")
    assert "$ calc run openai-commitments --brief" in readme
    assert f"```text\n{out}```" in readme


def test_json_and_csv_hold_no_headline(openai):
    _, doc = openai
    # the document's keys as before the headline (README, JSON output); no headline record
    assert sorted(doc) == ["checks", "findings", "rows", "samples", "scenario", "seed", "sources"]
    assert "Headline:" not in json.dumps(doc) and "Checks:" not in json.dumps(doc)
    csv = run("nvidia-1gw", "--samples", "0", "--format", "csv")
    assert csv.splitlines()[0].startswith("variant,point,quantity,value,unit")
    assert "Headline:" not in csv and "Checks:" not in csv


def test_markdown_and_html_open_with_the_headline():
    md = run("hsbc-openai", *SAMPLES, "--format", "markdown")
    assert md.index("*Headline: the whole timeline") < md.index("| quantity | 2025 |")
    assert "| shortfall [USD] |" in md and re.search(r"\*\*Checks: \d+ hold, \d+ do not", md)
    html = run("hsbc-openai", *SAMPLES, "--format", "html")
    section = re.search(r'<section class="calc-headline">(.*?)</section>', html, re.S).group(1)
    assert "<caption>Headline: the whole timeline" in section
    assert "<th>shortfall [USD]</th>" in section and "<th>cash_out [date]</th>" in section
    assert "revenue" not in section                         # per-period rows stay in the tables
    assert html.index('class="calc-headline"') < html.index("<th class=\"num\">2025</th>")


def test_xlsx_headline_cells_are_numbers_with_number_formats(tmp_path, openai):
    _, doc = openai
    run("openai-commitments", *SAMPLES, "--format", "xlsx", "--output", "o.xlsx", cwd=tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["summary"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(1, 20)}
    assert "Headline: the whole timeline" in rows
    head = rows["quantity"]
    assert [ws.cell(row=head, column=c).value for c in (2, 3)] == ["base", "decaying"]
    want = {(r["variant"], r["quantity"]): r for r in doc["rows"] if r["period"] is None}
    need = ws.cell(row=rows["funding_need [USD]"], column=2)
    assert isinstance(need.value, float)
    assert need.value == pytest.approx(want["base", "funding_need"]["value"])
    fmt = need.number_format                                # $B, to 3 significant digits
    assert fmt.startswith('"$"') and fmt.endswith(',,,"B"')
    p05 = ws.cell(row=rows["funding_need [USD]"] + 1, column=2)
    assert ws.cell(row=p05.row, column=1).value.strip() == "5th percentile"
    assert p05.value == pytest.approx(want["base", "funding_need"]["p05"])
    even = ws.cell(row=rows["break_even [date]"], column=2)
    # a year as the table under it writes one: the number 2032 shown '0', not a date
    assert isinstance(even.value, int) and even.number_format == "0"
    assert even.value == want["base", "break_even"]["value"]
    assert ws.cell(row=rows["break_even [date]"], column=3).value == "never"
    hold, fail = counts(doc)
    for label, n in (("checks that hold", hold), ("checks that do not hold", fail),
                     ("findings", 0)):
        cell = ws.cell(row=rows[label], column=2)
        assert cell.value == n and cell.data_type == "n" and cell.number_format == "0"


TWO_TOTALS = """\
name: two-totals
derive:
  openai_gw: {expr: "deals_openai_power_firm", unit: GW}
  anthropic_usd: {expr: "deals_anthropic_payments_firm", unit: USD}
  openai_usd: {expr: "deals_openai_payments_firm", unit: USD}
outputs: [openai_gw, anthropic_usd, openai_usd]
"""


@pytest.mark.parametrize("scenario", ["two-totals", "deals"])
def test_footnotes_list_each_source_once(scenario, tmp_path):
    # ledger totals rest on one source per deal; two totals over the same deals cite them once
    if scenario == "two-totals":
        (tmp_path / "two.yaml").write_text(TWO_TOTALS, encoding="utf-8")
        scenario = str(tmp_path / "two.yaml")
    doc = json.loads(run(scenario, "--format", "json"))
    distinct = {s for r in doc["rows"] for s in r["sources"]} | \
        {c["source"] for c in doc["checks"] if c["source"]}
    text = without_headline(run(scenario))
    notes = re.findall(r"^  \[(\d+)\] (.*)$", text.split("\nSources\n")[1], re.M)
    assert [int(k) for k, _ in notes] == list(range(1, len(distinct) + 1))
    assert len({body for _, body in notes}) == len(notes)        # no source twice
    md = run(scenario, "--format", "markdown")
    assert len(re.findall(r"^\[\^\d+\]: ", md, re.M)) == len(distinct)
    assert len(distinct) >= (12 if "two" in scenario else 20)


def test_a_footnote_gives_each_sentence_of_its_source_once():
    # deals: TechBuzz's sentence was quoted twice in one footnote (two figures, two glosses), and
    # Reuters' 'The company behind ChatGPT struck ...' once whole and once in part
    doc = json.loads(run("deals", "--format", "json"))
    quoted = {sid: s["quotes"] for sid, s in doc["sources"].items() if len(s["quotes"]) > 1}
    assert len(quoted) >= 1
    for sid, quotes in quoted.items():
        for i, q in enumerate(quotes):
            assert not any(q in other for j, other in enumerate(quotes) if j != i), (sid, q)


def test_a_timeline_without_whole_timeline_outputs_says_what_would_fill_the_headline(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text(HAND.replace("outputs: [revenue, commitment_spend, coverage, cumulative_gap, "
                                 "funding_need, break_even]", "outputs: [revenue, coverage]"),
                    encoding="utf-8")
    out = run(str(path), "--brief")
    assert out == ("hand\n\nHeadline: none (no output has one value for the whole timeline, "
                   "e.g. funding_need, break_even)\nChecks: none; 0 findings\n")


def test_undefined_values_are_counted_as_notes_not_findings():
    # anthropic-commitments: coverage is undefined (null) in 2025, a year without spend, in each of
    # its three variants: three notes, none of them a finding that fails --strict
    out = calc_cli("run", "anthropic-commitments", "--samples", "0", "--brief").stdout
    assert out.splitlines()[-1] == "Checks: 1 holds, 3 do not; 0 findings, 3 notes"
