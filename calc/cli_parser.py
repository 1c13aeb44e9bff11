"""The ``calc`` command's arguments: every subcommand, its options, help texts and examples.

Usage errors are ``CalcError`` s (exit 2 with one ``calc:`` prefix, a did-you-mean and a hint),
never argparse's own exit.
"""

from __future__ import annotations

import argparse
import re

from calc import __version__
from calc.errors import CalcError
from calc.output import deal_columns
from calc.suggest import did_you_mean

PLOT_KINDS = ("fan", "tornado", "hist", "bars", "timeline")     # calc.output.plots.KINDS
FORMATS = ("table", "markdown", "csv", "json", "html", "xlsx")
LIST_FORMATS = ("table", "json", "csv")
FLOW_FORMATS = ("table", "markdown", "json", "csv")


FILE_HELP = ("a scenario: a YAML file (see docs/scenario-files.md), or the name of a shipped "
             "scenario such as nvidia-1gw, found from any folder when no file of that name exists")
FORMAT_HELP = ("table: aligned text for the terminal (default); markdown: tables for a README or "
               "an issue; csv: one row per variant, point and quantity; json: one document (see "
               "README); html: a page with the tables, checks and sources; xlsx: a spreadsheet "
               "(needs --output). Without --format, --output's extension chooses: .xlsx, "
               ".html/.htm, .json, .csv, .md (markdown), .txt (table); any other gets the table")
OUTPUT_HELP = ("write to PATH (atomically) instead of stdout; its extension chooses the format "
               "unless --format is given, and --format must agree with it (a .txt file takes "
               "any text format)")
PERIODS = ("years", "all")
PROGRESS_HELP = ("show a progress bar with the time left on stderr even when it is not a "
                 "terminal (on a terminal it shows by itself for runs over about 2 s)")
SET_HELP = "override an input, e.g. --set pue=1.3 or --set 'facility_power=2 GW' (repeatable)"


def _path(text: str) -> str:
    """A file to write (--output, --plot): an empty one would print to stdout, so it is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give a file name such as out.csv, or "
                                         "leave the option out to print to the terminal")
    return text


def _file(text: str) -> str:
    """A scenario argument: an empty one would name the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name; give the path of a YAML file or a "
                                         "shipped scenario's name such as nvidia-1gw")
    return text


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


class _Once(argparse.Action):
    """An option that takes one value: given twice (``--buyer OpenAI --buyer Google``) it is
    refused, not silently the last."""

    def __call__(self, parser, namespace, values, option_string=None):
        before = getattr(namespace, self.dest, None)
        if before is not None and before != self.default:
            raise CalcError(f"{option_string} given twice ({before[:200]} and {values[:200]}); "
                            "give it once")
        setattr(namespace, self.dest, values)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as CalcError (exit 2, no traceback), with one ``calc:``
    prefix (``calc: run: ...``, never ``calc: calc run: ...``), a did-you-mean and a hint."""

    def __init__(self, *args, **kwargs):
        import textwrap

        kwargs.setdefault("formatter_class",
                          argparse.RawDescriptionHelpFormatter)   # examples keep their lines
        if kwargs.get("description"):
            kwargs["description"] = textwrap.fill(kwargs["description"], 79)
        super().__init__(*args, **kwargs)

    def error(self, message):
        bad = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if bad:
            choices = re.findall(r"'([^']*)'", bad.group(2))
            message = message[:bad.start()] + f"invalid choice {bad.group(1)!r}" \
                + f"{did_you_mean(bad.group(1), choices)}; choose from {', '.join(choices)}"
        command = self.prog.removeprefix("calc").strip()
        raise CalcError(f"{command + ': ' if command else ''}{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="calc",
                description="Compute-commitment calculator: chips, dollars, FLOP and years "
                "from the figures deals are announced with, every number traced to its source.",
                epilog=_examples("calc run nvidia-1gw",
                                 "calc run anthropic-arr --samples 2000 --format markdown",
                                 "calc explain nvidia-1gw chips --variant per-gpu",
                                 "calc figures --format json", "calc check --strict",
                                 "calc COMMAND --help   (each command's options)"))
    p.add_argument("--version", action="version", version=f"calc {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    r = sub.add_parser("run", help="run scenario files and print their tables and checks",
                       description="Run scenarios: compute their outputs for every variant and "
                       "sweep point, test their checks, and print tables with numbered source "
                       "footnotes. Exit status: 0 when it ran (a check that does not hold is a "
                       "finding), 1 with --strict when a check does not hold or a finding is "
                       "impossible or unusual, 2 on bad input.",
                       epilog=_examples("calc run nvidia-1gw",
                                        "calc run my-scenario.yaml --samples 10000 --seed 1",
                                        "calc run nvidia-1gw --set pue=1.3 --format csv",
                                        "calc run openai-commitments --brief",
                                        "calc run anthropic-arr --sensitivity --plot fan.png",
                                        "calc run nvidia-1gw --samples 2000 --plot chips.svg "
                                        "--plot-kind hist",
                                        "calc run rainier --format xlsx --output rainier.xlsx"))
    r.add_argument("files", nargs="+", type=_file, metavar="FILE",
                   help=FILE_HELP + "; give several to run each")
    r.add_argument("--format", choices=FORMATS, help=FORMAT_HELP)
    r.add_argument("--output", type=_path, metavar="PATH", help=OUTPUT_HELP)
    r.add_argument("--samples", type=int, metavar="N",
                   help="Monte Carlo samples over ranges (0: central values only; "
                        "default: the file's)")
    r.add_argument("--seed", type=int, metavar="S", help="random seed (same seed, same numbers)")
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    r.add_argument("--display", action="append", default=[], metavar="NAME=UNIT",
                   help="show a quantity in another unit, e.g. --display peak_compute=EFLOP/s or "
                        "--display arr_growth_per_month=%%; JSON and CSV use it too")
    r.add_argument("--strict", action="store_true",
                   help="exit 1 when a check does not hold or a finding is impossible, unusual "
                        "(an input outside its typical range) or precision")
    r.add_argument("--brief", action="store_true",
                   help="print the headline alone: per variant the whole-timeline rows (funding "
                        "need, shortfall, cash-out, break-even, solved inputs) or, without a "
                        "timeline, every output, as central values; then the checks and findings "
                        "counted; no tables, ranges or sources (format table or markdown)")
    r.add_argument("--sensitivity", action="store_true",
                   help="add a tornado table: how far each output moves as each input spans "
                        "its range")
    r.add_argument("--at", metavar="PERIOD",
                   help="with --sensitivity on a timeline: rank each per-period output in this "
                        "period, e.g. 2030 (default: the last period)")
    r.add_argument("--plot", type=_path, metavar="PATH.png",
                   help="save a chart (.png, .svg or .pdf): on a timeline, spend against the "
                   "revenue that pays for compute per period; else a fan over the sweep, "
                   "a tornado with --sensitivity, a histogram of a sampled run, else bars per case")
    r.add_argument("--plot-quantity", metavar="NAME",
                   help="the quantity --plot draws (default: the first output "
                   "that suits the chart)")
    r.add_argument("--plot-kind", choices=PLOT_KINDS,
                   help="the chart --plot draws: fan (over the sweep), tornado (what moves it), "
                   "hist (its samples), bars (per case) or timeline (revenue against spend); "
                   "on a timeline, tornado, hist and bars draw a quantity with one value per "
                   "case (funding_need, break_even, shortfall, cash_out)")
    r.add_argument("--plot-variant", metavar="NAME",
                   help="the variant --plot draws (default: every variant, overlaid and "
                   "labelled where the chart can)")
    r.add_argument("--periods", choices=PERIODS,
                   help="the terminal table (--format table) of a quarterly or monthly timeline: "
                        "years (default) folds it to one column per year (flows summed, running "
                        "values at the year's end, coverage recomputed); all shows every period. "
                        "Other formats always show every period")
    r.add_argument("--progress", action="store_true", help=PROGRESS_HELP)
    r.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    e = sub.add_parser("explain", help="show how a quantity was derived, back to each source",
                       description="Print the derivation of one quantity as a tree: each formula, "
                       "each value with its unit, and where each input came from (the scenario, "
                       "an accelerator in the catalogue, a registry default), with the sources' "
                       "verbatim quotes and full notes.",
                       epilog=_examples("calc explain nvidia-1gw chips",
                                        "calc explain nvidia-1gw chips --variant per-gpu",
                                        "calc explain my-scenario.yaml capex "
                                        "--set 'facility_power=2 GW'"))
    e.add_argument("file", type=_file, metavar="FILE", help=FILE_HELP)
    e.add_argument("quantity", metavar="QUANTITY",
                   help="a quantity the scenario computes: an output, a derive name or "
                        "anything they use")
    e.add_argument("--variant", help="which variant (default: base)")
    e.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    e.add_argument("--at", metavar="PERIOD", help="on a timeline: the period to explain, e.g. 2027")
    e.add_argument("--point", action="append", default=[], metavar="NAME=VALUE",
                   help="with a sweep: the point to explain, e.g. --point 'arr_horizon=10 month' "
                        "(default: the first); repeat it for each swept name")
    e.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    g = sub.add_parser("solve",
                       help="find the input value that makes an output hit a target (goal seek)",
                       description="Goal seek: the value of one input (--for) that makes an "
                       "output or expression (--so-that) equal a target, or the edge of where it "
                       "stays at most / at least it, searched in the bracket --between LO HI by "
                       "a vectorised search to a millionth of the bracket, one solution per "
                       "sample. No solution in the bracket is a finding, not an error.",
                       epilog=_examples("calc solve nvidia-1gw --for pue --so-that chips "
                                        "--equals 200000 --between 1 2",
                                        "calc solve anthropic-commitments "
                                        "--for arr_growth_per_month --so-that cumulative_gap "
                                        "--equals 0 --between 0 0.5 --at 2027"))
    g.add_argument("file", type=_file, metavar="FILE", help=FILE_HELP)
    g.add_argument("--for", dest="for_", metavar="NAME", required=True,
                   help="the input to solve for")
    g.add_argument("--so-that", dest="so_that", metavar="EXPR", required=True,
                   help="the output or expression to reach, e.g. cumulative_gap")
    target = g.add_mutually_exclusive_group(required=True)
    target.add_argument("--equals", metavar="VALUE",
                        help="the target (a bare number is in the output's unit)")
    target.add_argument("--at-most", dest="at_most", metavar="VALUE",
                        help="the largest value the output may take: "
                             "the edge of where it stays at most VALUE")
    target.add_argument("--at-least", dest="at_least", metavar="VALUE",
                        help="the smallest value the output may take: "
                             "the edge of where it stays at least VALUE")
    g.add_argument("--between", nargs=2, metavar=("LO", "HI"),
                   help="the bracket searched (required)")
    g.add_argument("--at", metavar="PERIOD",
                   help="the period, for an output with a value per period")
    g.add_argument("--format", choices=("table", "json", "csv"), default="table",
                   help="table: readable text (default); json: one document; "
                        "csv: one row per solution")
    g.add_argument("--samples", type=int, metavar="N",
                   help="one solution per sample over the scenario's ranges")
    g.add_argument("--seed", type=int, metavar="S", help="random seed (same seed, same numbers)")
    g.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    g.add_argument("--strict", action="store_true",
                   help="exit 1 when there is no solution (e.g. the output does not depend "
                   "on the input) or a finding is impossible, unusual or precision (e.g. a "
                   "bracket far beyond the input's typical range)")
    g.add_argument("--progress", action="store_true", help=PROGRESS_HELP)
    g.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    for name, what, detail in (
            ("figures", "every registry figure with its source and quote",
             "List every figure in the registry (calc/data/figures.yaml): value, unit, range, "
             "confidence, source, publisher, date, the verbatim quote with its English gloss, "
             "and the full note."),
            ("sources", "every publication the registry cites",
             "List every publication the registry cites (calc/data/sources.yaml): publisher, "
             "title, date, language and, where the publisher's own page is known, its URL.")):
        s = sub.add_parser(name, help=f"list {what}", description=detail,
                           epilog=_examples(f"calc {name}", f"calc {name} --format json",
                                            f"calc {name} --output {name}.csv"))
        s.add_argument("--format", choices=LIST_FORMATS,
                       help="table: readable text (default); json: a list of objects (see README); "
                            "csv: one row each. Without --format, --output's extension chooses: "
                            ".json, .csv, .txt (table); any other gets the table")
        s.add_argument("--output", type=_path, metavar="PATH", help=OUTPUT_HELP)
        s.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    d = sub.add_parser("deals",
                       help="the deals ledger: every compute deal with derived columns, "
                            "or --totals per buyer",
                       description="List the deals ledger (calc/data/deals.yaml): each reported "
                       "compute deal with its buyer, provider, amount, power, chips, term and "
                       "source, and derived columns (USD per year, USD per GW, implied chips and "
                       "power). --totals gives per-buyer totals with each deal counted once "
                       "('up to' amounts apart). The table fits the terminal (COLUMNS): long "
                       "text wraps, then columns are left out from the end of this order: "
                       f"{', '.join(deal_columns.DEALS)}; with --totals: "
                       f"{', '.join(deal_columns.TOTALS)}.",
                       epilog=_examples("calc deals", "COLUMNS=200 calc deals",
                                        "calc deals --buyer OpenAI",
                                        "calc deals --totals",
                                        "calc deals --totals --as-of 2025-11-30",
                                        "calc deals --flows --plot flows.png",
                                        "calc deals --format json > deals.json",
                                        "calc deals --totals --output totals.xlsx"))
    d.add_argument("--buyer", metavar="NAME", action=_Once,
                   help="only this buyer's deals, e.g. --buyer OpenAI")
    d.add_argument("--totals", action="store_true", help="per-buyer totals, each deal counted once")
    d.add_argument("--as-of", metavar="DATE", dest="as_of",
                   help="the ledger as it stood on DATE (e.g. 2025-11-30); default today")
    d.add_argument("--flows", action="store_true",
                   help="money between companies (payer -> payee per kind) and round trips")
    d.add_argument("--plot", type=_path, metavar="PATH",
                   help="with --flows: draw them to PATH (.png, .svg, .pdf)")
    d.add_argument("--format", choices=FORMATS,
                   help=FORMAT_HELP.replace("one row per variant, point and quantity",
                                            "one row per deal")
                   + "; --flows writes table, markdown, json or csv")
    d.add_argument("--output", type=_path, metavar="PATH", help=OUTPUT_HELP)
    d.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    sc = sub.add_parser("schema", help="print a JSON Schema of scenario files, for editors",
                        description="Print a JSON Schema (draft 2020-12) of scenario files, "
                        "generated from the keys the reader accepts, with each key's doc and the "
                        "registry's figure, accelerator and model ids. Point an editor at it (see "
                        "the README) to complete keys and flag unknown ones; calc itself checks "
                        "more (units, sources, names).",
                        epilog=_examples("calc schema > scenario.schema.json",
                                         "# then, as the first line of a scenario file:",
                                         "# yaml-language-server: $schema=scenario.schema.json"))
    sc.add_argument("--output", type=_path, metavar="PATH",
                    help="write to PATH (atomically) instead of stdout")
    sc.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    c = sub.add_parser("check",
                       help="validate the registry and scenario files, and run their checks",
                       description="Validate the registry (figures, sources, catalogue, "
                       "defaults) and the scenarios, run each scenario and report its checks. "
                       "Without FILE: scenarios/*.yaml in the working folder, else the shipped "
                       "scenarios.",
                       epilog=_examples("calc check", "calc check my-scenario.yaml --strict"))
    c.add_argument("files", nargs="*", type=_file, metavar="FILE", help=FILE_HELP)
    c.add_argument("--strict", action="store_true",
                   help="exit 1 when a check does not hold or a finding is impossible, unusual "
                        "or precision")
    c.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return p
