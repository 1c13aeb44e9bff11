"""The ``calc`` command: run scenarios, explain a result, list figures and sources, check
everything.

Exit status: 0 when it ran (a check that does not hold is a finding, shown in the output); 1 with
``--strict`` when a check does not hold or a finding is impossible, unusual or precision; 2 on bad
input, with a short message on stderr and never a traceback (``--debug`` shows one).
``--output`` is written atomically: a failed run leaves an existing file untouched.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from pathlib import Path

from calc import cache_dir
from calc.errors import CalcError
from calc.optional import need
from calc.output.files import (  # noqa: F401 -- re-exported
    Terminated, check_target, output_format, terminate_cleanly, unknown_suffix, write_atomic)

from calc.cli_parser import (  # noqa: F401 -- the parser, importable from here
    FLOW_FORMATS, FORMATS, LIST_FORMATS, build_parser)


def parse_sets(items: list[str]) -> dict:
    """``--set NAME=VALUE`` options as {name: value}, each VALUE read as a file reads it unquoted
    (``yamlio.plain``: ``1.3`` is a number, ``1_2`` is text and then refused as a quantity)."""
    from calc.scenario import CommandLineSets
    from calc.values import DATE_INPUTS
    from calc.yamlio import plain

    out = CommandLineSets()
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise CalcError(f"--set {item[:200]!r}: expected NAME=VALUE, e.g. --set pue=1.3 or "
                            "--set 'facility_power=2 GW'")
        name = name.strip()
        if name in out:
            raise CalcError(f"--set {name[:200]}: given twice ({name[:200]}={out[name]!s:.200} and "
                            f"{name[:200]}={value.strip()[:200]}); give each name once")
        # a date input keeps its text: '0000' is year 0 (refused as such), not the number 0
        out[name] = value.strip() if name in DATE_INPUTS else plain(value.strip(),
                                                                    f"--set {name[:200]}")
    return out


def parse_displays(items: list[str]) -> dict:
    """``--display NAME=UNIT`` options as {name: unit}; a malformed one is a CalcError with an
    example."""
    out = {}
    for item in items:
        name, sep, unit = item.partition("=")
        if not sep or not name.strip() or not unit.strip():
            raise CalcError(f"--display {item!r}: expected NAME=UNIT, "
                            "e.g. --display peak_compute=EFLOP/s "
                            "or --display arr_growth_per_month=%")
        out[name.strip()] = unit.strip()
    return out


def _progress(force: bool = False):
    """The progress bar (``calc.progress.Bar``) on stderr: with ``--progress`` (``force``) from
    the start, wherever stderr goes; else on a terminal, for runs over about 2 s (not in CI)."""
    from calc.progress import Bar

    tty = sys.stderr.isatty()
    if force:
        return Bar(sys.stderr, tty, delay=0.0)
    if not tty or os.environ.get("CI"):
        return None
    return Bar(sys.stderr, tty, delay=2.0)


PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def resolve_format(args, allowed: tuple[str, ...], what: str) -> None:
    """Set ``args.format``: ``--format``, else the one ``--output``'s extension names, else table
    (``calc.output.files.output_format``); a contradiction is refused before anything runs. A
    note on stderr says when an extension that names no format (``r.out``) gets the text table."""
    output = getattr(args, "output", None)
    given = args.format
    try:
        args.format = output_format(given, output, allowed, what)
    except CalcError:
        if output:                  # a target calc must never write says so first
            check_target(output, "--output", getattr(args, "files", None) or [])
        raise
    odd = unknown_suffix(output) if given is None else None
    if odd:                         # a target calc refuses says so, without the note first
        check_target(output, "--output", getattr(args, "files", None) or [])
        print(f"calc: note: --output {output}: {odd} names no format; writing the text table "
              f"(--format {'|'.join(allowed)} chooses one)", file=sys.stderr)


def _check_run_options(args) -> None:
    """Refuse bad options before anything is loaded or run."""
    if args.format == "xlsx" and not args.output:
        raise CalcError("--format xlsx writes a binary file: give --output PATH.xlsx")
    if args.brief:
        from calc.output import brief_writer
        brief_writer(args.format)                      # refuses json, csv, html, xlsx
    if args.output and len(args.files) > 1:
        raise CalcError("--output takes one scenario file; run the files one at a time")
    if args.format in ("csv", "xlsx") and len(args.files) > 1:
        raise CalcError(f"--format {args.format} takes one scenario file; "
                        "run the files one at a time")
    from calc.values import MAX_SAMPLES, MAX_SEED
    if args.samples is not None and not 0 <= args.samples <= MAX_SAMPLES:
        raise CalcError(f"--samples {args.samples}: "
                        f"expected a whole number from 0 to {MAX_SAMPLES:,}")
    if args.seed is not None and not 0 <= args.seed <= MAX_SEED:
        raise CalcError(f"--seed {args.seed}: expected a whole number from 0 to {MAX_SEED:,}")
    given = [o for o in ("kind", "quantity", "variant") if getattr(args, f"plot_{o}")]
    if given and not args.plot:
        raise CalcError(f"--plot-{given[0]} needs --plot PATH (.png, .svg or .pdf) to draw to")
    if args.plot and Path(args.plot).suffix.lower() not in PLOT_SUFFIXES:
        raise CalcError(f"--plot {args.plot}: expected a file name ending in "
                        f"{', '.join(PLOT_SUFFIXES)}")
    if args.periods is not None and args.format != "table":
        raise CalcError(f"--periods {args.periods}: folds the terminal table only; "
                        f"--format {args.format} always shows every period (drop --periods)")
    if args.at is not None and not args.sensitivity:
        raise CalcError(f"--at {args.at}: names the period the tornado ranks outputs in; add "
                        "--sensitivity (or drop --at)")
    if args.plot and args.output and os.path.realpath(args.plot) == os.path.realpath(args.output):
        raise CalcError(f"--plot {args.plot}: is also the --output file; give two different names")


def cmd_run(args) -> int:
    from calc.output import writer
    from calc.scenario import load

    sets = parse_sets(args.set)
    displays = parse_displays(args.display)
    resolve_format(args, FORMATS, "calc run")
    _check_run_options(args)
    problems: list[str] = []
    scenarios = []
    for f in args.files:  # every file is tried; each bad one is reported. A Path: never YAML text
        try:
            scenarios.append(load(Path(f)))
        except CalcError as exc:
            problems += exc.problems
    writes_files = bool(args.output or args.plot)
    if problems and writes_files:  # with --output or --plot a bad file means nothing written
        raise CalcError(problems)
    inputs = [*args.files, *(getattr(sc, "path", None) for sc in scenarios)]
    for option in ("--output", "--plot"):
        if getattr(args, option[2:]):
            check_target(getattr(args, option[2:]), option, inputs)
    results = []
    for sc in scenarios:
        bar = _progress(args.progress)
        try:
            if args.at is not None:                     # before the run: a period of this file
                sc.axis.index_of(args.at, "--at" if len(args.files) == 1
                                 else f"--at (for {sc.path})")
            res = sc.run(samples=args.samples, seed=args.seed, sets=sets, progress=bar,
                         sensitivity=args.sensitivity and args.at is None,
                         for_output=True).with_display(displays)
            if args.at is not None:                     # the tornado in that period
                res = res.with_sensitivity(args.at)
        except CalcError as exc:
            if writes_files:
                raise
            problems += exc.problems
            continue
        finally:
            if bar is not None:
                bar.close()
        results.append(res)
    if args.plot:
        from calc.output.plots import save_plot
        write_atomic(args.plot,
                     lambda tmp: save_plot(results[0], tmp, args.plot_kind, args.plot_quantity,
                                           variant=args.plot_variant),
                     "--plot")
    if args.format == "xlsx":
        from calc.output.xlsx import result_xlsx
        write_atomic(args.output, result_xlsx(results[0]))
    elif results and args.brief:
        from calc.output import brief_writer
        wide = _file_width(args)
        text = "\n".join(brief_writer(args.format)(r, *wide) for r in results)
        if args.output:
            write_atomic(args.output, text)
        else:
            sys.stdout.write(text)
    elif results:
        if args.format == "json" and len(args.files) > 1:       # one valid document: a list of runs
            from calc.output.json import dumps, result_document
            text = dumps([result_document(r) for r in results])
        else:
            shown = notes_once(results) if args.format in ("table", "markdown", "html") else results
            if args.format == "table" and args.periods != "all":
                from calc.output.fold import fold
                shown = [fold(r) for r in shown]
            wide = _file_width(args)
            text = "\n".join(writer(args.format)(r, *wide) for r in shown)
        if args.output:
            write_atomic(args.output, text)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if problems:                                 # the good files were printed; now the bad ones
        raise CalcError(problems)
    if not (args.strict or (args.output and args.format not in ("json", "csv"))):
        return 0                                 # nothing below would be said
    from calc.output.layout import check_groups
    # each distinct result once
    failed = [c for r in results for c, _ in check_groups(r) if not c.passed]
    impossible = [f for r in results for f in r.impossible()]
    unusual = [f for r in results for f in r.failing() if f.kind != "impossible"]
    if failed and args.format not in ("json", "csv") and args.output:
        print(f"{len(failed)} check(s) do not hold; see {args.output}", file=sys.stderr)
    if impossible and args.format not in ("json", "csv") and args.output:
        print(f"{len(impossible)} physically impossible figure(s); see {args.output}",
              file=sys.stderr)
    if unusual and args.format not in ("json", "csv") and args.output:
        print(f"{len(unusual)} unusual figure(s); see {args.output}", file=sys.stderr)
    return 1 if (args.strict and (failed or impossible or unusual)) else 0


def notes_once(results: list) -> list:
    """Each assumption note printed once per run: in a later scenario's sources, a note an earlier
    one already showed reads 'name: as above'. (JSON and CSV keep every note: each document stands
    alone.)"""
    from dataclasses import replace
    from types import MappingProxyType

    from calc.citations import ASSUMPTION

    seen: set[str] = set()
    out = []
    for res in results:
        cit = res.citations.get(ASSUMPTION)
        if cit is not None and cit.notes:
            notes = tuple(n if n not in seen else f"{n.split(': ', 1)[0]}: as above"
                          for n in cit.notes)
            seen |= set(cit.notes)
            res = replace(res, citations=MappingProxyType(
                {**res.citations, ASSUMPTION: replace(cit, notes=notes)}))
        out.append(res)
    return out


def cmd_explain(args) -> int:
    from calc.scenario import load

    sc = load(Path(args.file))
    if args.at is not None:             # before the run: a period of this file's timeline
        sc.axis.index_of(args.at, "--at")
    res = sc.run(sets=parse_sets(args.set))
    point = {}
    for item in args.point:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise CalcError(f"--point {item[:200]!r}: expected NAME=VALUE, e.g. "
                            "--point 'arr_horizon=10 month'")
        name, value = name.strip(), " ".join(value.split())
        if name in point:
            raise CalcError(f"--point {name}: given twice ({name}={point[name]} and "
                            f"{name}={value}); give each swept name once")
        point[name] = value
    print(res.explain(args.quantity, variant=args.variant, point=point or None, at=args.at))
    return 0


def cmd_solve(args) -> int:
    from calc.glossary import glossary
    from calc.scenario import load
    from calc.scenario_keys import parse_solve

    if args.samples is not None and args.samples < 0:
        raise CalcError(f"--samples {args.samples}: expected 0 or more")
    sc = load(Path(args.file))
    kind = next(k for k in ("equals", "at_most", "at_least") if getattr(args, k) is not None)
    node = {"for": args.for_, "so_that": args.so_that, kind: getattr(args, kind),
            "between": list(args.between) if args.between else None, "at": args.at}
    known = (set(glossary()) | set(sc.base.values) | set(sc.derive)
             | set(sc.formulas))
    # the flags were wrong, not the file: each message names its flag (--between)
    spec = parse_solve(node, sc.axis.timeline, known, flags=True)
    bar = _progress(args.progress)
    try:
        res = sc.run(samples=args.samples, seed=args.seed, sets=parse_sets(args.set),
                     solve_request=spec, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    from calc.output.layout import solve_output
    sys.stdout.write(solve_output(res, args.format))
    unsolved = [c for c in res.checks if c.says == f"solve {spec['for']}" and not c.passed]
    # as calc run: a finding --strict fails on (a bracket far beyond the typical range) exits 1
    return 1 if args.strict and (unsolved or res.failing()) else 0


def cmd_list(args) -> int:
    from calc.registry import registry

    resolve_format(args, LIST_FORMATS, f"calc {args.command}")
    if args.output:
        check_target(args.output, "--output")
    reg = registry()
    items = list(reg.figures.values()) if args.command == "figures" else list(reg.sources.values())
    if args.format == "json":
        from calc.output.json import figures_json, sources_json
        text = figures_json(items) if args.command == "figures" else sources_json(items)
    elif args.format == "csv":
        pd = need("pandas")

        from calc.output.json import figure_records
        records = (figure_records(items, reg) if args.command == "figures"
                   else [i.to_json() for i in items])
        text = pd.DataFrame(records).to_csv(index=False)
    else:
        from calc.output.text import figures_text, sources_text
        text = figures_text(items) if args.command == "figures" else sources_text(items)
    return _emit(args, text)


def _emit(args, text: str | bytes) -> int:
    """Write ``text`` to ``--output`` (atomically) or stdout; exit status 0."""
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def _file_width(args) -> tuple:
    """The width argument of ``calc run``'s table writer: (``FILE_WIDTH``,) for a table written
    to a file with --output, whatever the terminal; () otherwise (the terminal's width)."""
    if args.format != "table" or not args.output:
        return ()
    from calc.output.terminal import FILE_WIDTH
    return (FILE_WIDTH,)


def cmd_deals(args) -> int:
    from calc import deal_table, ledger_count
    from calc.output import deals as out
    from calc.output.terminal import terminal_width
    from calc.registry import registry

    if args.plot and args.output and os.path.realpath(args.plot) == os.path.realpath(args.output):
        raise CalcError(f"--plot {args.plot}: is also the --output file; give two different names")
    resolve_format(args, FLOW_FORMATS if args.flows else FORMATS,
                   "calc deals --flows" if args.flows else "calc deals")
    if args.format == "xlsx" and not args.output and not args.flows:
        raise CalcError("--format xlsx writes a binary file: give --output PATH.xlsx")
    if args.output:
        check_target(args.output, "--output")
    reg = registry()
    day = _as_of(args)                       # refuses a bad date before anything is said
    note = ledger_count.as_of_note(args.as_of)
    if note:
        print(f"calc: note: {note}", file=sys.stderr)
    if args.flows or args.plot:
        return _deal_flows(args, reg)
    frame = (deal_table.deal_totals if args.totals else deal_table.deals)(buyer=args.buyer, reg=reg,
                                                                            as_of=day)
    if args.totals:                          # every written total records its day
        frame = frame.assign(as_of=day.isoformat())
    rates = deal_table.rates(reg)
    if args.format == "xlsx":
        totals = deal_table.deal_totals(buyer=args.buyer, reg=reg, as_of=day).assign(
            as_of=day.isoformat())
        deals = deal_table.deals(buyer=args.buyer, reg=reg, as_of=day)
        write_atomic(args.output, out.xlsx_bytes(deals, reg, totals, active=args.totals))
        return 0
    text = {"table": lambda: out.text(frame, reg, rates, args.totals,
                                      None if args.output else terminal_width()),
            "markdown": lambda: out.markdown(frame, reg, rates, args.totals),
            "csv": lambda: out.csv(frame), "json": lambda: out.json_text(frame),
            "html": lambda: out.html_text(frame, reg, rates, args.totals)}[args.format]()
    return _emit(args, text)


def _as_of(args):
    from calc.ledger_count import as_of_day

    return as_of_day(args.as_of, "--as-of")


def _deal_flows(args, reg) -> int:
    """``calc deals --flows [--plot PATH]``: edges and round trips as table, Markdown, JSON or
    CSV."""
    from calc import ledger_flows as deal_flows
    from calc.output.json import dumps

    if not args.flows:
        raise CalcError("--plot draws the flows: give --flows with it "
                        "(calc deals --flows --plot PATH)")
    if args.totals or args.buyer:
        raise CalcError("--flows shows every company's money; drop --totals and --buyer")
    if args.format not in FLOW_FORMATS:
        raise CalcError(f"--flows prints table, markdown, json or csv, not {args.format}")
    if args.plot:
        if Path(args.plot).suffix.lower() not in PLOT_SUFFIXES:
            raise CalcError(f"--plot {args.plot}: expected a file name ending in "
                            f"{', '.join(PLOT_SUFFIXES)}")
        check_target(args.plot, "--plot")
    data = deal_flows.flows(_as_of(args), reg=reg)
    from calc.output.terminal import terminal_width

    width = None if args.output else terminal_width()
    text = {"table": lambda d: deal_flows.text(d, width), "markdown": deal_flows.markdown,
            "csv": deal_flows.csv_text, "json": lambda d: dumps(d)}[args.format](data)
    if args.plot:
        from calc.output.plots import close, flows_chart

        def draw(tmp):
            fig = flows_chart(data, reg)
            try:
                fig.savefig(tmp, format=Path(args.plot).suffix.lower().lstrip("."))
            finally:
                close(fig)
        write_atomic(args.plot, draw, "--plot")
    return _emit(args, text)


def cmd_schema(args) -> int:
    from calc.output.schema import schema_json

    text = schema_json()
    if args.output:
        check_target(args.output, "--output", [])
        if Path(args.output).suffix.lower() in (".xlsx", ".html", ".htm", ".csv", ".md"):
            output_format(None, args.output, ("json",), "calc schema")  # names the fix
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
        from calc.ledger_count import Counting, as_of_day
        counting = Counting(reg.ledger, as_of_day())
        print(f"deals: ok ({len(reg.ledger.deals)} deals from {len(buyers)} buyers, "
              f"{sum(bool(counting.parts(d)) for d in reg.ledger.deals)} counted in totals today)")
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
            res = load(Path(f)).run()
        except CalcError as exc:
            problems += exc.problems
            continue
        claims = list(dict.fromkeys((c.says, c.that) for c in res.checks))
        failing = {(c.says, c.that) for c in res.checks if not c.passed}
        failed += len(failing) + len(res.failing())
        if not claims:
            print(f"{f}: ok, no checks (add 'checks:' to test the claims its sources make)")
        else:
            print(f"{f}: ok, {len(claims) - len(failing)} of {len(claims)} "
                  "checks hold in every case")
        from calc.output.compact import where
        from calc.output.layout import check_groups, finding_line
        for c, idx in check_groups(res):
            if not c.passed:
                print(f"  does not hold: {c.says} ({where(res, idx)}): {c.detail}")
        for finding in res.findings:
            print(f"  {finding_line(finding)}")
    if problems:
        raise CalcError(problems)
    return 1 if (args.strict and failed) else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: this program's arguments); the exit status.

    Run as the program (no ``argv``), it freezes the objects still alive at the end, so that the
    interpreter's last garbage collection skips them (about 40-70 ms of a 0.3 s run, measured on
    ``calc run nvidia-1gw --samples 0``); output files are closed and streams flushed as always.
    Called with ``argv`` (tests, notebooks) the collector is left alone.
    """
    as_program = argv is None
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    with terminate_cleanly():
        status = _main(argv, debug)
    if debug and cache_dir.why_off:
        print(f"calc: no cache this run: {cache_dir.why_off}", file=sys.stderr)
    if as_program:
        gc.freeze()
    return status


def _main(argv: list[str], debug: bool) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 2
        handler = {"run": cmd_run, "explain": cmd_explain, "figures": cmd_list, "sources": cmd_list,
                   "deals": cmd_deals, "check": cmd_check, "solve": cmd_solve,
                   "schema": cmd_schema}[args.command]
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
            print(f"calc: internal error: {type(exc).__name__}: {exc} "
                  "(run with --debug for a traceback; please report it)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
