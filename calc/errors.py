"""The one error type users see: a message that starts with where the problem is."""

from __future__ import annotations

import re

MAX_ECHO = 200          # characters of one word a message quotes of what was given
_LONG = re.compile(r"\S{%d,}" % (MAX_ECHO + 21))    # 20 spare: a quote cut at 200 already


def cut_long(text: str) -> str:
    """``text`` with every run of over MAX_ECHO + 20 non-space characters (a name or value the
    user gave, echoed) cut to MAX_ECHO, then its length: a 100 KB name is never quoted whole.
    A run a message cut already (200 characters, a quote, '...:') is left as it is."""
    return _LONG.sub(lambda m: f"{m[0][:MAX_ECHO]}... ({len(m[0]):,} characters)", text)


class CalcError(Exception):
    """Bad input: a message saying where, what was given, what was expected and how to fix it.

    ``problems`` holds every problem found (loading reports them all at once); ``str()`` joins them.
    """

    def __init__(self, problems: str | list[str]):
        problems = [problems] if isinstance(problems, str) else list(problems)
        self.problems = [cut_long(str(p)) for p in problems]
        super().__init__("\n".join(self.problems))
