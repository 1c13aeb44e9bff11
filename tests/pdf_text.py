"""The text runs of a PDF that LibreOffice printed, page by page, read with the standard library.

Enough PDF for the spreadsheet tests: objects (streams by their /Length), Flate streams, each page's
content stream and its fonts' ToUnicode maps. A run is one ``BT ... ET`` block: where it starts
[pt], its font size [pt] and its text. LibreOffice draws each cell's text as one run, so a run is
a cell as the printed page shows it.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    """One text run: start x, y [pt from the page's lower left], font size [pt], text."""

    x: float
    y: float
    size: float
    text: str


@dataclass
class Page:
    """A printed page: its size [pt] and its text runs."""

    width: float
    height: float
    runs: list[Run]

    def lines(self) -> list[str]:
        """The runs grouped by baseline, top to bottom, each line's runs left to right."""
        rows: dict[float, list[Run]] = {}
        for r in self.runs:
            rows.setdefault(round(r.y, 1), []).append(r)
        return [" | ".join(r.text for r in sorted(rows[y], key=lambda r: r.x))
                for y in sorted(rows, reverse=True)]


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary text, raw stream bytes or None)."""
    heads = list(re.finditer(rb"(\d+) 0 obj\s*(.*?)(stream\r?\n|endobj)", data, re.S))
    lengths = {int(m.group(1)): m.group(2).strip() for m in heads}
    out, skip_to = {}, 0
    for m in heads:
        if m.start() < skip_to:                      # inside an earlier stream's bytes
            continue
        num, head = int(m.group(1)), m.group(2)
        if m.group(3).startswith(b"stream"):
            ref = re.search(rb"/Length\s+(\d+)(\s+0\s+R)?", head)
            n = int(lengths[int(ref.group(1))] if ref.group(2) else ref.group(1))
            out[num] = (head, data[m.end():m.end() + n])
            skip_to = m.end() + n
        else:
            out[num] = (head, None)
    return out


def _stream(objs, num: int) -> bytes:
    head, raw = objs[num]
    return zlib.decompress(raw) if b"FlateDecode" in head else raw


def _cmap(text: bytes) -> tuple[int, dict[bytes, str]]:
    """A ToUnicode map: bytes per code, code -> text."""
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", text)
    width = len(space.group(1)) // 2 if space else 1
    out: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[bytes.fromhex(code.decode())] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>",
                                      block):
            a, b, u = int(lo, 16), int(hi, 16), int(uni, 16)
            for k in range(a, b + 1):
                out[k.to_bytes(width, "big")] = chr(u + k - a)
    return width, out


def _ref(text: bytes, key: bytes) -> int | None:
    m = re.search(rb"/" + key + rb"\s*(\d+) 0 R", text)
    return int(m.group(1)) if m else None


def _fonts(objs, page_head: bytes) -> dict[bytes, tuple[int, dict]]:
    """The page's fonts: resource name -> ToUnicode map."""
    res = _ref(page_head, b"Resources")
    res_text = objs[res][0] if res is not None else page_head
    font_ref = _ref(res_text, b"Font")
    font_text = objs[font_ref][0] if font_ref is not None else \
        re.search(rb"/Font\s*<<(.*?)>>", res_text, re.S).group(1)
    out = {}
    for name, num in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_text):
        uni = _ref(objs[int(num)][0], b"ToUnicode")
        out[name] = _cmap(_stream(objs, uni)) if uni is not None else (1, {})
    return out


def _runs(content: bytes, fonts) -> list[Run]:
    runs = []
    for block in re.findall(rb"BT(.*?)ET", content, re.S):
        pos = re.search(rb"([-\d.]+) ([-\d.]+) Td", block)
        font = re.search(rb"/(\w+) ([\d.]+) Tf", block)
        if pos is None or font is None:
            continue
        width, cmap = fonts.get(font.group(1), (1, {}))
        text = ""
        for hexed in re.findall(rb"<([0-9A-Fa-f]*)>", block):
            raw = bytes.fromhex(hexed.decode())
            text += "".join(cmap.get(raw[i:i + width], "?") for i in range(0, len(raw), width))
        runs.append(Run(float(pos.group(1)), float(pos.group(2)), float(font.group(2)), text))
    return runs


def pages(path: Path) -> list[Page]:
    """The pages of the PDF at ``path``, in order, with their text runs."""
    objs = _objects(Path(path).read_bytes())
    root = next(h for h, s in objs.values() if re.search(rb"/Type\s*/Pages\b", h)
                and b"/Parent" not in h)

    def leaves(head: bytes) -> list[bytes]:
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", head)
        if kids is None:
            return [head]
        return [p for k in re.findall(rb"(\d+) 0 R", kids.group(1))
                for p in leaves(objs[int(k)][0])]

    out = []
    for head in leaves(root):
        box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", head).group(1).split()]
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", head).group(1)
        content = b"".join(_stream(objs, int(n)) for n in re.findall(rb"(\d+) 0 R", contents))
        out.append(Page(box[2] - box[0], box[3] - box[1], _runs(content, _fonts(objs, head))))
    return out
