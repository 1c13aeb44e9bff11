"""The one error type users see: a message that starts with where the problem is."""

from __future__ import annotations


class CalcError(Exception):
    """Bad input: a message saying where, what was given, what was expected and how to fix it.

    ``problems`` holds every problem found (loading reports them all at once); ``str()`` joins them.
    """

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
