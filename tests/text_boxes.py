"""Where a figure's texts land once drawn: each inside the figure, no title over a label.

``layout_problems(fig)`` draws the figure and lists, in words, every visible text whose window
extent leaves the figure, and every title or suptitle that overlaps another text (axis labels,
tick labels, legends, annotations). Self-contained (matplotlib only), so a test can also run its
source inside a notebook's kernel.
"""


def layout_problems(fig, slack=1.0):
    """['title ... leaves the figure', 'suptitle ... overlaps ylabel ...']: empty when it is
    clean. ``slack`` [pixels] forgives antialiasing at an edge."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    texts = []                                   # (kind, artist)
    for t in fig.texts:
        texts.append(("suptitle" if t is getattr(fig, "_suptitle", None) else "figure text", t))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for t in (ax.title, ax._left_title, ax._right_title):
            texts.append(("title", t))
        texts += [("xlabel", ax.xaxis.label), ("ylabel", ax.yaxis.label)]
        for axis, k in ((ax.xaxis, 0), (ax.yaxis, 1)):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if lo - 1e-9 * abs(hi - lo) <= tick.get_loc() <= hi + 1e-9 * abs(hi - lo):
                    texts.append(("tick label", tick.label1))
        texts += [("text", t) for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += [("legend", t) for t in legend.get_texts()]
    shown = [(kind, t, t.get_window_extent(renderer)) for kind, t in texts
             if isinstance(t, Text) and t.get_visible() and t.get_text().strip()]
    problems = []
    for kind, t, box in shown:
        if (box.x0 < frame.x0 - slack or box.y0 < frame.y0 - slack
                or box.x1 > frame.x1 + slack or box.y1 > frame.y1 + slack):
            problems.append(f"{kind} {t.get_text()[:60]!r} leaves the figure: "
                            f"{[round(v) for v in box.extents]} not in "
                            f"{[round(v) for v in frame.extents]}")
    for ax in fig.axes:
        frame_ax = ax.get_window_extent(renderer)
        for kind, label, size, room in (("xlabel", ax.xaxis.label, "width", frame_ax.width),
                                        ("ylabel", ax.yaxis.label, "height", frame_ax.height)):
            box = label.get_window_extent(renderer)
            if label.get_visible() and label.get_text().strip() and getattr(box, size) > room:
                problems.append(f"{kind} {label.get_text()[:60]!r} is longer than its axis "
                                f"({getattr(box, size):.0f} > {room:.0f} pixels)")
    for kind, t, box in shown:
        if kind not in ("title", "suptitle"):
            continue
        for other_kind, other, other_box in shown:
            if other is not t and box.overlaps(other_box):
                problems.append(f"{kind} {t.get_text()[:60]!r} overlaps {other_kind} "
                                f"{other.get_text()[:60]!r}")
    return problems
