"""The ``calc`` command: run scenarios, explain a result, list figures and sources, check everything.

Exit status: 0 when it ran (a check that does not hold is a finding, shown in the output); 1 with
``--strict`` when a check does not hold or a computed figure is physically impossible; 2 on bad
input, with a short message on stderr and never a traceback (``--debug`` shows one). ``--output`` is written atomically: a failed run leaves an
existing file untouched.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from calc.errors import CalcError
from calc.output.files import Terminated, check_target, terminate_cleanly, write_atomic  # noqa: F401 -- re-exported

FORMATS = ("table", "markdown", "csv", "json", "html", "xlsx")
LIST_FORMATS = ("table", "json", "csv")


FILE_HELP = ("a scenario: a YAML file (see docs/scenario-files.md), or the name of a shipped scenario "
             "such as nvidia-1gw, found from any folder when no file of that name exists")
FORMAT_HELP = ("table: aligned text for the terminal (default); markdown: tables for a README or an issue; "
               "csv: one row per variant, point and quantity; json: one document (see README); html: a "
               "page with the tables, checks and sources; xlsx: a spreadsheet (needs --output)")
SET_HELP = "override an input, e.g. --set pue=1.3 or --set 'facility_power=2 GW' (repeatable)"


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as CalcError (exit 2, no traceback), with one ``calc:``
    prefix (``calc: run: ...``, never ``calc: calc run: ...``), a did-you-mean and a hint."""

    def __init__(self, *args, **kwargs):
        import textwrap

        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)   # examples keep their lines
        if kwargs.get("description"):
            kwargs["description"] = textwrap.fill(kwargs["description"], 79)
        super().__init__(*args, **kwargs)

    def error(self, message):
        import re

        from calc.yamlio import did_you_mean

        bad = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if bad:
            choices = re.findall(r"'([^']*)'", bad.group(2))
            message = message[:bad.start()] + f"invalid choice {bad.group(1)!r}" \
                + f"{did_you_mean(bad.group(1), choices)}; choose from {', '.join(choices)}"
        command = self.prog.removeprefix("calc").strip()
        raise CalcError(f"{command + ': ' if command else ''}{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    from calc import __version__

    p = _Parser(prog="calc", description="Compute-commitment calculator: chips, dollars, FLOP and years "
                "from the figures deals are announced with, every number traced to its source.",
                epilog=_examples("calc run nvidia-1gw", "calc run anthropic-arr --samples 2000 --format markdown",
                                 "calc explain nvidia-1gw chips --variant per-gpu", "calc figures --format json",
                                 "calc check --strict", "calc COMMAND --help   (each command's options)"))
    p.add_argument("--version", action="version", version=f"calc {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    r = sub.add_parser("run", help="run scenario files and print their tables and checks",
                       description="Run scenarios: compute their outputs for every variant and sweep point, "
                       "test their checks, and print tables with numbered source footnotes. Exit status: 0 "
                       "when it ran (a check that does not hold is a finding), 1 with --strict when a check "
                       "does not hold or a computed figure is physically impossible, 2 on bad input.",
                       epilog=_examples("calc run nvidia-1gw", "calc run my-scenario.yaml --samples 10000 --seed 1",
                                        "calc run nvidia-1gw --set pue=1.3 --format csv",
                                        "calc run anthropic-arr --sensitivity --plot fan.png",
                                        "calc run rainier --format xlsx --output rainier.xlsx"))
    r.add_argument("files", nargs="+", metavar="FILE", help=FILE_HELP + "; give several to run each")
    r.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP)
    r.add_argument("--output", metavar="PATH", help="write to PATH (atomically) instead of stdout")
    r.add_argument("--samples", type=int, metavar="N",
                   help="Monte Carlo samples over ranges (0: central values only; default: the file's)")
    r.add_argument("--seed", type=int, metavar="S", help="random seed (same seed, same numbers)")
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    r.add_argument("--display", action="append", default=[], metavar="NAME=UNIT",
                   help="show a quantity in another unit, e.g. --display peak_compute=EFLOP/s or "
                        "--display arr_growth_per_month=%%; JSON and CSV use it too")
    r.add_argument("--strict", action="store_true", help="exit 1 when a check does not hold or a computed figure is physically impossible")
    r.add_argument("--sensitivity", action="store_true",
                   help="add a tornado table: how far each output moves as each input spans its range")
    r.add_argument("--plot", metavar="PATH.png", help="save a chart of the first output (.png, .svg or .pdf)")
    r.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    e = sub.add_parser("explain", help="show how a quantity was derived, back to each source",
                       description="Print the derivation of one quantity as a tree: each formula, each value "
                       "with its unit, and where each input came from (the scenario, an accelerator in the "
                       "catalogue, a registry default), with the sources' verbatim quotes and full notes.",
                       epilog=_examples("calc explain nvidia-1gw chips",
                                        "calc explain nvidia-1gw chips --variant per-gpu",
                                        "calc explain my-scenario.yaml capex --set 'facility_power=2 GW'"))
    e.add_argument("file", metavar="FILE", help=FILE_HELP)
    e.add_argument("quantity", metavar="QUANTITY",
                   help="a quantity the scenario computes: an output, a derive name or anything they use")
    e.add_argument("--variant", help="which variant (default: base)")
    e.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    e.add_argument("--at", metavar="PERIOD", help="on a timeline: the period to explain, e.g. 2027")
    e.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    g = sub.add_parser("solve", help="find the input value that makes an output hit a target (goal seek)",
                       description="Goal seek: the value of one input (--for) that makes an output or "
                       "expression (--so-that) equal a target, or the edge of where it stays at most / at "
                       "least it, searched in the bracket --between LO HI by vectorised bisection, one "
                       "solution per sample. No solution in the bracket is a finding, not an error.",
                       epilog=_examples("calc solve nvidia-1gw --for pue --so-that chips --equals 200000 --between 1 2",
                                        "calc solve anthropic-commitments --for arr_growth_per_month "
                                        "--so-that cumulative_gap --equals 0 --between 0 0.5 --at 2027"))
    g.add_argument("file", metavar="FILE", help=FILE_HELP)
    g.add_argument("--for", dest="for_", metavar="NAME", required=True, help="the input to solve for")
    g.add_argument("--so-that", dest="so_that", metavar="EXPR", required=True,
                   help="the output or expression to reach, e.g. cumulative_gap")
    target = g.add_mutually_exclusive_group(required=True)
    target.add_argument("--equals", metavar="VALUE", help="the target (a bare number is in the output's unit)")
    target.add_argument("--at-most", dest="at_most", metavar="VALUE",
                        help="the largest value the output may take: the edge of where it stays at most VALUE")
    target.add_argument("--at-least", dest="at_least", metavar="VALUE",
                        help="the smallest value the output may take: the edge of where it stays at least VALUE")
    g.add_argument("--between", nargs=2, metavar=("LO", "HI"), help="the bracket searched (required)")
    g.add_argument("--at", metavar="PERIOD", help="the period, for an output with a value per period")
    g.add_argument("--format", choices=("table", "json", "csv"), default="table",
                   help="table: readable text (default); json: one document; csv: one row per solution")
    g.add_argument("--samples", type=int, metavar="N", help="one solution per sample over the scenario's ranges")
    g.add_argument("--seed", type=int, metavar="S", help="random seed (same seed, same numbers)")
    g.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    g.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    for name, what, detail in (
            ("figures", "every registry figure with its source and quote",
             "List every figure in the registry (calc/data/figures.yaml): value, unit, range, confidence, "
             "source, publisher, date, the verbatim quote with its English gloss, and the full note."),
            ("sources", "every publication the registry cites",
             "List every publication the registry cites (calc/data/sources.yaml): publisher, title, date, "
             "language and, where the publisher's own page is known, its URL.")):
        s = sub.add_parser(name, help=f"list {what}", description=detail,
                           epilog=_examples(f"calc {name}", f"calc {name} --format json",
                                            f"calc {name} --format csv > {name}.csv"))
        s.add_argument("--format", choices=LIST_FORMATS, default="table",
                       help="table: readable text (default); json: a list of objects (see README); "
                            "csv: one row each")
        s.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    d = sub.add_parser("deals", help="the deals ledger: every compute deal with derived columns, or --totals per buyer",
                       description="List the deals ledger (calc/data/deals.yaml): each reported compute deal with "
                       "its buyer, provider, amount, power, chips, term and source, and derived columns (USD per "
                       "year, USD per GW, implied chips and power). --totals gives per-buyer totals with each deal "
                       "counted once ('up to' amounts apart).",
                       epilog=_examples("calc deals", "calc deals --buyer OpenAI", "calc deals --totals",
                                        "calc deals --format json > deals.json"))
    d.add_argument("--buyer", metavar="NAME", help="only this buyer's deals, e.g. --buyer OpenAI")
    d.add_argument("--totals", action="store_true", help="per-buyer totals, each deal counted once")
    d.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP.replace("one row per variant, "
                   "point and quantity", "one row per deal"))
    d.add_argument("--output", metavar="PATH", help="write to PATH (atomically) instead of stdout")
    d.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    c = sub.add_parser("check", help="validate the registry and scenario files, and run their checks",
                       description="Validate the registry (figures, sources, catalogue, defaults) and the "
                       "scenarios, run each scenario and report its checks. Without FILE: scenarios/*.yaml "
                       "in the working folder, else the shipped scenarios.",
                       epilog=_examples("calc check", "calc check my-scenario.yaml --strict"))
    c.add_argument("files", nargs="*", metavar="FILE", help=FILE_HELP)
    c.add_argument("--strict", action="store_true", help="exit 1 when a check does not hold")
    c.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return p


def parse_sets(items: list[str]) -> dict:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise CalcError(f"--set {item!r}: expected NAME=VALUE, e.g. --set pue=1.3 or --set 'facility_power=2 GW'")
        text = value.strip()
        try:
            out[name.strip()] = float(text)
        except ValueError:
            out[name.strip()] = text
    return out


def parse_displays(items: list[str]) -> dict:
    """``--display NAME=UNIT`` options as {name: unit}; a malformed one is a CalcError with an example."""
    out = {}
    for item in items:
        name, sep, unit = item.partition("=")
        if not sep or not name.strip() or not unit.strip():
            raise CalcError(f"--display {item!r}: expected NAME=UNIT, e.g. --display peak_compute=EFLOP/s "
                            "or --display arr_growth_per_month=%")
        out[name.strip()] = unit.strip()
    return out


def _progress():
    """A progress callback for long runs on a terminal; None in CI or when stderr is piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        if total < 2:
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} cases")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


PLOT_SUFFIXES = (".png", ".svg", ".pdf")
MAX_SEED = 2**63 - 1


def _check_run_options(args) -> None:
    """Refuse bad options before anything is loaded or run."""
    if args.format == "xlsx" and not args.output:
        raise CalcError("--format xlsx writes a binary file: give --output PATH.xlsx")
    if args.format in ("csv", "xlsx") and len(args.files) > 1:
        raise CalcError(f"--format {args.format} takes one scenario file; run the files one at a time")
    if args.output and len(args.files) > 1:
        raise CalcError("--output takes one scenario file; run the files one at a time")
    from calc.values import MAX_SAMPLES
    if args.samples is not None and not 0 <= args.samples <= MAX_SAMPLES:
        raise CalcError(f"--samples {args.samples}: expected a whole number from 0 to {MAX_SAMPLES:,}")
    if args.seed is not None and not 0 <= args.seed <= MAX_SEED:
        raise CalcError(f"--seed {args.seed}: expected a whole number from 0 to {MAX_SEED:,}")
    if args.plot and Path(args.plot).suffix.lower() not in PLOT_SUFFIXES:
        raise CalcError(f"--plot {args.plot}: expected a file name ending in {', '.join(PLOT_SUFFIXES)}")
    if args.plot and args.output and os.path.realpath(args.plot) == os.path.realpath(args.output):
        raise CalcError(f"--plot {args.plot}: is also the --output file; give two different names")


def cmd_run(args) -> int:
    from calc.output import write
    from calc.scenario import load

    sets = parse_sets(args.set)
    displays = parse_displays(args.display)
    _check_run_options(args)
    problems: list[str] = []
    scenarios = []
    for f in args.files:                         # every file is tried; each bad one is reported
        try:
            scenarios.append(load(f))
        except CalcError as exc:
            problems += exc.problems
    writes_files = bool(args.output or args.plot)
    if problems and writes_files:                # with --output or --plot a bad file means nothing written
        raise CalcError(problems)
    inputs = [*args.files, *(getattr(sc, "path", None) for sc in scenarios)]
    for option in ("--output", "--plot"):
        if getattr(args, option[2:]):
            check_target(getattr(args, option[2:]), option, inputs)
    results = []
    for sc in scenarios:
        try:
            res = sc.run(samples=args.samples, seed=args.seed, sets=sets, progress=_progress(),
                         sensitivity=args.sensitivity).with_display(displays)
        except CalcError as exc:
            if writes_files:
                raise
            problems += exc.problems
            continue
        results.append(res)
    if args.plot:
        from calc.output.plots import save_default_plot
        write_atomic(args.plot, lambda tmp: save_default_plot(results[0], tmp), "--plot")
    if args.format == "xlsx":
        from calc.output.xlsx import result_xlsx
        write_atomic(args.output, result_xlsx(results[0]))
    elif results:
        if args.format == "json" and len(args.files) > 1:       # one valid document: a list of runs
            from calc.output.json import dumps, result_document
            text = dumps([result_document(r) for r in results])
        else:
            shown = notes_once(results) if args.format in ("table", "markdown", "html") else results
            text = "\n".join(write(args.format, r) for r in shown)
        if args.output:
            write_atomic(args.output, text)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if problems:                                 # the good files were printed; now the bad ones
        raise CalcError(problems)
    from calc.output.layout import check_groups
    failed = [c for r in results for c, _ in check_groups(r) if not c.passed]     # each distinct result once
    impossible = [f for r in results for f in r.impossible()]
    if failed and args.format not in ("json", "csv") and args.output:
        print(f"{len(failed)} check(s) do not hold; see {args.output}", file=sys.stderr)
    if impossible and args.format not in ("json", "csv") and args.output:
        print(f"{len(impossible)} physically impossible figure(s); see {args.output}", file=sys.stderr)
    return 1 if (args.strict and (failed or impossible)) else 0


def notes_once(results: list) -> list:
    """Each assumption note printed once per run: in a later scenario's sources, a note an earlier
    one already showed reads 'name: as above'. (JSON and CSV keep every note: each document stands alone.)"""
    from dataclasses import replace
    from types import MappingProxyType

    from calc.citations import ASSUMPTION

    seen: set[str] = set()
    out = []
    for res in results:
        cit = res.citations.get(ASSUMPTION)
        if cit is not None and cit.notes:
            notes = tuple(n if n not in seen else f"{n.split(': ', 1)[0]}: as above" for n in cit.notes)
            seen |= set(cit.notes)
            res = replace(res, citations=MappingProxyType({**res.citations, ASSUMPTION: replace(cit, notes=notes)}))
        out.append(res)
    return out


def cmd_explain(args) -> int:
    from calc.scenario import load

    res = load(args.file).run(sets=parse_sets(args.set))
    print(res.explain(args.quantity, variant=args.variant, at=args.at))
    return 0


def cmd_solve(args) -> int:
    from calc.glossary import glossary
    from calc.scenario import load
    from calc.timeline.read import parse_solve

    if args.samples is not None and args.samples < 0:
        raise CalcError(f"--samples {args.samples}: expected 0 or more")
    sc = load(args.file)
    kind = next(k for k in ("equals", "at_most", "at_least") if getattr(args, k) is not None)
    node = {"for": args.for_, "so_that": args.so_that, kind: getattr(args, kind),
            "between": list(args.between) if args.between else None, "at": args.at}
    known = set(glossary()) | set(sc.base.values) | set(sc.derive)
    try:
        spec = parse_solve(node, sc.timeline.timeline if sc.timeline is not None else None, known)
    except CalcError as exc:
        raise CalcError([f"{sc.path}: solve: {p}" for p in exc.problems]) from None
    res = sc.run(samples=args.samples, seed=args.seed, sets=parse_sets(args.set), solve_request=spec)
    from calc.output.periods import solve_output
    sys.stdout.write(solve_output(res, args.format))
    return 0


def cmd_list(args) -> int:
    from calc.registry import registry

    reg = registry()
    items = list(reg.figures.values()) if args.command == "figures" else list(reg.sources.values())
    if args.format == "json":
        from calc.output.json import figures_json, sources_json
        sys.stdout.write(figures_json(items) if args.command == "figures" else sources_json(items))
    elif args.format == "csv":
        import pandas as pd

        from calc.output.json import figure_records
        records = figure_records(items, reg) if args.command == "figures" else [i.to_json() for i in items]
        sys.stdout.write(pd.DataFrame(records).to_csv(index=False))
    else:
        from calc.output.text import figures_text, sources_text
        sys.stdout.write(figures_text(items) if args.command == "figures" else sources_text(items))
    return 0


def cmd_deals(args) -> int:
    from calc import deal_table
    from calc.output import deals as out
    from calc.registry import registry

    if args.format == "xlsx" and not args.output:
        raise CalcError("--format xlsx writes a binary file: give --output PATH.xlsx")
    if args.output:
        check_target(args.output, "--output")
    reg = registry()
    frame = (deal_table.deal_totals if args.totals else deal_table.deals)(buyer=args.buyer, reg=reg)
    rates = deal_table.rates(reg)
    if args.format == "xlsx":
        totals = deal_table.deal_totals(buyer=args.buyer, reg=reg)
        deals = deal_table.deals(buyer=args.buyer, reg=reg)
        write_atomic(args.output, out.xlsx_bytes(deals, reg, totals))
        return 0
    text = {"table": lambda: out.text(frame, reg, rates, args.totals),
            "markdown": lambda: out.markdown(frame, reg, rates, args.totals),
            "csv": lambda: out.csv(frame), "json": lambda: out.json_text(frame),
            "html": lambda: out.html_text(frame, reg, rates, args.totals)}[args.format]()
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_check(args) -> int:
    from calc.registry import Registry
    from calc.scenario import load

    reg = Registry.load()
    print(f"registry: ok ({len(reg.figures)} figures, {len(reg.sources)} sources, "
          f"{len(reg.accelerators)} accelerators, {len(reg.defaults)} defaults)")
    if reg.ledger is not None and reg.ledger.deals:
        buyers = {d.buyer for d in reg.ledger.deals}
        print(f"deals: ok ({len(reg.ledger.deals)} deals from {len(buyers)} buyers, "
              f"{sum(d.counted for d in reg.ledger.deals)} counted in totals)")
    if args.files:
        files = args.files
    else:                           # ./scenarios when there is one, else the shipped scenarios
        from calc import shipped
        here = sorted(str(p) for p in Path("scenarios").glob("*.yaml"))
        files = here or [str(shipped.folder() / f"{n}.yaml") for n in shipped.names()]
    problems: list[str] = []
    failed = 0
    for f in files:
        try:
            res = load(f).run()
        except CalcError as exc:
            problems += exc.problems
            continue
        claims = list(dict.fromkeys((c.says, c.that) for c in res.checks))
        failing = {(c.says, c.that) for c in res.checks if not c.passed}
        failed += len(failing) + len(res.impossible())
        if not claims:
            print(f"{f}: ok, no checks (add 'checks:' to test the claims its sources make)")
        else:
            print(f"{f}: ok, {len(claims) - len(failing)} of {len(claims)} checks hold in every case")
        from calc.output.compact import where
        from calc.output.layout import check_groups
        for c, idx in check_groups(res):
            if not c.passed:
                print(f"  does not hold: {c.says} ({where(res, idx)}): {c.detail}")
        for finding in res.findings:
            print(f"  {finding.detail} ({finding.variant})")
    if problems:
        raise CalcError(problems)
    return 1 if (args.strict and failed) else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    with terminate_cleanly():
        return _main(argv, debug)


def _main(argv: list[str], debug: bool) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 2
        handler = {"run": cmd_run, "explain": cmd_explain, "figures": cmd_list, "sources": cmd_list,
                   "deals": cmd_deals, "check": cmd_check, "solve": cmd_solve}[args.command]
        return handler(args)
    except CalcError as exc:
        if debug:
            traceback.print_exc()
        print("\n".join(f"calc: {p}" for p in exc.problems), file=sys.stderr)
        return 2
    except ImportError as exc:
        if debug:
            traceback.print_exc()
        print(f"calc: {exc.name or exc} is not installed; install the extra that provides it, e.g. "
              "pip install -e '.[plots,xlsx]'", file=sys.stderr)
        return 2
    except SystemExit as exc:          # --help and --version: printed, done
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        print("calc: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("calc: terminated (SIGTERM)", file=sys.stderr)
        return 143
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still no traceback unless asked
        if debug:
            traceback.print_exc()
        else:
            print(f"calc: internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback; "
                  "please report it)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
