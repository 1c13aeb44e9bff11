"""What every result writer shares: wide or long layout, cell text, footnote numbers, citations.

A result with at most ``MAX_WIDE_CASES`` cases is drawn wide (one row per quantity, one column per
case); more cases are drawn long (one row per case x quantity). Sources are numbered in the order
a reader meets them: down the table, then the checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from calc.citations import Citation
from calc.output.format import money, number, quantity

MAX_WIDE_CASES = 6


def value_text(x: float | None, unit: str) -> str:
    """A number for a cell whose header carries the unit: '400,000', money as '$30.0B'."""
    if x is None:
        return "-"
    return money(x) if unit == "USD" or unit.startswith("USD/") else number(x, digits=3)


def cell_text(row: dict, sep: str = "–") -> str:
    """'400,000', or '400,000 (356,190–453,756)' when the row carries p05/p95."""
    text = value_text(row["value"], row["unit"])
    if "p05" in row:
        text += f" ({value_text(row['p05'], row['unit'])}{sep}{value_text(row['p95'], row['unit'])})"
    return text


def figure_value(fig) -> str:
    """A registry figure's value for a table: '1,000', a range as '1.1–1.4', money as '$4.00B'."""
    j = fig.to_json()
    if j["low"] is not None:
        return f"{value_text(j['low'], j['unit'])}–{value_text(j['high'], j['unit'])}"
    return value_text(j["value"], j["unit"])


def label(name: str, unit: str) -> str:
    """'chips [chip]'; a plain number has no brackets."""
    return f"{name} [{unit}]" if unit else name


def point_text(point: dict) -> str:
    """'pue=1.2, mfu=0.4'; '' without a sweep."""
    return ", ".join(f"{k}={v}" for k, v in point.items())


def run_line(result) -> str:
    """'nvidia-1gw — Anthropic's 1 GW NVIDIA commitment' (or the outputs when run without a scenario)."""
    return " — ".join(t for t in (result.scenario, result.title) if t) or "calc: " + ", ".join(result.shown)


def sampling_line(result) -> str:
    """'2,000 samples, seed 1; cells show the central value (p05–p95)'; '' when not sampled."""
    if not result.samples:
        return ""
    return (f"{result.samples:,} samples, seed {result.seed}; "
            "cells show the central value (5th–95th percentile)")


@dataclass
class Line:
    """One table row: its label cells, one value cell per column, the footnote numbers."""

    keys: list[str]
    cells: list[str]
    notes: list[int] = field(default_factory=list)


@dataclass
class Table:
    """A result laid out for drawing: headers (one or two lines), rows, footnote order."""

    wide: bool
    key_headers: list[str]          # the label columns: ['quantity'] or ['variant', 'point', 'quantity']
    value_headers: list[list[str]]  # per value column, its header lines
    lines: list[Line]
    source_ids: list[str]           # footnote k is source_ids[k - 1]
    defaults: list[str]


def build(result, rows: list[dict] | None = None, wide: bool | None = None) -> Table:
    """Lay ``result`` out and number its sources (rows, then checks).

    ``wide`` None: wide for at most ``MAX_WIDE_CASES`` cases, else long.
    """
    rows = result.rows(tables=True) if rows is None else rows
    if getattr(result, "timeline", None) is not None:      # periods as columns, as in a spreadsheet
        return result.timeline.table(result, rows, wide)
    order: list[str] = []

    def notes(sids) -> list[int]:
        for s in sids:
            if s not in order:
                order.append(s)
        return sorted({order.index(s) + 1 for s in sids})

    n_cases, shown = len(result.cases), list(result.shown)
    by_case = {(k // max(1, len(shown)), r["quantity"]): r for k, r in enumerate(rows)}
    lines: list[Line] = []
    if wide is None:
        wide = n_cases <= MAX_WIDE_CASES
    if wide:
        sweep = any(c.point for c in result.cases)
        headers = [[c.variant] + ([point_text(c.point)] if sweep else []) for c in result.cases]
        for name in shown:
            case_rows = [by_case[(i, name)] for i in range(n_cases)]
            sids = [s for r in case_rows for s in r["sources"]]
            lines.append(Line([label(name, case_rows[0]["unit"])], [cell_text(r) for r in case_rows],
                              notes(list(dict.fromkeys(sids)))))
        keys = ["quantity"]
    else:
        for r in rows:
            lines.append(Line([r["variant"], point_text(r["point"]), r["quantity"]],
                              [cell_text(r), r["unit"]], notes(r["sources"])))
        keys, headers = ["variant", "point", "quantity"], [["value"], ["unit"]]
    for chk in result.checks:
        if chk.source:
            notes([chk.source])
    defaults = list(dict.fromkeys(d for r in rows for d in r["defaults"]))
    return Table(wide, keys, headers, lines, order, defaults)


def finding_where(f) -> str:
    """'base' or 'base, pue=1.2': the row a finding shows."""
    return ", ".join(t for t in (f.variant, point_text(f.point)) if t)


FINDINGS_HEADING = "Findings (computed figures outside what the quantity can physically be)"


def check_where(chk) -> str:
    """'base' or 'base, pue=1.2': the case a check result is about."""
    return ", ".join(t for t in (chk.variant, point_text(chk.point)) if t)


SourceNote = Citation      # the one citation model (calc.citations); the old name is kept for writers


def source_notes(result, sids: list[str]) -> list[Citation]:
    """The result's citation of each source id (built once by the run), in the order given."""
    return [result.citations[sid] if sid in result.citations else Citation(sid) for sid in sids]


def safe_url(url: str | None) -> str | None:
    """``url`` if it is http(s), else None: a data file must not smuggle ``javascript:`` into a link."""
    if url and str(url).lower().startswith(("http://", "https://")):
        return str(url)
    return None


# -- sensitivity ---------------------------------------------------------------------------------

SENSITIVITY_HEADERS = ["case", "quantity", "input", "input 90 % range", "at input p05", "at input p95",
                       "swing", "rank corr."]


def sensitivity_records(result, top: int = 5) -> list[dict]:
    """The tornado rows worth showing: each variant's first sweep point, each quantity's ``top``
    inputs by swing (inputs that do not move it are left out)."""
    frame = result.sensitivity_table
    if frame is None or frame.empty:
        return []
    firsts = {(result.cases[i].variant, point_text(result.cases[i].point)) for i in result.first_rows()}
    first = np.array([(v, p) in firsts for v, p in zip(frame["variant"], frame["point"])], dtype=bool)
    keep = frame[first & (frame["swing"] > 0).to_numpy()]
    keep = keep.groupby(["variant", "point", "quantity"], sort=False, group_keys=False).head(top)
    return keep.to_dict("records")


def sensitivity_cells(rec: dict) -> list[str]:
    """One tornado row as display cells (values formatted with the output's unit)."""
    unit = rec["unit"]
    rho = rec["rank_corr"]
    return [" ".join(t for t in (rec["variant"], rec["point"]) if t), f"{rec['quantity']} [{unit}]" if unit
            else rec["quantity"], rec["input"], rec["input_range"], quantity(rec["at_input_p05"], unit),
            quantity(rec["at_input_p95"], unit), quantity(rec["swing"], unit),
            "-" if rho != rho else f"{rho:+.2f}"]
