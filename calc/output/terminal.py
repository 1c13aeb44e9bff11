"""The width [characters] terminal tables fit: ``COLUMNS``, else the terminal's, else a fixed one.

``calc run`` (table format), ``calc figures``, ``calc sources`` and ``calc deals`` read it here.
Files and pipes without ``COLUMNS`` get ``FILE_WIDTH``, so saved output does not depend on the
terminal it was made in.
"""

from __future__ import annotations

import shutil

FILE_WIDTH = 120                 # a table written to a file or a pipe [characters]


def terminal_width() -> int | None:
    """The terminal's width [characters]: ``COLUMNS`` when set, else the terminal stdout is on;
    None (no limit) when stdout is a file or a pipe and ``COLUMNS`` is not set."""
    cols = shutil.get_terminal_size(fallback=(0, 0)).columns
    return cols if cols > 0 else None


def table_width() -> int:
    """The width a terminal table fits [characters]: ``terminal_width``, else ``FILE_WIDTH``."""
    return terminal_width() or FILE_WIDTH
