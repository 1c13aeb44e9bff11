"""What every result writer shares: cell text, the report (table blocks, checks once, overrides,
unsourced inputs, footnote numbers), citations and the tornado rows.

Every format shows the same facts in the same wide layout (``calc.output.compact``). Sources are
numbered in the order a reader meets them: down the table, then the checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from calc.citations import Citation, is_unsourced
from calc.output import compact
from calc.output.compact import Block, Line, label, point_text  # noqa: F401 -- writers use them from here
from calc.format import money, number, quantity


def value_text(x: float | None, unit: str) -> str:
    """A number for a cell whose header carries the unit: '400,000', money as '$30.0B'."""
    if x is None:
        return "-"
    return money(x) if unit == "USD" or unit.startswith("USD/") else number(x, digits=3)


def cell_text(row: dict, sep: str = "–") -> str:
    """'400,000'; sampled, '400,000 (356,190–453,756)', with the median first where it reads
    differently from the central value: '1.21 (p50 1.22; 1.07–1.36)'."""
    unit = row["unit"]
    text = value_text(row["value"], unit)
    if "p05" in row:
        spread = f"{value_text(row['p05'], unit)}{sep}{value_text(row['p95'], unit)}"
        p50 = value_text(row.get("p50"), unit)
        if spread == f"{text}{sep}{text}" and p50 in (text, "-"):      # a value that does not vary
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
    """'nvidia-1gw — Anthropic's 1 GW NVIDIA commitment' (or the outputs when run without a scenario)."""
    return " — ".join(t for t in (result.scenario, result.title) if t) or "calc: " + ", ".join(result.shown)


def sampling_line(result) -> str:
    """'2,000 samples, seed 1; cells show ...'; '' when not sampled."""
    if not result.samples:
        return ""
    seed = "no seed (draws differ from run to run)" if result.seed is None else f"seed {result.seed}"
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
    """A result laid out for drawing: the blocks of the wide table, then every fact the writers show."""

    blocks: list[Block]
    source_ids: list[str]           # footnote k is source_ids[k - 1]
    defaults: list[str]             # 'mfu (default)': inputs that fell back to the registry
    checks: list[CheckLine]
    overrides: list[str]            # 'pue = 1.3': values set on the command line
    unsourced: list[str]            # 'facility_power = 1 GW': library inputs given without a source


def build(result, rows: list[dict] | None = None, wide: bool | None = None) -> Report:
    """Lay ``result`` out (``calc.output.compact``; a timeline with periods as columns,
    ``calc.output.periods``) and number its sources: table, then checks."""
    rows = result.rows(tables=True) if rows is None else rows
    if getattr(result, "timeline", None) is not None:      # periods as columns, as in a spreadsheet
        return result.timeline.table(result, rows, wide)
    order: list[str] = []
    laid = compact.blocks(result, rows, cell_text, numbering(order))
    return finish(result, laid, order, rows)


def numbering(order: list[str]):
    """A function giving the footnote numbers of source ids, numbering new ones in ``order``."""
    def notes(sids) -> list[int]:
        for s in sids:
            if s not in order:
                order.append(s)
        return sorted({order.index(s) + 1 for s in sids})

    return notes


def finish(result, blocks: list[Block], order: list[str], rows: list[dict]) -> Report:
    """The report of laid-out ``blocks``: checks once each (their sources numbered after the table's),
    defaults, values set on the command line, unsourced inputs."""
    notes = numbering(order)
    checks = []
    for chk, idx in check_groups(result):
        ref = notes([chk.source])[0] if chk.source else None
        checks.append(CheckLine(chk, compact.where(result, idx), ref))
    defaults = list(dict.fromkeys(d for r in rows for d in r["defaults"]))
    return Report(blocks, order, defaults, checks, given(result, "set on the command line"), unsourced(result))


def check_groups(result) -> list[tuple[object, list[int]]]:
    """Each distinct check result (same claim, verdict and detail) with the row indices it holds for."""
    index = {(c.variant, point_text(c.point)): i for i, c in enumerate(result.cases)}
    groups: dict[tuple, tuple[object, list[int]]] = {}
    for chk in result.checks:
        key = (chk.says, chk.source, chk.that, chk.passed, chk.detail)
        groups.setdefault(key, (chk, []))[1].append(index.get((chk.variant, point_text(chk.point)), -1))
    return list(groups.values())


def given(result, origin: str) -> list[str]:
    """'pue = 1.3' for each value of ``origin`` any variant used, once."""
    out: list[str] = []
    for leaves in result.leaves:
        for name, v in leaves.items():
            if v.origin == origin and f"{name} = {describe(v)}" not in out:
                out.append(f"{name} = {describe(v)}")
    return out


def unsourced(result) -> list[str]:
    """'facility_power = 1 GW' for each value given with no source at all (``calc.evaluate`` inputs)."""
    out: list[str] = []
    for leaves in result.leaves:
        for name, v in leaves.items():
            if is_unsourced(v) and f"{name} = {describe(v)}" not in out:
                out.append(f"{name} = {describe(v)}")
    return out


def describe(v) -> str:
    """'1.3', '[1.1, 1.4]', '1 GW'; a swept array as its values."""
    if np.ndim(v.central.magnitude):
        from calc.units import format_unit

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


FINDINGS_HEADING = "Findings (figures outside what the quantity can physically or typically be)"


def check_where(chk) -> str:
    """'base' or 'base, pue=1.2': the case a check result is about."""
    return ", ".join(t for t in (chk.variant, point_text(chk.point)) if t)


def source_notes(result, sids: list[str]) -> list[Citation]:
    """The result's citation of each source id (built once by the run), in the order given."""
    return [SWEEP if sid == "sweep" and not getattr(result.citations.get(sid), "known", False) else
            result.citations[sid] if sid in result.citations else Citation(sid) for sid in sids]


SWEEP = Citation("sweep", publisher="the scenario", title="sweep: the values it runs over")


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


def sensitivity_cells(rec: dict, result=None) -> list[str]:
    """One tornado row as display cells, in the unit the table shows the output in (``result``)."""
    unit, conv = rec["unit"], (lambda x: x)
    name = rec["quantity"].split(" (")[0]          # a timeline names its period: 'coverage (2033)'
    if result is not None and name in result.central:
        conv = result.shown_unit(name)
        unit = conv.unit
    rho = rec["rank_corr"]
    return [" ".join(t for t in (rec["variant"], rec["point"]) if t), f"{rec['quantity']} [{unit}]" if unit
            else rec["quantity"], rec["input"], rec["input_range"], quantity(conv(rec["at_input_p05"]), unit),
            quantity(conv(rec["at_input_p95"]), unit), quantity(conv(rec["swing"]), unit),
            "-" if rho != rho else f"{rho:+.2f}"]
