"""``calc.plots``: every chart (``calc.output.plots``) under a short name, so that both
``calc.plots.timeline_chart(res)`` and ``from calc.plots import timeline_chart`` work.

This module is ``calc.output.plots`` itself (one module object, one set of functions), and like it
imports matplotlib only when a chart is drawn.
"""

from __future__ import annotations

import sys

from calc.output import plots

sys.modules[__name__] = plots
