"""What every result writer shares: cell text, the report (table blocks, checks once, overrides,
unsourced inputs, footnote numbers), citations and the tornado rows.

Every format shows the same facts in the same wide layout (``calc.output.compact``). Sources are
numbered in the order a reader meets them: down the table, then the checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np

from calc.citations import Citation, is_unsourced
from calc.output import compact
# writers use them from here
from calc.output.compact import Block, Line, label, point_text  # noqa: F401
from calc.dates import year_text
from calc.format import money, number, share
from calc.optional import need
from calc.output.json import dumps
from calc.sensitivity import is_never, never_year
from calc.units import format_unit
from calc.values import DATE_OUTPUTS


def value_text(x: float | None, unit: str) -> str:
    """A number for a cell whose header carries the unit: '400,000', money as '$30.0B'."""
    if x is None:
        return "-"
    return money(x) if unit == "USD" or unit.startswith("USD/") else number(x, digits=3)


def span(low: str, high: str) -> str:
    """A range of two cell texts: '$1.00B–$2.00B'; 'to' where an end is negative, which a dash
    beside a minus sign hides: '-$17.3B to -$14.4B'."""
    return f"{low} to {high}" if low.startswith("-") or high.startswith("-") else f"{low}–{high}"


def cell_text(row: dict) -> str:
    """'400,000'; sampled, '400,000 (356,190–453,756)', with the median first where it reads
    differently from the central value: '1.21 (p50 1.22; 1.07–1.36)'."""
    unit = row["unit"]
    text = value_text(row["value"], unit)
    if "p05" in row:
        low, high = value_text(row["p05"], unit), value_text(row["p95"], unit)
        spread = span(low, high)
        p50 = value_text(row.get("p50"), unit)
        if low == high == text and p50 in (text, "-"):                 # a value that does not vary
            return text
        text += f" (p50 {p50}; {spread})" if "p50" in row and p50 != text else f" ({spread})"
    return text


def figure_text(fig) -> str:
    """A registry figure's value for a table: '1,000', a range as '1.1–1.4', money as '$4.00B'."""
    j = fig.to_json()
    if j["low"] is not None:
        return f"{value_text(j['low'], j['unit'])}–{value_text(j['high'], j['unit'])}"
    return value_text(j["value"], j["unit"])


def run_line(result) -> str:
    """'nvidia-1gw — Anthropic's 1 GW NVIDIA commitment' (or the outputs when run without a
    scenario)."""
    return (" — ".join(t for t in (result.scenario, result.title) if t)
            or "calc: " + ", ".join(result.shown))


def sampling_line(result) -> str:
    """'2,000 samples, seed 1; cells show ...'; '' when not sampled."""
    if not result.samples:
        return ""
    seed = ("no seed (draws differ from run to run)" if result.seed is None
            else f"seed {result.seed}")
    return (f"{result.samples:,} samples, {seed}; cells show the central value, then in brackets "
            "the median (p50) where it differs and the 5th–95th percentile")


@dataclass
class CheckLine:
    """One distinct check result and the cases it is the result for."""

    check: object                  # checks.CheckResult (the first of its kind)
    where: str                     # 'every case', 'base; hgx-b200', 'base at pue=1.2, 1.3'
    ref: int | None                # footnote number of the check's source


@dataclass
class Report:
    """A result laid out for drawing: the blocks of the wide table, then every fact the writers
    show."""

    blocks: list[Block]
    source_ids: list[str]           # footnote k is source_ids[k - 1]
    defaults: list[str]             # 'mfu (default)': inputs that fell back to the registry
    checks: list[CheckLine]
    overrides: list[str]            # 'pue = 1.3': values set on the command line
    unsourced: list[str]            # 'facility_power = 1 GW': library inputs given without a source


def build(result, rows: list[dict] | None = None, wide: bool | None = None) -> Report:
    """Lay ``result`` out (``calc.output.compact``; a result with periods as columns, as a
    spreadsheet has them: ``period_table``) and number its sources: table, then checks."""
    rows = result.rows(tables=True) if rows is None else rows
    if result.periods:
        return period_table(result, rows, wide)
    order: list[str] = []
    laid = compact.blocks(result, rows, cell_text, numbering(order))
    return finish(result, laid, order, rows)


def sheet_blocks(result, rows: list[dict], report: Report) -> list[Block]:
    """The blocks a spreadsheet summary shows, each cell the row itself (numbers, not text) and
    its sources' numbers in ``report``'s order: the report's blocks, or on a timeline the periods
    as columns (``period_blocks``)."""
    if result.periods:
        return period_blocks(result, rows, report)
    order = report.source_ids
    return compact.blocks(result, rows, lambda r: r,
                          lambda sids: sorted({order.index(s) + 1 for s in sids}), key=cell_text)


def period_blocks(result, rows: list[dict], report: Report) -> list[Block]:
    """A timeline's table with periods as columns, as ``period_table`` lays it out, each
    cell the row itself (numbers, not text); each case's quantities under its own heading row
    ('base', 'base, pue=1.2': a line without cells) where there are several."""
    order = report.source_ids
    labels = list(result.periods)
    whole = any(r.get("period") is None for r in rows)
    headed = len(result.cases) > 1
    groups: dict = {}
    for r in rows:
        name = r["quantity"] + (" (solved)" if r.get("solved") else "")
        case = ", ".join(t for t in (r["variant"], point_text(r["point"])) if t)
        groups.setdefault(case, {}).setdefault(name, []).append(r)
    lines = []
    for case, quantities in groups.items():
        if headed:
            lines.append(Line([case], []))
        for name, rs in quantities.items():
            cells: list = [None] * (len(labels) + whole)
            for r in rs:
                j = labels.index(r["period"]) if r.get("period") is not None else len(labels)
                cells[j] = r
            sids = {s for r in rs for s in r["sources"] if s in order}
            lines.append(Line([label(name, rs[0]["unit"])], cells,
                              sorted(order.index(s) + 1 for s in sids)))
    headers = [[p] for p in labels] + ([[WHOLE]] if whole else [])
    return [Block("", [["quantity"]], headers, lines)]


def numbering(order: list[str]):
    """A function giving the footnote numbers of source ids, numbering new ones in ``order``."""
    def notes(sids) -> list[int]:
        for s in sids:
            if s not in order:
                order.append(s)
        return sorted({order.index(s) + 1 for s in sids})

    return notes


def finish(result, blocks: list[Block], order: list[str], rows: list[dict]) -> Report:
    """The report of laid-out ``blocks``: checks once each (their sources numbered after the
    table's), defaults, values set on the command line, unsourced inputs."""
    notes = numbering(order)
    checks = []
    for chk, idx in check_groups(result):
        ref = notes([chk.source])[0] if chk.source else None
        checks.append(CheckLine(chk, compact.where(result, idx), ref))
    defaults = list(dict.fromkeys(d for r in rows for d in r["defaults"]))
    return Report(blocks, order, defaults, checks, given(result, "set on the command line"),
                  unsourced(result))


def check_groups(result) -> list[tuple[object, list[int]]]:
    """Each distinct check result (same claim, verdict and detail) with the row indices it holds
    for."""
    index = {(c.variant, point_text(c.point)): i for i, c in enumerate(result.cases)}
    groups: dict[tuple, tuple[object, list[int]]] = {}
    for chk in result.checks:
        key = (chk.says, chk.source, chk.that, chk.passed, chk.detail)
        groups.setdefault(key, (chk, []))[1].append(
            index.get((chk.variant, point_text(chk.point)), -1))
    return list(groups.values())


def given(result, origin: str) -> list[str]:
    """'pue = 1.3' for each value of ``origin`` any variant used, once."""
    out: list[str] = []
    for leaves in result.leaves:
        for name, v in leaves.items():
            if v.origin == origin and f"{name} = {describe(v)}" not in out:
                out.append(f"{name} = {describe(v)}")
    if origin == "set on the command line":      # a date that is no input: --set ledger_as_of
        out += [f"{name} = {day}" for name, day in getattr(result, "date_sets", ())]
    return out


def unsourced(result) -> list[str]:
    """'facility_power = 1 GW' for each value given with no source at all (``calc.evaluate``
    inputs)."""
    out: list[str] = []
    for leaves in result.leaves:
        for name, v in leaves.items():
            if is_unsourced(v) and f"{name} = {describe(v)}" not in out:
                out.append(f"{name} = {describe(v)}")
    return out


def describe(v) -> str:
    """'1.3', '[1.1, 1.4]', '1 GW'; a swept array as its values."""
    if np.ndim(v.central.magnitude):
        return ", ".join(f"{x:g}" for x in np.asarray(v.central.magnitude).ravel()[:6]) + \
            f" {format_unit(v.central.units)}".rstrip()
    return v.describe()


OVERRIDES_HEADING = "Set on the command line (instead of the scenario's value)"
UNSOURCED_HEADING = "Not sourced (given without a source; cite one before relying on it)"


def finding_where(f) -> str:
    """'base' or 'base, pue=1.2': the row a finding shows."""
    return ", ".join(t for t in (f.variant, point_text(f.point)) if t)


def finding_line(f, labelled: bool = True) -> str:
    """'unusual: pue = 12 is outside the typical 1-2 (base)': a finding's words (led by its kind
    unless ``labelled`` is False, where a mark says it) and the row it shows."""
    where = finding_where(f)
    text = f.labelled if labelled else f.detail
    return f"{text} ({where})" if where else text


def finding_mark(f) -> str:
    """'✗ impossible', '✗ unusual' (kinds that fail --strict) or '– undefined', '– note'."""
    return f"✗ {f.kind}" if f.fails else f"– {f.kind}"


FINDINGS_HEADING = ("Findings (figures outside what the quantity can physically or typically be, "
                    "or undefined)")


def check_where(chk) -> str:
    """'base' or 'base, pue=1.2': the case a check result is about."""
    return ", ".join(t for t in (chk.variant, point_text(chk.point)) if t)


def source_notes(result, sids: list[str]) -> list[Citation]:
    """The result's citation of each source id (built once by the run), in the order given."""
    return [SWEEP if sid == "sweep" and not getattr(result.citations.get(sid), "known", False) else
            result.citations[sid] if sid in result.citations else Citation(sid) for sid in sids]


SWEEP = Citation("sweep", publisher="the scenario", title="sweep: the values it runs over")


def safe_url(url: str | None) -> str | None:
    """``url`` if it is http(s), else None: a data file must not smuggle ``javascript:`` into a
    link."""
    if url and str(url).lower().startswith(("http://", "https://")):
        return str(url)
    return None


# -- sensitivity ---------------------------------------------------------------------------------

SENSITIVITY_HEADERS = ["case", "quantity", "input", "input 90 % range", "at input p05",
                       "at input p95", "swing", "rank corr."]


def sensitivity_records(result, top: int = 5) -> list[dict]:
    """The tornado rows worth showing: for every case (each variant at each sweep point), each
    quantity's ``top`` inputs by swing (inputs that do not move it are left out)."""
    frame = result.sensitivity_table
    if frame is None or frame.empty:
        return []
    keep = frame[(frame["swing"] > 0).to_numpy()]
    keep = keep.groupby(["variant", "point", "quantity"], sort=False, group_keys=False).head(top)
    return keep.to_dict("records")


def sensitivity_cells(rec: dict, result=None) -> list[str]:
    """One tornado row as display cells, as the result table shows the output (``result``): the
    unit in the header, the cells bare ('63.9' under '[%]', '$893B'); a date as its period label,
    the timeline's end as 'never' and its swing in years ('5 yr'; '≥ 2 yr' to or from never)."""
    unit, conv = rec["unit"], (lambda x: x)
    name = rec["quantity"].split(" (")[0]          # a timeline names its period: 'coverage (2033)'
    lo, hi, swing = rec["at_input_p05"], rec["at_input_p95"], rec["swing"]
    if name in DATE_OUTPUTS and result is not None:
        never = never_year(result)
        ends = [("never" if is_never(x, never) else result.axis.date_text(x)) for x in (lo, hi)]
        bound = "≥ " if "never" in ends else ""
        cells = ends + [f"{bound}{number(swing, digits=3)} yr"]
        unit = "date"
    else:
        if result is not None and name in result.central:
            conv = result.shown_unit(name)
            unit = conv.unit
        cells = [value_text(conv(x), unit) for x in (lo, hi, swing)]
    rho = rec["rank_corr"]
    return [" ".join(t for t in (rec["variant"], rec["point"]) if t),
            f"{rec['quantity']} [{unit}]" if unit else rec["quantity"], rec["input"],
            rec["input_range"]] + cells + ["-" if rho != rho else f"{rho:+.2f}"]


# -- periods as columns ----------------------------------------------------------------------------
# A result with periods laid out as a spreadsheet would: one column per period, one row per
# quantity.
# Variants and sweep points become row groups (their label cells lead each row). Quantities with one
# value per case (``funding_need``, ``break_even``) and solve rows fill a last ``timeline`` column.
# A date (``break_even``) is shown as its period's label, "never" when there is none, with the
# share of samples that never break even. The long layout (``wide=False``) has a period column.

WHOLE = "whole timeline"


def period_cell(result, row: dict) -> str:
    """A value cell: the central value (p05–p95); a date as a period label; a solve's no-solution
    share."""
    if row.get("unit") == "date" and row.get("solved"):         # a date input, solved
        text = year_text(row["value"]).replace("never", "no solution")
        if "p05" in row and row["p05"] is not None and math.isfinite(row["p05"]):
            lo, hi = year_text(row["p05"]), year_text(row["p95"])
            if (lo, hi) != (text, text):
                text += f" ({lo}–{hi})"
        if row.get("no_solution_share") and result.samples:
            text += f", none in {share(row['no_solution_share'])}"
        return text
    if row.get("unit") == "date":
        text = result.axis.date_text(row["value"])
        if "p05" in row and row.get("never_share", 1.0) < 1.0:
            lo, hi = result.axis.date_text(row["p05"]), result.axis.date_text(row["p95"])
            if (lo, hi) != (text, text):          # '2026', not '2026 (2026–2026)'
                text += f" ({lo})" if lo == hi else f" ({lo}–{hi})"
        # not 'never, never in 100 %'
        if row.get("never_share") and not (text == "never" and row["never_share"] >= 1.0):
            text += f", never in {share(row['never_share'])}"
        return text
    value = row["value"]
    if value is None or not math.isfinite(value):
        text = "no solution" if row.get("solved") else "-"
    else:
        text = value_text(value, row["unit"])
    if "p05" in row and row["p05"] is not None and math.isfinite(row["p05"]):
        low, high = value_text(row["p05"], row["unit"]), value_text(row["p95"], row["unit"])
        if text == "no solution":                   # the range is of the samples that have one
            text += f" (where one exists: {span(low, high)})"
        elif not low == high == text:               # a value that does not vary shows no range
            text += f" ({span(low, high)})"
    if row.get("solved") and row.get("no_solution_share") and result.samples:
        text += f", none in {share(row['no_solution_share'])}"
    return text


def period_table(result, rows: list[dict], wide: bool | None = None) -> Report:
    """The table of a timeline run: periods as columns (``wide``), or long rows with a period
    column."""
    order: list[str] = []
    notes = numbering(order)

    labels = list(result.periods)
    several = len(result.cases) > 1
    lines: list[Line] = []
    if wide is None or wide:
        one = any(r["period"] is None for r in rows)
        headers = [[p] for p in labels] + ([[WHOLE]] if one else [])
        groups: dict = {}
        for r in rows:
            name = r["quantity"] + (" (solved)" if r.get("solved") else "")
            key = (r["variant"], point_text(r["point"]), name)
            groups.setdefault(key, []).append(r)
        for (variant, point, name), rs in groups.items():
            cells = [""] * len(headers)
            for r in rs:
                j = labels.index(r["period"]) if r["period"] is not None else len(labels)
                cells[j] = period_cell(result, r)
            keys = ([variant, point] if several else []) + [label(name, rs[0]["unit"])]
            sids = list(dict.fromkeys(s for r in rs for s in r["sources"]))
            lines.append(Line(keys, cells, notes(sids)))
        key_headers = [[h] for h in (["variant", "point"] if several else []) + ["quantity"]]
        block = Block("", key_headers, headers, lines)
    else:
        for r in rows:
            name = r["quantity"] + (" (solved)" if r.get("solved") else "")
            lines.append(Line([r["variant"], point_text(r["point"]), r["period"] or WHOLE,
                                      name], [period_cell(result, r), r["unit"]],
                              notes(r["sources"])))
        block = Block("", [["variant"], ["point"], ["period"], ["quantity"]], [["value"], ["unit"]],
                      lines)
    return finish(result, [block], order, rows)


def solve_output(result, fmt: str = "table") -> str:
    """What ``calc solve`` prints: the solution rows, any no-solution findings and the run's
    findings (a bracket far beyond the input's typical range among them)."""
    rows = result.rows(tables=fmt not in ("json", "csv"))     # text in display units (% for growth)
    solved = [r for r in rows if r.get("solved")]
    findings = [c for c in result.checks if c.says.startswith("solve ")]
    if fmt == "json":
        return dumps({"scenario": result.scenario or None, "samples": result.samples,
                      "seed": result.seed,
                      "rows": solved, "checks": [c.to_json() for c in findings],
                      "findings": [f.to_json() for f in result.findings]})
    if fmt == "csv":
        pd = need("pandas")
        keep = ["variant", "point", "quantity", "solved", "value", "unit", "p05", "p50", "p95",
                "no_solution_share"]
        frame = pd.DataFrame([{k: (point_text(r[k]) if k == "point" else r.get(k)) for k in keep}
                              for r in solved], columns=keep)
        if not result.samples:
            frame = frame.drop(columns=["p05", "p50", "p95"])
        return frame.to_csv(index=False)
    out = [run_line(result)]
    if result.samples:
        out.append(sampling_line(result))
    out.append("")
    for r in solved:
        where = " ".join(t for t in (r["variant"], point_text(r["point"])) if t)
        # unit as headers
        out.append(f"{label(r['quantity'], r['unit'])} ({where}) = {period_cell(result, r)}")
    for c in findings:
        out.append(f"finding ({check_where(c)}): {c.detail}")
    out += [f"{'finding' if f.fails else 'note'}: {finding_line(f)}" for f in result.findings]
    return "\n".join(out) + "\n"
