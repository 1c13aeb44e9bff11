"""The wide layout every table format shares: each quantity shown once, as few columns as it needs.

A run has rows (variant x sweep point). Each shown quantity goes to the first block that fits it:

1. **varying** -- it differs between sweep points: a column per row (or, past ``MAX_COLUMNS`` rows,
   a line per row and a column per quantity, as a spreadsheet holds a long sweep);
2. **per variant** -- it differs between variants but not along the sweep: a column per variant;
3. **same in every case** -- one value.

"Differs" means the cells read differently, so a block never repeats what a reader already sees.
A run of one row is one block with one column (the variant's name).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_COLUMNS = 8          # case columns before a varying block turns to a line per case


@dataclass
class Line:
    """One table line: its label cells, one value cell per column, the footnote numbers."""

    keys: list[str]
    cells: list[str]
    notes: list[int] = field(default_factory=list)


@dataclass
class Block:
    """One table of the layout: a caption ('' for none), label headers, value headers, lines."""

    caption: str
    # per label column, its header lines: [['quantity', 'arr_horizon']]
    key_headers: list[list[str]]
    value_headers: list[list[str]]  # per value column, its header lines
    lines: list[Line]


def point_text(point: dict) -> str:
    """'pue=1.2, mfu=0.4'; '' without a sweep."""
    return ", ".join(f"{k}={v}" for k, v in point.items())


def label(name: str, unit: str) -> str:
    """'chips [chip]'; a plain number has no brackets."""
    return f"{name} [{unit}]" if unit else name


def group_label(block: Block, keys: list[str]) -> str:
    """'base', 'base · pue=1.2', 'pue=1.2': the label cells a group row stands for."""
    heads = [" ".join(h) for h in block.key_headers]
    return " · ".join(k if h in ("variant", "point") else f"{h}={k}"
                      for h, k in zip(heads, keys) if k)


def without_empty_columns(block: Block) -> Block:
    """``block`` without the label and value columns that are empty on every line (``point``
    without a sweep, ``whole timeline`` when no row has one value per case)."""
    keys = [j for j in range(len(block.key_headers)) if any(ln.keys[j] for ln in block.lines)]
    keys = keys or [len(block.key_headers) - 1]
    vals = [j for j in range(len(block.value_headers)) if any(ln.cells[j] for ln in block.lines)]
    return Block(block.caption, [block.key_headers[j] for j in keys],
                 [block.value_headers[j] for j in vals],
                 [Line([ln.keys[j] for j in keys], [ln.cells[j] for j in vals], ln.notes)
                  for ln in block.lines])


def blocks(result, rows: list[dict], cell, notes, key=None) -> list[Block]:
    """The blocks of ``result``'s ``rows`` (``Result.rows(tables=True)``).

    ``cell(row)`` gives a cell (text, or the row itself for a spreadsheet); ``key(row)`` the text
    two cells are compared by (default: ``cell``); ``notes(source_ids)`` numbers footnotes (in call
    order).
    """
    key = key or cell
    cases = list(result.cases)
    shown = list(result.shown)
    n = len(cases)
    by = {(k // max(1, len(shown)), r["quantity"]): r for k, r in enumerate(rows)}
    text = {name: [cell(by[i, name]) for i in range(n)] for name in shown}
    variants = list(dict.fromkeys(c.variant for c in cases))
    sweep = any(c.point for c in cases)

    def sources(name, idx) -> list[int]:
        return notes(list(dict.fromkeys(s for i in idx for s in by[i, name]["sources"])))

    def unit(name) -> str:
        return by[0, name]["unit"]

    if n == 1:
        return [Block("", [["quantity"]], [[variants[0]]],
                      [Line([label(q, unit(q))], text[q], sources(q, [0])) for q in shown])]
    first = {v: next(i for i, c in enumerate(cases) if c.variant == v) for v in variants}
    keys = {name: [key(by[i, name]) for i in range(n)] for name in shown}
    same = [q for q in shown if len(set(keys[q])) == 1]
    per_variant = [q for q in shown if q not in same and sweep
                   and all(len({t for t, c in zip(keys[q], cases) if c.variant == v}) == 1
                           for v in variants)]
    varying = [q for q in shown if q not in same and q not in per_variant]
    out: list[Block] = []
    if varying:
        out.append(_varying(cases, varying, text, unit, sources, sweep, len(variants) > 1))
    if per_variant:
        axes = ", ".join(dict.fromkeys(k for c in cases for k in c.point))
        out.append(Block(f"Same at every {axes}", [["quantity"]], [[v] for v in variants],
                         [Line([label(q, unit(q))], [text[q][first[v]] for v in variants],
                               sources(q, list(first.values()))) for q in per_variant]))
    if same:
        caption = "Same in every case" if out else ""
        out.append(Block(caption, [["quantity"]], [["every case"]],
                         [Line([label(q, unit(q))], [text[q][0]], sources(q, range(n)))
                          for q in same]))
    return out


def _varying(cases, names, text, unit, sources, sweep: bool, several: bool) -> Block:
    """The block of quantities that differ along the sweep: a column per case, or a line per
    case."""
    n = len(cases)
    axes = list(dict.fromkeys(k for c in cases for k in c.point))
    if n <= MAX_COLUMNS:
        # one sweep axis: its name heads the label column, values the columns
        one = len(axes) == 1
        headers = [[c.variant]
                   + ([str(c.point[axes[0]]) if one else point_text(c.point)] if sweep else [])
                   for c in cases]
        return Block("", [["quantity"] + ([axes[0]] if one else [])], headers,
                     [Line([label(q, unit(q))], text[q], sources(q, range(n))) for q in names])
    keys = [[k] for k in (["variant"] if several else []) + axes]
    headers = []
    for q in names:
        marks = sources(q, range(n))
        headers.append([label(q, unit(q))] + ([f"[{','.join(map(str, marks))}]"] if marks else []))
    lines = [Line(([c.variant] if several else []) + [str(c.point.get(a, "")) for a in axes],
                  [text[q][i] for q in names]) for i, c in enumerate(cases)]
    return Block("", keys, headers, lines)


def where(result, indices) -> str:
    """The cases ``indices`` name, as briefly as a reader needs: 'every case', 'base', 'per-gpu',
    'base at arr_horizon=4 month, 10 month'."""
    cases = list(result.cases)
    chosen = set(indices)
    if len(cases) > 1 and chosen == set(range(len(cases))):
        return "every case"
    parts = []
    for v in dict.fromkeys(c.variant for c in cases):
        mine = [i for i, c in enumerate(cases) if c.variant == v]
        hit = [i for i in mine if i in chosen]
        if not hit:
            continue
        if len(hit) == len(mine):
            parts.append(v)
            continue
        axes = list(dict.fromkeys(k for i in hit for k in cases[i].point))
        if len(axes) == 1:
            parts.append(f"{v} at {axes[0]}="
                         + ", ".join(str(cases[i].point[axes[0]]) for i in hit))
        else:
            parts.append(f"{v} at " + "; ".join(point_text(cases[i].point) for i in hit))
    return "; ".join(parts)
