"""Did-you-mean: the closest known word to a misspelt one, for every "unknown ..." message."""

from __future__ import annotations


def closest(word, choices) -> str | None:
    """The choice closest to ``word`` (difflib ratio >= 0.6), or None. A choice with the same
    stem (all but the last ``_`` word) comes first: for ``deal_x_2025_09_amount`` where row
    ``deal_x_2025_09`` has only ``_power``, that is the row meant, not a similar-looking one."""
    import difflib      # on first use: only a misspelling needs it

    word, choices = str(word), [str(c) for c in choices]
    stem = word.rpartition("_")[0]
    same = [c for c in choices if stem and c.rpartition("_")[0] == stem and c != word]
    for pool in (same, choices):
        close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
        if close:
            return close[0]
    return None


# Names calc no longer has: a prefix, and what to read instead.
RETIRED = {"deals_all_": "the all-buyers deal totals were retired, since one company's purchase is "
                         "another's sale: name a buyer's column, e.g. deals_openai_payments_firm "
                         "(README, 'Migrating figure names')"}


def did_you_mean(word, choices) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, '; <why>' for a retired name, or ''."""
    for prefix, why in RETIRED.items():
        if str(word).startswith(prefix):
            return f"; {why}"
    best = closest(word, choices)
    return f" (did you mean {best!r}?)" if best else ""
