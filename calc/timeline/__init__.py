"""Timelines: a period axis beside variants, sweep points and samples, and what runs along it.

``periods`` (the axis and series on it), ``spread`` (commitments per period), ``paths`` (revenue
paths), ``cumulative`` (running sums, funding need, break-even) and ``solve`` (vectorised
bisection). All work on numpy arrays whose last axis is the period.
"""
