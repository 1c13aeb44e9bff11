"""The timeline keys of a scenario file (``read``); the period axis itself is ``calc.periods`` and
``calc.values.PeriodAxis``, and what runs along it lives with its peers in ``calc.models``."""
