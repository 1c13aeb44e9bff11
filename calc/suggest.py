"""Did-you-mean: the closest known word to a misspelt one, for every "unknown ..." message."""

from __future__ import annotations


def closest(word, choices) -> str | None:
    """The choice closest to ``word`` (difflib ratio >= 0.6), or None."""
    import difflib      # on first use: only a misspelling needs it

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word, choices) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or '' when none is close."""
    best = closest(word, choices)
    return f" (did you mean {best!r}?)" if best else ""
