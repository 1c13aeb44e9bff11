"""The xlsx model sheets: each variant's model as spreadsheet formulas an analyst can change.

One sheet per variant (``model``, ``model <variant>``). Inputs come first, one row each (a series
input, a row of period cells), each a sheet-scoped named range styled as an input and commented
with its sources' quotes and its note; then every intermediate and output quantity in the plan's
dependency order, each a formula (on a timeline, one per period) written from the Excel form
beside its model (``excel=`` on ``@formula``, calc.models._formula) or, for a ``derive``, from its
expression tree. A cell holds the magnitude in the unit written beside it; factors between that
unit and the model's own appear in the formulas. Where there is no formula form (a solve's answer,
a model that declares none) the cell holds calc's value, styled apart, with a comment saying
"value, not a formula" and why; the sheet lists those cells, and the outputs resting on them, at
its top.

``model_layouts(result)`` lays the sheets out without openpyxl and refuses (CalcError) an export
beyond the limits below, before anything is written; ``write_model_sheets(wb, layouts)`` writes
them.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pint

from calc.display import shown
from calc.errors import CalcError
from calc.glossary import unit_of
from calc.optional import need
from calc.models.revenue import month_nodes
from calc.units import Q, parse_unit, ureg
from calc.values import DATE_OUTPUTS, PER_PERIOD

MAX_SHEETS = 200                 # model sheets in one workbook
MAX_FORMULAS = 1_000_000         # formula cells over all model sheets
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384    # one sheet's size in Excel
FIRST = 3                        # column C: the value, or the first period
HEAD = 6                         # the header row; quantities start below it
VALUE_NOTE = "value, not a formula"
SPREAD = ("commitment_spend", "raises")    # per period from scalar amounts (calc.values)
_PLACE = re.compile(r"\{(?:(row|cells|one|first|prev):)?([A-Za-z_]\w*)"   # {kind:name
                    r"(?:\|([A-Za-z_]\w*))?(?:@([^{}]+))?\}"              # |init @unit}
                    r"|\{periods:([^{}]+)\}|\{gauss:(nodes|weights)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")       # a name Excel accepts
_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[RrCc]|[Rr][0-9]*[Cc][0-9]*)$")


@dataclass
class Line:
    """One quantity's row on a model sheet."""

    name: str
    kind: str                    # input | formula | value
    unit: str                    # the unit written beside it
    values: list                 # calc's central values in that unit (one, or one per period)
    formulas: list | None = None   # the cells' formulas ("=..."), one per value
    how: str = ""                # the model as a reader writes it
    source: str = ""
    comment: str = ""
    sweep: list = field(default_factory=list)
    row: int = 0


@dataclass
class Layout:
    """One model sheet, laid out."""

    title: str
    variant: str
    periods: tuple
    lines: list
    value_cells: list            # names held as values
    resting: list               # outputs resting on a value cell

    def formula_count(self) -> int:
        return sum(len(ln.formulas) for ln in self.lines if ln.formulas)


def _col(c: int) -> str:
    """Column letters of column number ``c`` (1 = A)."""
    s = ""
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def _num(x: float) -> str:
    """A factor as formula text: shortest exact form."""
    return repr(float(x)).replace("e+", "E").replace("e-", "E-")


@functools.lru_cache(maxsize=4096)
def _factor(a, b) -> float:
    """Magnitude of 1 ``a`` in ``b``."""
    return float(Q(1.0, a).to(b).magnitude)


class _Sheet:
    """References between the rows of one model sheet, with unit factors."""

    def __init__(self, result, per_period: set, lines: dict):
        self.result, self.per_period, self.lines = result, per_period, lines
        self._shown: dict = {}

    def cell(self, name: str, j: int) -> str:
        """``name``'s cell in period ``j``: its sheet-scoped name where it has one value."""
        row = self.lines[name].row
        if name in self.per_period:
            return f"{_col(FIRST + j)}{row}"
        return f"${_col(FIRST)}${row}" if _CELL_LIKE.match(name) else name

    def row_range(self, name: str) -> str:
        ln, count = self.lines[name], len(self.lines[name].values)
        return f"${_col(FIRST)}${ln.row}:${_col(FIRST + count - 1)}${ln.row}"

    def cell_scale(self, name: str) -> tuple:
        """(stored unit, cell value / stored magnitude) for ``name``."""
        unit = self.result.units[name]
        return unit, self.shown(name).factor

    def shown(self, name):
        """How tables show ``name`` (calc.display.Shown), once per name."""
        if name not in self._shown:
            self._shown[name] = shown(name, self.result.units[name], None, self.result.display,
                                      tables=True)
        return self._shown[name]

    def ref(self, name: str, j: int, to_unit) -> str:
        """``name`` in period ``j`` as a magnitude in ``to_unit`` (None: its stored unit)."""
        if name not in self.lines:
            raise KeyError(name)
        unit, scale = self.cell_scale(name)
        f = (1.0 / scale) * (_factor(unit, to_unit) if to_unit is not None else 1.0)
        text = self.cell(name, j)
        return text if f == 1.0 else f"({text}*{_num(f)})"

    def template(self, text: str, j: int, count: int) -> str:
        """An Excel-form template (calc.models._formula) in period ``j`` of ``count``."""

        def sub(m):
            kind, name, init, target, numbers, gauss = m.groups()
            if numbers is not None:
                return _num(float(numbers.split(";")[j]))
            if gauss is not None:                         # the quadrature's nodes in period j
                start, end = (self.lines[n].values[j] for n in ("period_start", "period_end"))
                nodes = month_nodes(round((end - start) * 12))[gauss == "weights"]
                return "{" + ",".join(_num(x) for x in nodes) + "}"
            if name == "scale" and not kind:
                return m.group(0)
            if name not in self.lines:
                raise KeyError(name)
            glossary = target or unit_of(name)
            unit, scale = self.cell_scale(name)
            f = (1.0 / scale) * (_factor(unit, glossary) if glossary else 1.0)
            times = "" if f == 1.0 else f"*{_num(f)}"
            if kind == "one":                             # 1 [glossary unit] in the cells
                return _num(1.0 / f)
            if kind == "cells":                           # the row as written, no factor
                return self.row_range(name)
            if kind == "row" and name not in self.per_period:
                return self.ref(name, 0, glossary)
            if kind == "row":
                return f"({self.row_range(name)}{times})" if times else self.row_range(name)
            if kind == "first":
                return f"(${_col(FIRST)}${self.lines[name].row}{times})"
            if kind == "prev":
                if j == 0:
                    return self.ref(init, 0, unit_of(init)) if init else "0"
                return f"({_col(FIRST + j - 1)}{self.lines[name].row}{times})"
            return self.ref(name, j, glossary)

        return _PLACE.sub(sub, text)

    def expr(self, node, j: int):
        """A derive's expression tree as (Excel text, pint unit of its magnitude)."""
        match node:
            case ("literal", value):
                return f"({_num(float(value.magnitude))})", value.units
            case ("name", name):
                return self.ref(name, j, None), self.result.units[name]
            case ("unary", op, sub):
                text, unit = self.expr(sub, j)
                return (f"(-{text})" if op == "-" else text), unit
            case ("arith", first, rest):
                text, unit = self.expr(first, j)
                text, unit = _plain(text, unit) if rest[0][0] in "*/" else (text, unit)
                for op, sub in rest:
                    t2, u2 = self.expr(sub, j)
                    if op in "+-":
                        f = _factor(u2, unit)
                        text = f"({text}{op}{t2 if f == 1.0 else f'{t2}*{_num(f)}'})"
                    else:
                        text, unit = _plain(text, unit)
                        t2, u2 = _plain(t2, u2)
                        text = f"({text}{op}{t2})"
                        q = Q(1.0, unit) * Q(1.0, u2) if op == "*" else Q(1.0, unit) / Q(1.0, u2)
                        unit = q.units
                return text, unit
            case ("power", base, exponent):
                bt, bu = self.expr(base, j)
                et, eu = _plain(*self.expr(exponent, j))
                if eu != ureg.dimensionless:
                    raise KeyError("an exponent with a unit")
                if Q(1.0, bu).dimensionless:
                    bt, bu = _plain(bt, bu)
                    return f"({bt}^{et})", bu
                if exponent[0] != "literal":
                    raise KeyError("a quantity with a unit raised to a computed power")
                return f"({bt}^{et})", (Q(1.0, bu) ** float(exponent[1].magnitude)).units
            case ("call", fn, args):
                parts = [self.expr(a, j) for a in args]
                if fn in ("min", "max"):
                    u = parts[0][1]
                    texts = [t if _factor(pu, u) == 1.0 else f"{t}*{_num(_factor(pu, u))}"
                             for t, pu in parts]
                    return f"{fn.upper()}({','.join(texts)})", u
                t, u = parts[0]
                if fn == "abs":
                    return f"ABS({t})", u
                if fn == "sqrt":
                    return f"SQRT({t})", (Q(1.0, u) ** 0.5).units
                t, u = _plain(t, u)
                return f"{'LN' if fn == 'log' else 'EXP'}({t})", u
        raise KeyError(f"{node[0]} in a derive")


def _plain(text: str, unit):
    """A dimensionless magnitude converted to a plain number (2 GW x 50 %: 1 GW)."""
    if Q(1.0, unit).dimensionless and unit != ureg.dimensionless:
        return f"({text}*{_num(_factor(unit, ureg.dimensionless))})", ureg.dimensionless
    return text, unit


# -- laying a variant's sheet out -----------------------------------------------------------------

def _central(result, plan, i: int) -> dict:
    """Every name's central value in row ``i``, as pint quantities: the result's where it has them
    (outputs), else the plan evaluated at the central inputs (intermediates)."""
    env = {n: v.central for n, v in result.leaf_values(i).items()}
    for name in plan.order:
        if name in result.central:
            c = result.central[name][i]
            env[name] = Q(np.ravel(c)[0] if name in result.timeless else c, result.units[name])
            continue
        f = plan.steps[name].formula
        try:
            env[name] = f.func(**{k: env[k] for k in f.inputs})
        except Exception:  # noqa: BLE001 - a value the sheet cannot show is left empty
            env[name] = None
    return env


def _magnitudes(q, unit, scale: float, count: int | None) -> list:
    if q is None:
        return [None] * (count or 1)
    m = np.ravel(np.asarray(Q(q).to(unit).magnitude, dtype=float)) * scale
    m = m if count is None else m[:count]          # a scalar on a timeline: its one value
    return [None if not math.isfinite(x) else float(x) for x in m]


def _sources_text(result, value) -> tuple[str, str]:
    """(source ids, comment: each source's title and quote, then the note)."""
    parts = []
    for sid in value.sources:
        cit = result.citations.get(sid)
        info = cit.to_json() if cit is not None else {}
        quote = info.get("quote")
        title = ", ".join(str(x) for x in (info.get("publisher"), info.get("title"),
                                            info.get("date")) if x)
        parts.append(f"{sid}: {title}" + (f'\n"{quote}"' if quote else ""))
    if value.origin not in ("input", "figure", "sweep", "over_time", "set on the command line"):
        parts.append(f"origin: {value.origin}")
    if value.note:
        parts.append(f"note: {value.note}")
    given = ("the scenario's timeline" if value.origin == "timeline"
             else f"not sourced ({value.origin})")
    return ", ".join(value.sources) or given, "\n".join(parts) or given


def _per_period(plan, leaves, timeless, timeline: bool) -> set:
    if not timeline:
        return set()
    out = {n for n, v in leaves.items() if v.origin in PER_PERIOD}
    for name in plan.order:
        f = plan.steps[name].formula
        if name not in timeless and (any(i in out for i in f.inputs) or name in SPREAD):
            out.add(name)
    return out


def layout(result, c: int) -> Layout:
    """The model sheet of variant ``c`` (a case_list index), evaluated at its first row."""
    plan = result.plans[c]
    i = int(result.cases.offsets[c])
    leaves = result.leaf_values(i)
    timeline = bool(result.periods)
    count = len(result.periods) if timeline else 1
    per = _per_period(plan, leaves, result.timeless, timeline)
    env = _central(result, plan, i)
    order = list(dict.fromkeys(
        [n for name in plan.order for n in plan.steps[name].formula.inputs
         if plan.steps[n].formula is None] + plan.leaves()))
    lines: dict[str, Line] = {}
    sheet = _Sheet(result, per, lines)
    row = HEAD + 1
    for name in order:
        v = leaves[name]
        unit, scale = sheet.cell_scale(name)
        shown_unit = sheet.shown(name).unit
        src, comment = _sources_text(result, v)
        sweep = []
        whole = result.leaves[c][name].central
        if v.origin == "sweep" or (np.ndim(whole.magnitude) and v.origin not in PER_PERIOD):
            sweep = _magnitudes(whole, unit, scale, None)
        if v.origin == "timeline" or name == "arr_as_of":       # a date, as a decimal year
            shown_unit = "decimal year"
        n = count if name in per else 1
        lines[name] = Line(name, "input", shown_unit, _magnitudes(env[name], unit, scale, n),
                           source=src, comment=comment, sweep=sweep, row=row)
        row += 1
    value_cells, resting = [], []
    for name in plan.order:
        f = plan.steps[name].formula
        unit, scale = sheet.cell_scale(name)
        shown_unit = "decimal year" if name in DATE_OUTPUTS else sheet.shown(name).unit
        n = count if name in per else 1
        ln = Line(name, "formula", shown_unit, _magnitudes(env[name], unit, scale, n),
                  how=f.text, row=row)
        lines[name] = ln
        row += 1
        why = _formulas(sheet, ln, f, n, unit, scale)
        if why:
            ln.kind, ln.formulas, ln.comment = "value", None, f"{VALUE_NOTE}: {why}"
            value_cells.append(name)
    for sol in (r for r in result.solutions if r["case"] == i):
        name = f"{sol['quantity']} (solved)"
        conv = shown(sol["quantity"], parse_unit(sol["unit"]), None, result.display, tables=True)
        lines[name] = Line(name, "value", conv.unit, [None if sol["value"] is None
                                                      else float(conv(sol["value"]))],
                           how="solve", row=row,
                           comment=f"{VALUE_NOTE}: calc solves for this input (goal seek, "
                           f"{sol.get('evaluations')} evaluations of the model), the value that "
                           "meets the scenario's solve target; type it into the input to try it")
        value_cells.append(name)
        row += 1
    rest = set(value_cells)
    for name in plan.order:
        if name not in rest and any(i in rest for i in plan.steps[name].formula.inputs):
            rest.add(name)
            resting.append(name)
    variants = list(dict.fromkeys(k.variant for k in result.case_list))
    variant = result.case_list[c].variant
    title = "model" if variant == variants[0] else f"model {variant}"
    title = re.sub(r"[\[\]:*?/\\]", "-", title)[:31]
    return Layout(title, variant, result.periods, list(lines.values()), value_cells, resting)


def _formulas(sheet: _Sheet, ln: Line, f, count: int, unit, scale: float) -> str | None:
    """Fill ``ln.formulas``; return why there are none (the cell then holds the value)."""
    if f.excel is None:
        return f.no_excel or f"calc computes {f.name} in Python and gives no spreadsheet form"
    try:
        if isinstance(f.excel, str):
            glossary = unit_of(ln.name)
            g = scale * (_factor(glossary, unit) if glossary else 1.0)
            texts = [sheet.template(f.excel, j, count) for j in range(count)]
            if ln.name in DATE_OUTPUTS:
                g = 1.0
            if "{scale}" in f.excel:                 # the form says where the factor goes
                texts = [t.replace("{scale}", "" if g == 1.0 else f"*{_num(g)}") for t in texts]
                g = 1.0
        else:
            texts, g = [], None
            for j in range(count):
                text, u = sheet.expr(f.excel.tree, j)
                g = scale * _factor(u, unit)
                texts.append(text)
    except KeyError as exc:
        return f"its Excel form needs {exc.args[0]}, which this sheet does not hold"
    except pint.PintError as exc:
        return f"its units could not be converted ({exc})"
    ln.formulas = ["=" + (t if g == 1.0 else f"({t})*{_num(g)}") for t in texts]
    return None


def model_layouts(result) -> list[Layout]:
    """Every variant's model sheet, laid out; a CalcError (nothing written) beyond the limits."""
    variants = len(result.case_list)
    if variants > MAX_SHEETS:
        raise CalcError(f"xlsx: {variants} variants would need {variants} model sheets, beyond the "
                        f"limit of {MAX_SHEETS} model sheets; export fewer variants, or use "
                        "--format csv")
    out, formulas, titles = [], 0, set()
    for c in range(variants):
        lay = layout(result, c)
        while lay.title.lower() in titles:             # variants alike in their first 31 letters
            lay.title = f"{lay.title[:27]} {c + 1}"
        titles.add(lay.title.lower())
        width = FIRST + max(len(result.periods), 1) + 2 + max(
            [len(ln.sweep) for ln in lay.lines] or [0])
        if width > MAX_COLUMNS:
            raise CalcError(f"xlsx: the model sheet {lay.title!r} needs {width} columns, beyond a "
                            f"sheet's limit of {MAX_COLUMNS:,} columns; use fewer periods or "
                            "sweep points, or --format csv")
        if HEAD + len(lay.lines) > MAX_ROWS:
            raise CalcError(f"xlsx: the model sheet {lay.title!r} needs {HEAD + len(lay.lines)} "
                            f"rows, beyond a sheet's limit of {MAX_ROWS:,} rows; use --format csv")
        formulas += lay.formula_count()
        if formulas > MAX_FORMULAS:
            raise CalcError(f"xlsx: the model sheets need more than {MAX_FORMULAS:,} formula "
                            f"cells, beyond the limit of {MAX_FORMULAS:,} formula cells; use a "
                            "shorter timeline or fewer variants, or --format csv")
        out.append(lay)
    return out


# -- writing ---------------------------------------------------------------------------------------

def write_model_sheets(wb, layouts: list[Layout]) -> None:
    """Add each laid-out model sheet to the openpyxl workbook ``wb``."""
    for lay in layouts:
        _write(wb, lay)


def _write(wb, lay: Layout) -> None:
    styles = need("openpyxl.styles", "xlsx")
    Comment = need("openpyxl.comments", "xlsx").Comment
    DefinedName = need("openpyxl.workbook.defined_name", "xlsx").DefinedName
    quote_sheetname = need("openpyxl.utils", "xlsx").quote_sheetname
    bold = styles.Font(bold=True)
    input_fill = styles.PatternFill("solid", fgColor="FFF2CC")
    input_font = styles.Font(color="0000FF")
    value_fill = styles.PatternFill("solid", fgColor="D9D9D9")
    ws = wb.create_sheet(lay.title)
    count = max(len(lay.periods), 1)
    ws.cell(1, 1, f"{lay.title}: variant {lay.variant}. Yellow cells are the inputs to edit; "
            "every other number is a formula over them, in the unit written beside it.").font = bold
    ws.cell(2, 1, f"{VALUE_NOTE} (see each cell's comment): "
            + (", ".join(lay.value_cells) or "none"))
    ws.cell(3, 1, "outputs resting on a value cell (they do not follow the inputs): "
            + (", ".join(lay.resting) or "none"))
    heads = ["quantity", "unit"] + (list(lay.periods) or ["value"]) + ["model", "source",
                                                                       "sweep values"]
    for k, h in enumerate(heads, start=1):
        ws.cell(HEAD, k, h).font = bold
    ws.freeze_panes = ws.cell(HEAD + 1, FIRST)
    scoped = quote_sheetname(lay.title)
    for ln in lay.lines:
        ws.cell(ln.row, 1, ln.name)
        ws.cell(ln.row, 2, ln.unit).data_type = "s"
        for j, x in enumerate(ln.values):
            if ln.formulas:
                cell = ws.cell(ln.row, FIRST + j, ln.formulas[j])
            else:
                cell = ws.cell(ln.row, FIRST + j, "never" if x is None and ln.name in DATE_OUTPUTS
                               else x)
                if cell.value == "never":           # right, as the dates beside it
                    cell.alignment = styles.Alignment(horizontal="right")
                if ln.kind == "input":
                    cell.fill, cell.font = input_fill, input_font
                else:
                    cell.fill = value_fill
            if ln.comment and (ln.kind != "formula") and j == 0:
                cell.comment = Comment(ln.comment[:30000], "calc", width=400, height=200)
        after = FIRST + count
        ws.cell(ln.row, after, ln.how).data_type = "s"
        ws.cell(ln.row, after + 1, ln.source).data_type = "s"
        for k, x in enumerate(ln.sweep):
            ws.cell(ln.row, after + 2 + k, x)
        if _NAME.match(ln.name) and not _CELL_LIKE.match(ln.name):
            last = _col(FIRST + len(ln.values) - 1)
            ref = f"{scoped}!${_col(FIRST)}${ln.row}" + (f":${last}${ln.row}"
                                                         if len(ln.values) > 1 else "")
            ws.defined_names[ln.name] = DefinedName(ln.name, attr_text=ref)
    # as wide as the names and units (so fewer pages across when printed); a number in General
    # format shows 11 characters (213000000000 or 2.13E+11)
    names, units = [len(ln.name) for ln in lay.lines], [len(ln.unit or "") for ln in lay.lines]
    ws.column_dimensions["A"].width = min(30, max(names + [8]) + 2)
    ws.column_dimensions["B"].width = min(14, max(units + [4]) + 2)
    for j in range(count):
        ws.column_dimensions[_col(FIRST + j)].width = 13
    ws.column_dimensions[_col(FIRST + count)].width = 40        # model: cut short where the
    ws.column_dimensions[_col(FIRST + count + 1)].width = 24    # source beside it has text
