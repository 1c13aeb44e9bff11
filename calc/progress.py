"""A progress bar with the time left, on stderr (never stdout): ``Bar`` is the ``progress(done,
total)`` callback ``calc.run`` calls as it evaluates (rows of the run, then a solve's passes).

    [##########..........]  50 %  4.1 s elapsed, time left 4.1 s

On a terminal the line redraws in place; elsewhere (a pipe, a log file) it prints a line at most
once a second. ``delay`` [s] hides it for short runs: nothing is drawn before it has passed.
"""

from __future__ import annotations

import time

WIDTH = 20                              # the bar's width [characters]


def duration(seconds: float) -> str:
    """'0.4 s', '12 s', '2 min 05 s', '1 h 02 min'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class Bar:
    """``bar(done, total)`` draws the share done and the time left, estimated from the time per
    unit so far [s]; ``close()`` ends a line left open."""

    def __init__(self, stream, tty: bool, delay: float = 2.0, clock=time.monotonic):
        self.stream, self.tty, self.delay, self.clock = stream, tty, delay, clock
        self.start = clock()
        self.drawn = -1.0                           # when a line was last drawn; -1: never
        self.open = False                           # a terminal line without its newline
        self.done = False                           # the last line is drawn

    def __call__(self, done: float, total: float) -> None:
        now, last = self.clock(), done >= total
        elapsed = now - self.start
        every = 0.1 if self.tty else 1.0
        if total <= 0 or elapsed < self.delay or self.done or (
                not last and self.drawn >= 0 and now - self.drawn < every):
            return
        self.done = last                            # the 100 % line is drawn once
        share = min(1.0, done / total)
        left = duration(elapsed * (total - done) / done) if done > 0 else "unknown"
        filled = int(WIDTH * share)
        text = (f"[{'#' * filled}{'.' * (WIDTH - filled)}] {100 * share:3.0f} %  "
                f"{duration(elapsed)} elapsed, time left {left}")
        self.stream.write(("\r" + text) if self.tty else text + "\n")
        self.open = self.tty and not last
        if self.tty and last:
            self.stream.write("\n")
        self.stream.flush()
        self.drawn = now

    def close(self) -> None:
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = False
