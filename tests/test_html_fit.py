"""HTML and Jupyter fit (issue 23, item 2), measured in headless Chromium.

A 2025-2030 yearly timeline (anthropic-commitments) shows every period at 1,400 px without
sideways scrolling; at 700 px its table scrolls in its own box while the quantity column stays in
view; rows with one value per case (funding_need, break_even, the solved input) sit in a small table
of their own with their values; an empty `point` column is not drawn.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

import calc
from calc.output import write
from calc.output.html import result_html

PERIODS = ["2025", "2026", "2027", "2028", "2029", "2030"]

# Written into the page: measurements of the first table after the headline (the periods) before and after its box is
# scrolled to the end, and of the table of whole-timeline rows.
PROBE = """<script>
const box = Array.from(document.querySelectorAll(".calc-scroll"))
  .find(b => !b.closest(".calc-headline")), table = box.querySelector("table");
const heads = Array.from(table.querySelectorAll("thead th"));
const first = table.querySelector("tbody tr:not(.calc-group) th");
const whole = Array.from(document.querySelectorAll("caption"))
  .find(c => c.textContent.startsWith("Whole timeline")).closest("table");
const m = {window: window.innerWidth, page: document.documentElement.scrollWidth,
  heads: heads.map(h => h.textContent),
  right: Object.fromEntries(heads.map(h => [h.textContent, h.getBoundingClientRect().right])),
  box: [box.scrollWidth, box.clientWidth], boxLeft: box.getBoundingClientRect().left,
  whole: Array.from(whole.querySelectorAll("tbody tr")).map(tr =>
    Array.from(tr.children).map(c => c.textContent)),
  wholeRight: whole.getBoundingClientRect().right};
box.scrollLeft = box.scrollWidth;
const r = first.getBoundingClientRect();
m.scrolled = box.scrollLeft;
m.firstLeft = r.left;
m.firstText = first.textContent;
m.onTop = document.elementFromPoint(r.left + 4, r.top + 4) === first;
const last = heads[heads.length - 1].getBoundingClientRect();
m.lastLeft = last.left;
document.body.setAttribute("data-m", JSON.stringify(m));
</script></body>"""


@pytest.fixture(scope="module")
def commitments():
    return calc.load("anthropic-commitments").run(samples=200, seed=1)


def measure(page: str, width: int, tmp_path, probe: str = PROBE) -> dict:
    """The ``probe``'s measurements of ``page`` in headless Chromium with a window ``width`` px
    wide (the probe is a script that ends the body and sets ``data-m`` on it)."""
    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    path = tmp_path / f"page-{width}.html"
    body = page if "</body>" in page else f"<!DOCTYPE html><html><body>{page}</body></html>"
    path.write_text(body.replace("</body>", probe), encoding="utf-8")
    out = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-background-networking", "--disable-component-update",
                          "--disable-sync", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},1000",
                          "--virtual-time-budget=2000", "--dump-dom", path.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'data-m="([^"]*)"', out)
    assert found, out[-2000:]
    return json.loads(html.unescape(found.group(1)))


def test_every_period_fits_at_1400_px_and_point_is_not_drawn(commitments, tmp_path):
    m = measure(write("html", commitments), 1400, tmp_path)
    assert m["window"] == 1400
    assert m["heads"] == ["quantity"] + PERIODS + ["sources"]      # no point, no whole timeline
    assert m["right"]["2030"] <= m["window"]                        # the last period is on screen
    assert m["box"][0] <= m["box"][1]                               # nothing to scroll sideways
    assert m["page"] <= m["window"]
    assert m["scrolled"] == 0


def test_whole_timeline_rows_have_their_values_on_screen(commitments, tmp_path):
    m = measure(write("html", commitments), 1400, tmp_path)
    rows = {r[0]: r[1:4] for r in m["whole"]}
    assert list(rows) == ["funding_need [USD]", "break_even [date]",
                          "arr_growth_per_month (solved) [%]"]
    central = [r["value"] for r in commitments.rows(tables=True)
               if r["quantity"] == "funding_need"]
    assert [c.split("(")[0] for c in rows["funding_need [USD]"]] == \
        [calc.show(calc.Q(v, "USD")) for v in central]               # '$0.00', one per variant
    assert all(re.match(r"^(20\d\d|never)", c) for c in rows["break_even [date]"])
    assert m["wholeRight"] <= m["window"]


def test_quantity_column_stays_in_view_at_700_px(commitments, tmp_path):
    m = measure(write("html", commitments), 700, tmp_path)
    assert m["page"] <= m["window"]                                 # the page never scrolls
    assert m["box"][0] > m["box"][1]                                # the table scrolls in its box
    assert m["scrolled"] > 0
    assert m["lastLeft"] < m["window"]                              # scrolled to the last column,
    assert abs(m["firstLeft"] - m["boxLeft"]) <= 1                  # the first column stays put
    assert m["onTop"] and m["firstText"] == "arr_at [USD/yr]"       # over the cells under it


def test_jupyter_fragment_fits_too(commitments, tmp_path):
    m = measure(result_html(commitments), 1400, tmp_path)
    assert m["heads"] == ["quantity"] + PERIODS + ["sources"]
    assert m["right"]["2030"] <= m["window"] and m["box"][0] <= m["box"][1]
