"""``--output``'s extension chooses the format (calc run, deals, figures, sources); a ``--format``
that contradicts it is refused before anything is written; ``calc deals`` HTML, ``--flows``
Markdown and the ``--totals`` workbook."""

from __future__ import annotations

import io
import json

import pytest

import calc
from tests.helpers import calc_cli
from tests.test_html_fit import measure

RUN = ("run", "nvidia-1gw", "--samples", "0")
PREVIOUS = b"an earlier file, kept byte for byte\n"


def stdout_of(*args: str) -> str:
    proc = calc_cli(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def workbook(path):
    import openpyxl

    data = path.read_bytes()
    assert data[:4] == b"PK\x03\x04"                              # a zip: an .xlsx workbook
    return openpyxl.load_workbook(io.BytesIO(data))


# -- the extension chooses -----------------------------------------------------------------------
@pytest.mark.parametrize("name, fmt", [("r.md", "markdown"), ("r.json", "json"), ("r.csv", "csv"),
                                       ("r.txt", "table"), ("r.HTM", "html"),
                                       ("r.html", "html")])
def test_run_writes_the_format_the_extension_names(tmp_path, name, fmt):
    proc = calc_cli(*RUN, "--output", name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    written = (tmp_path / name).read_text(encoding="utf-8")
    shown = stdout_of(*RUN, "--format", fmt)
    assert written.rstrip("\n") == shown.rstrip("\n")     # stdout ends a text with a newline
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]   # no temporary file left


def test_run_output_xlsx_writes_a_workbook_not_text(tmp_path):
    proc = calc_cli(*RUN, "--output", "r.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    wb = workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames[:3] == ["summary", "results", "inputs"]
    assert wb.active.title == "summary"


def test_json_output_is_one_document(tmp_path):
    assert calc_cli(*RUN, "--output", "r.json", cwd=tmp_path).returncode == 0
    doc = json.loads((tmp_path / "r.json").read_text())
    assert (doc["scenario"], doc["samples"]) == ("nvidia-1gw", 0)
    assert doc == json.loads(stdout_of(*RUN, "--format", "json"))


def test_an_unknown_extension_gets_the_table_with_a_note(tmp_path):
    proc = calc_cli(*RUN, "--output", "r.out", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr.startswith(
        "calc: note: --output r.out: .out names no format; writing the text table "
        "(--format table|markdown|csv|json|html|xlsx chooses one)\n")
    assert (tmp_path / "r.out").read_text(encoding="utf-8").rstrip("\n") == \
        stdout_of(*RUN).rstrip("\n")


def test_no_extension_or_an_explicit_format_gets_no_note(tmp_path):
    for args in (("--output", "report"), ("--output", "r.out", "--format", "table")):
        proc = calc_cli(*RUN, *args, cwd=tmp_path)
        assert proc.returncode == 0 and "note:" not in proc.stderr, proc.stderr


def test_a_txt_file_takes_any_text_format_but_not_a_workbook(tmp_path):
    assert calc_cli(*RUN, "--format", "csv", "--output", "r.txt", cwd=tmp_path).returncode == 0
    assert (tmp_path / "r.txt").read_text() == stdout_of(*RUN, "--format", "csv")
    proc = calc_cli(*RUN, "--format", "xlsx", "--output", "w.txt", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (
        2, "calc: --format xlsx but --output w.txt: give w.xlsx or --format table\n")
    assert not (tmp_path / "w.txt").exists()


# -- a contradiction is refused before anything is written ---------------------------------------
@pytest.mark.parametrize("command, given, name, message", [
    (RUN, "xlsx", "r.json", "--format xlsx but --output r.json: give r.xlsx or --format json"),
    (RUN, "json", "r.xlsx", "--format json but --output r.xlsx: give r.json or --format xlsx"),
    (RUN, "table", "r.md", "--format table but --output r.md: give r.txt or --format markdown"),
    (RUN, "csv", "out/r.html", "--format csv but --output out/r.html: give out/r.csv or "
     "--format html"),
    (("deals",), "html", "d.xlsx", "--format html but --output d.xlsx: give d.html or "
     "--format xlsx"),
    (("deals", "--totals"), "xlsx", "d.csv", "--format xlsx but --output d.csv: give d.xlsx or "
     "--format csv"),
    (("figures",), "csv", "f.json", "--format csv but --output f.json: give f.csv or "
     "--format json"),
    (("sources",), "json", "s.csv", "--format json but --output s.csv: give s.json or "
     "--format csv"),
])
def test_a_format_against_the_extension_is_refused(tmp_path, command, given, name, message):
    (tmp_path / "out").mkdir()
    (tmp_path / name).write_bytes(PREVIOUS)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    proc = calc_cli(*command, "--format", given, "--output", name, cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"calc: {message}\n")
    assert (tmp_path / name).read_bytes() == PREVIOUS                 # left as it was
    assert sorted(p.name for p in tmp_path.rglob("*")) == before      # nothing new


@pytest.mark.parametrize("command, name, message", [
    (("deals", "--flows"), "f.xlsx", "--output f.xlsx: calc deals --flows writes table, markdown, "
     "json or csv, not xlsx; name it f.txt, f.md, f.json or f.csv"),
    (("figures",), "f.html", "--output f.html: calc figures writes table, json or csv, not html; "
     "name it f.txt, f.json or f.csv"),
    (("sources",), "s.md", "--output s.md: calc sources writes table, json or csv, not markdown; "
     "name it s.txt, s.json or s.csv"),
])
def test_an_extension_the_command_cannot_write_is_refused(tmp_path, command, name, message):
    proc = calc_cli(*command, "--output", name, cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"calc: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_a_target_inside_calc_is_named_before_a_contradiction(tmp_path):
    from pathlib import Path
    target = Path(calc.__file__).parent / "new.md"
    proc = calc_cli(*RUN, "--format", "json", "--output", str(target), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith(
        f"calc: --output {target}: is inside calc's own files (")
    assert not target.exists()


# -- calc deals, figures, sources ----------------------------------------------------------------
def test_deals_output_xlsx_opens_on_the_deals_and_totals_on_the_totals(tmp_path):
    for args, name, opens in ((("deals",), "d.xlsx", "deals"),
                              (("deals", "--totals"), "t.xlsx", "totals"),
                              (("deals", "--totals", "--format", "xlsx"), "u.xlsx", "totals")):
        proc = calc_cli(*args, "--as-of", "2025-11-30", "--output", name, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        wb = workbook(tmp_path / name)
        assert wb.sheetnames == ["deals", "totals", "sources"]
        assert wb.active.title == opens
        assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == [opens]
    totals = workbook(tmp_path / "t.xlsx")["totals"]
    heads = [c.value for c in totals[1]]
    openai = next(r for r in totals.iter_rows(min_row=2, values_only=True) if r[0] == "OpenAI")
    assert openai[heads.index("payments_firm")] == 592e9   # Oracle 300 + Azure 250 + AWS 38 + CW 4


@pytest.mark.parametrize("name, fmt", [("d.md", "markdown"), ("d.csv", "csv"),
                                       ("d.json", "json"), ("d.html", "html")])
def test_deals_output_takes_the_extensions_format(tmp_path, name, fmt):
    assert calc_cli("deals", "--buyer", "xAI", "--output", name, cwd=tmp_path).returncode == 0
    assert (tmp_path / name).read_text(encoding="utf-8") == \
        stdout_of("deals", "--buyer", "xAI", "--format", fmt)


@pytest.mark.parametrize("command", ["figures", "sources"])
def test_figures_and_sources_write_to_output(tmp_path, command):
    assert calc_cli(command, "--output", "l.json", cwd=tmp_path).returncode == 0
    items = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))
    from calc.registry import registry
    reg = registry()
    assert len(items) == len(reg.figures if command == "figures" else reg.sources)
    assert calc_cli(command, "--output", "l.csv", cwd=tmp_path).returncode == 0
    assert (tmp_path / "l.csv").read_text(encoding="utf-8") == \
        stdout_of(command, "--format", "csv")


def test_deals_html_is_styled_like_the_run_reports():
    page = stdout_of("deals", "--format", "html")
    from calc.output.deals import DEALS_CSS
    from calc.output.html import CSS, PAGE_CSS
    assert page.startswith("<!DOCTYPE html>")
    assert f"<style>{PAGE_CSS}{CSS}{DEALS_CSS}</style>" in page
    assert '<main class="calc-result">' in page
    assert '<div class="calc-scroll"><table class="calc-deals">' in page
    assert '<th>counted?</th>' in page and '<th class="num">amount</th>' in page
    assert ('<tr><th scope="row"><div style="width: 20ch">openai_<wbr>oracle_<wbr>2025_<wbr>09'
            '</div></th>') in page
    assert '<td class="num">~$300B</td>' in page                      # Oracle's contract, right


DEALS_PROBE = """<script>
const box = document.querySelector(".calc-scroll");
const heads = Array.from(box.querySelectorAll("thead th"));
const counted = heads.find(h => h.textContent === "counted?");
const first = box.querySelector("tbody th");
const m = {window: window.innerWidth, page: document.documentElement.scrollWidth,
  font: getComputedStyle(document.body).fontFamily, box: [box.scrollWidth, box.clientWidth]};
m.boxLeft = box.getBoundingClientRect().left; m.boxRight = box.getBoundingClientRect().right;
counted.scrollIntoView({inline: "center", block: "nearest"});
const c = counted.getBoundingClientRect();
m.counted = [c.left, c.right]; m.firstRight = first.getBoundingClientRect().right;
box.scrollLeft = box.scrollWidth;
const f = first.getBoundingClientRect();
m.lastRight = heads[heads.length - 1].getBoundingClientRect().right;
m.firstLeft = f.left; m.onTop = document.elementFromPoint(f.left + 4, f.top + 4) === first;
document.body.setAttribute("data-m", JSON.stringify(m));
</script></body>"""


def test_deals_html_scrolls_in_its_box_not_the_page(tmp_path):
    m = measure(stdout_of("deals", "--format", "html"), 900, tmp_path, DEALS_PROBE)
    assert m["window"] == 900
    assert "serif" not in m["font"].replace("sans-serif", "")          # not the default serif
    assert m["page"] <= m["window"]                                   # the page never scrolls
    assert m["box"][0] > m["box"][1]                                  # the table scrolls in its box
    assert m["firstRight"] <= m["counted"][0] and m["counted"][1] <= m["boxRight"]  # counted? shows
    assert m["lastRight"] <= m["boxRight"] + 1                        # and so does the last column
    assert abs(m["firstLeft"] - m["boxLeft"]) <= 1 and m["onTop"]     # the deal column stays put


# -- calc deals --flows --format markdown ------------------------------------------------------
def test_flows_markdown_has_every_edge_and_round_trip(tmp_path):
    md = stdout_of("deals", "--flows", "--as-of", "2025-11-30", "--format", "markdown")
    data = json.loads(stdout_of("deals", "--flows", "--as-of", "2025-11-30", "--format", "json"))
    edges_part, trips_part = md.split("Round trips (A invests in B, B pays A):")
    edge_rows = [line for line in edges_part.splitlines() if line.startswith("| ")]
    trip_rows = [line for line in trips_part.splitlines() if line.startswith("| ")]
    assert edge_rows[0] == "| payer | payee | kind | usd_firm | usd_up_to | usd_low | usd_high " \
        "| deals |"
    assert len(edge_rows) == 1 + len(data["edges"])
    assert len(trip_rows) == 1 + len(data["round_trips"])
    first = data["edges"][0]
    assert edge_rows[1].startswith(f"| {first['payer']} | {first['payee']} | {first['kind']} | ")
    assert calc_cli("deals", "--flows", "--as-of", "2025-11-30", "--output", "f.md",
                    cwd=tmp_path).returncode == 0
    assert (tmp_path / "f.md").read_text(encoding="utf-8") == md


def test_flows_refuses_html_and_xlsx_by_name(tmp_path):
    for fmt in ("html", "xlsx"):
        proc = calc_cli("deals", "--flows", "--format", fmt)
        assert (proc.returncode, proc.stderr) == (
            2, f"calc: --flows prints table, markdown, json or csv, not {fmt}\n")


def test_help_says_the_extension_chooses():
    for command in ("run", "deals", "figures", "sources"):
        text = " ".join(stdout_of(command, "--help").split())
        assert "Without --format, --output's extension chooses:" in text, command
        assert "its extension chooses the format unless --format is given" in text, command


def test_two_files_into_an_inferred_csv_name_the_output_not_a_format(tmp_path):
    proc = calc_cli("run", "nvidia-1gw", "rainier", "--output", "r.csv", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (
        2, "calc: --output takes one scenario file; run the files one at a time\n")
    assert list(tmp_path.iterdir()) == []


def test_schema_to_a_file_named_for_another_format_is_refused(tmp_path):
    done = calc_cli("schema", "--output", str(tmp_path / "s.xlsx"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (f"calc: --output {tmp_path / 's.xlsx'}: calc schema writes json, not "
                           f"xlsx; name it {tmp_path / 's.json'}\n")
    assert list(tmp_path.iterdir()) == []
    done = calc_cli("schema", "--output", str(tmp_path / "schema"))    # no extension: JSON
    assert done.returncode == 0
    assert json.loads((tmp_path / "schema").read_text())["title"]
