"""How fast, and in how little memory, calc refuses hostile input (issues 10 and 19: each under 2 s and
200 MB).

    .venv/bin/python benchmarks/refusals.py            # every case, worst case last
    .venv/bin/python benchmarks/refusals.py --accepted # and the largest accepted runs' memory

Each case is the real command (``python -m calc.cli ...``) in a fresh process, in a folder of its
own, so the time and the peak memory (the process's maximum resident set, from ``wait4``) include
Python's start-up and calc's imports: what a user waits for. The exit status must be 2 and the
message must start with ``calc:``; a case that is not refused is reported as such. Nothing is
asserted on time: the machines are shared and noisy; the numbers are for reading.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASE = """\
name: t
inputs:
  facility_power: {value: 1 GW, source: assumption, note: test}
  pue: {value: 1.25, source: assumption, note: test}
  it_power_per_chip: {value: 2 kW/chip, source: assumption, note: test}
outputs: [chips]
"""


TIMELINE = (ROOT / "scenarios" / "openai-commitments.yaml").read_text(encoding="utf-8")

HAND = """\
name: hand
timeline: {start: 2026, end: 2028, step: year}
commitments:
  base_deal: {amount: {value: 36 billion USD, source: assumption, note: t}, start: 2026, term: 3 yr}
inputs:
  arr_end: {value: 12 billion USD/yr, source: assumption, note: t}
  arr_as_of: {value: 2026-01, source: assumption, note: t}
  arr_growth_per_month: {value: 0, source: assumption, note: t}
outputs: [revenue, commitment_spend, cumulative_gap]
"""

SIX_AXES = """\
name: six
accelerator: gb200-superchip
inputs:
  facility_power: {value: 1 GW, source: assumption, note: t}
outputs: [chips, capex, compute_per_year, cost_per_year]
samples: 0
sweep:
  facility_power: {from: 0.5 GW, to: 5 GW, steps: 10}
  electricity_price: {from: 40 USD/MWh, to: 120 USD/MWh, steps: 10}
  pue: {from: 1.1, to: 1.5, steps: 10}
  mfu: {from: 0.2, to: 0.6, steps: 10}
  load_factor: {from: 0.5, to: 0.9, steps: 10}
  it_lifetime: {from: 3 yr, to: 7 yr, steps: 10}
"""


def hand(old: str, new: str) -> str:
    assert HAND.count(old) == 1, old
    return HAND.replace(old, new)


def bomb(use: str, fan: int = 9, levels: int = 9) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * fan)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n" + BASE.replace("outputs: [chips]\n", "") + f"{use}: *l{levels - 1}\n"


def nested(open_: str, close: str, depth: int) -> str:
    return BASE + "description: " + open_ * depth + close * depth + "\n"


def with_input(value: str) -> str:
    return BASE.replace("value: 1.25,", f"value: {value},")


# a century of months with 8 derives and a sampled growth: 11 names computed per row
MONTHS = hand("{start: 2026, end: 2028, step: year}", "{start: 2026, end: 2125, step: month}")
MONTHS = MONTHS.replace("value: 0, source", "range: [0, 0.02], source") + "derive:\n" + "".join(
    f'  d{i}: {{expr: "revenue * {i + 1}", unit: USD}}\n' for i in range(8))

# name -> (files, arguments after 'calc'); 's.yaml' is the scenario unless the arguments say otherwise
CASES: dict[str, tuple[dict[str, str | bytes], list[str]]] = {
    "nesting, 200 [": ({"s.yaml": nested("[", "]", 200)}, ["run", "s.yaml"]),
    "nesting, 50,000 [": ({"s.yaml": nested("[", "]", 50_000)}, ["run", "s.yaml"]),
    "nesting, 50,000 {a:": ({"s.yaml": nested("{a: ", "}", 50_000)}, ["run", "s.yaml"]),
    "nesting, 300,000 [ (just under 1 MB)": ({"s.yaml": nested("[", "]", 300_000)}, ["run", "s.yaml"]),
    "billion laughs as outputs": ({"s.yaml": bomb("outputs")}, ["run", "s.yaml"]),
    "billion laughs as name": ({"s.yaml": bomb("name")}, ["run", "s.yaml"]),
    "billion laughs as pue value": ({"s.yaml": bomb("pue").replace("pue: *l8", "pue2: {value: *l8}")},
                                    ["run", "s.yaml"]),
    "alias fan-out 1,000 x 3 levels": ({"s.yaml": bomb("outputs", fan=1000, levels=3)}, ["run", "s.yaml"]),
    "alias just under the limit (1,111 values) as outputs": (
        {"s.yaml": bomb("outputs", fan=10, levels=3)}, ["run", "s.yaml"]),
    "100,001 plain values (under 1 MB)": ({"s.yaml": BASE + "description: [" + ", ".join(["1"] * 100_001) + "]\n"},
                                          ["run", "s.yaml"]),
    "file of 1,000,001 bytes": ({"s.yaml": BASE + "#" + "x" * (1_000_001 - len(BASE) - 2) + "\n"},
                                ["run", "s.yaml"]),
    "--set 1 W**9**9**9": ({"s.yaml": BASE}, ["run", "s.yaml", "--set", "facility_power=1 W**9**9**9"]),
    "input value 1 W**9**9**9": ({"s.yaml": BASE.replace("value: 1 GW,", 'value: "1 W**9**9**9",')},
                                ["run", "s.yaml"]),
    "derive unit W**9**9**9": ({"s.yaml": BASE + 'derive:\n  x: {expr: "chips * 1 W", unit: "W**9**9**9"}\n'},
                               ["run", "s.yaml"]),
    "expression 1 W**64**64**64": ({"s.yaml": BASE + 'derive:\n  x: "1 W**64**64**64"\n'}, ["run", "s.yaml"]),
    "expression (2 W) ** 64 ** 64": ({"s.yaml": BASE + 'derive:\n  x: "(2 W) ** 64 ** 64"\n'}, ["run", "s.yaml"]),
    "sweep value 1 W**9**9**9": ({"s.yaml": BASE + 'sweep:\n  facility_power: ["1 W**9**9**9"]\n'},
                                 ["run", "s.yaml"]),
    "--output onto the input": ({"s.yaml": BASE}, ["run", "s.yaml", "--format", "json", "--output", "s.yaml"]),
    "--output ./x/../s.yaml": ({"s.yaml": BASE, "x/keep": ""}, ["run", "s.yaml", "--output", "./x/../s.yaml"]),
    "--output /dev/null": ({"s.yaml": BASE}, ["run", "s.yaml", "--output", "/dev/null"]),
    "--output a folder": ({"s.yaml": BASE, "x/keep": ""}, ["run", "s.yaml", "--output", "x"]),
    "--output into a missing folder": ({"s.yaml": BASE}, ["run", "s.yaml", "--output", "nope/o.json"]),
    "--output /proc/x.json": ({"s.yaml": BASE}, ["run", "s.yaml", "--output", "/proc/x.json"]),
    "--plot nope/p.png": ({"s.yaml": BASE}, ["run", "s.yaml", "--plot", "nope/p.png"]),
    "--seed -1": ({"s.yaml": BASE}, ["run", "s.yaml", "--seed", "-1"]),
    "pue 1:20 (base 60)": ({"s.yaml": with_input("1:20")}, ["run", "s.yaml"]),
    "pue on": ({"s.yaml": with_input("on")}, ["run", "s.yaml"]),
    "400-digit integer": ({"s.yaml": with_input("1" + "0" * 399)}, ["run", "s.yaml"]),
    "within: 25 (no unit)": ({"s.yaml": BASE + "checks:\n  - {says: x, source: assumption, note: n, that: chips, "
                                          "near: 400000 chip, within: 25}\n"}, ["run", "s.yaml"]),
    "sweep facility_pwer (typo), 10^6 points x 1,000 samples": (
        {"s.yaml": BASE + "sweep:\n  facility_pwer: {from: 1 GW, to: 2 GW, steps: 1000000}\nsamples: 1000\n"},
        ["run", "s.yaml"]),
    "sweep mfu (nothing uses it), 1,000 points x 1,000 samples": (
        {"s.yaml": BASE + "sweep:\n  mfu: {from: 0.3, to: 0.5, steps: 1000}\nsamples: 1000\n"}, ["run", "s.yaml"]),
    "derive named after a figure id": ({"s.yaml": BASE + 'derive:\n  pue_ai_campus: "3"\n'}, ["run", "s.yaml"]),
    "a correlation pair twice, opposite signs": (
        {"s.yaml": BASE.replace("value: 1.25,", "range: [1.1, 1.4],").replace("value: 2 kW/chip,", "range: [1 kW/chip, 2 kW/chip],")
         + "correlations:\n  - [pue, it_power_per_chip, 0.5]\n  - [it_power_per_chip, pue, -0.5]\n"}, ["run", "s.yaml"]),
    "derive chips ** chips": ({"s.yaml": BASE + "derive:\n  x: chips ** chips\n"}, ["run", "s.yaml"]),
    "two variants x 10^6-point sweep": (
        {"s.yaml": BASE + "variants:\n  v1: {description: one}\n  v2: {description: two}\n"
                          "sweep:\n  facility_power: {from: 1 GW, to: 2 GW, steps: 1000000}\n"}, ["run", "s.yaml"]),
    "10^6-point sweep x 2,000,000 samples": (
        {"s.yaml": BASE + "sweep:\n  facility_power: {from: 1 GW, to: 2 GW, steps: 1000000}\n"},
        ["run", "s.yaml", "--samples", "2000000"]),
    "timeline of 24,000 months": ({"s.yaml": TIMELINE.replace("{start: 2025, end: 2033, step: year}",
                                                             "{start: 1000, end: 2999, step: month}")},
                                  ["run", "s.yaml"]),
    "solve so_that x ** 9 ** 9 ** 9": ({"s.yaml": TIMELINE.replace("so_that: cumulative_gap",
                                                                   "so_that: cumulative_gap ** 9 ** 9 ** 9")},
                                       ["run", "s.yaml", "--samples", "0"]),
    "timeline 1,200 months x 500,000-point sweep": (
        {"s.yaml": TIMELINE[:TIMELINE.index("solve:")].replace("{start: 2025, end: 2033, step: year}",
                                                               "{start: 2025, end: 2124, step: month}")
         + "sweep:\n  arr_end: {from: 10 billion USD/yr, to: 30 billion USD/yr, steps: 500000}\n"},
        ["run", "s.yaml", "--samples", "0"]),
    "solve over 2,000,000 samples": ({"s.yaml": TIMELINE}, ["run", "s.yaml", "--samples", "2000000"]),
    "three files, one bad": ({"a.yaml": BASE, "b.yaml": with_input("1:20"), "c.yaml": BASE},
                             ["run", "a.yaml", "b.yaml", "c.yaml"]),
    # issue 19, part 2
    "timeline start 0000": ({"s.yaml": hand("start: 2026, end", 'start: "0000", end')}, ["run", "s.yaml"]),
    "timeline start 0000-Q1": ({"s.yaml": hand("start: 2026, end", 'start: "0000-Q1", end')}, ["run", "s.yaml"]),
    "schedule key 0000": ({"s.yaml": hand("start: 2026, term: 3 yr}", 'schedule: {"0000": 50 %, 2027: 50 %}}')},
                          ["run", "s.yaml"]),
    "check at 0000": ({"s.yaml": HAND + 'checks:\n  - {says: x, source: assumption, note: n, that: revenue, '
                                        'at: "0000", near: 1 USD, within: 10%}\n'}, ["run", "s.yaml"]),
    "explain --at 0000": ({"s.yaml": HAND}, ["explain", "s.yaml", "revenue", "--at", "0000"]),
    "check a.yaml bad.yaml c.yaml (year 0)": (
        {"a.yaml": BASE, "b.yaml": hand("start: 2026, end", 'start: "0000", end'), "c.yaml": BASE},
        ["check", "a.yaml", "b.yaml", "c.yaml"]),
    "timeline start in fullwidth digits": ({"s.yaml": hand("start: 2026, end", 'start: "２０２６", end')},
                                           ["run", "s.yaml"]),
    "pue in Arabic-Indic digits": ({"s.yaml": with_input('"٣"')}, ["run", "s.yaml"]),
    "derive ((1 kW) ** 64) ** 3": ({"s.yaml": BASE + 'derive: {x: "((1 kW) ** 64) ** 3"}\n'}, ["run", "s.yaml"]),
    "--set pue=1_2": ({"s.yaml": BASE}, ["run", "s.yaml", "--set", "pue=1_2"]),
    "--output calc/units.txt": ({"s.yaml": BASE}, ["run", "s.yaml", "--output", str(ROOT / "calc" / "units.txt")]),
    "schema --output into calc/": ({}, ["schema", "--output", str(ROOT / "calc" / "schema.json")]),
    "--output of a 300-character name": ({"s.yaml": BASE}, ["run", "s.yaml", "--output", "a" * 300 + ".json"]),
    "logistic arr_ceiling below arr_end": (
        {"s.yaml": hand("inputs:\n", "models: {arr_at: arr_at_logistic}\ninputs:\n"
                        "  arr_ceiling: {value: 1 billion USD/yr, source: assumption, note: t}\n")},
        ["run", "s.yaml"]),
    "growth -100 % a month before arr_as_of": (
        {"s.yaml": hand("value: 0, source", "value: -1, source").replace("2026-01,", "2026-07,")},
        ["run", "s.yaml"]),
    "a NUL byte": ({"s.yaml": BASE.replace("note: test}", "note: te\0st}", 1)}, ["run", "s.yaml"]),
    "--buyer of 100,000 characters": ({}, ["deals", "--buyer", "x" * 100_000]),
    "six sweep axes of 10 values (10^6 cases x 4 outputs)": ({"s.yaml": SIX_AXES}, ["run", "s.yaml"]),
    "six sweep axes x one check (10^6 check results)": (
        {"s.yaml": SIX_AXES + "checks:\n  - {says: x, source: assumption, note: n, that: chips, above: 1 chip}\n"},
        ["run", "s.yaml"]),
    "run --sensitivity --at 0000": ({"s.yaml": HAND},
                                    ["run", "s.yaml", "--sensitivity", "--at", "0000"]),
    "solve --at 0000": ({"s.yaml": HAND},
                        ["solve", "s.yaml", "--for", "arr_end", "--so-that", "cumulative_gap",
                         "--equals", "0", "--between", "1e9", "1e12", "--at", "0000"]),
    "--plot calc/x.png": ({"s.yaml": BASE},
                          ["run", "s.yaml", "--plot", str(ROOT / "calc" / "x.png")]),
    "--output a link to calc/units.txt": ({"s.yaml": BASE},
                                          ["run", "s.yaml", "--output", "link.txt"]),
    "file argument '{a: 1}' (YAML text, no such file)": ({}, ["run", "{a: 1}"]),
    "file argument of 300 characters": ({}, ["run", "a" * 300]),
    "1,200 months x 16,000 samples x 8 derives (3.5 GB before)": (
        {"s.yaml": MONTHS}, ["run", "s.yaml", "--samples", "16000"]),
}

# Python calls (issue 19): each must raise a CalcError; run with calc, BASE and HAND at hand. The
# 100 MB YAML text is built before the clock starts; its own 100 MB are in its process's peak RSS.
LIBRARY: dict[str, str] = {
    "sc.run(sets={1: 2})": "calc.load(BASE).run(sets={1: 2})",
    "calc.evaluate with calc.Q(10**400, 'GW')": (
        "calc.evaluate(['chips'], {'facility_power': calc.Q(10**400, 'GW'), 'pue': 1.25, "
        "'it_power_per_chip': '2 kW/chip'})"),
    "calc.deals(buyer=5)": "calc.deals(buyer=5)",
    "calc.deal_totals(buyer=['OpenAI'])": "calc.deal_totals(buyer=['OpenAI'])",
    "res.with_display(['chips'])": "calc.load(BASE).run().with_display(['chips'])",
    "res.value('revenue', at='0000')": "calc.load(HAND).run().value('revenue', at='0000')",
    "calc.Q(b'1 GW')": "calc.Q(b'1 GW')",
    "calc.load() of a 100 MB YAML string": "calc.load(BIG)",
    "calc.load() of a 5,000-character name": "calc.load('a' * 5000)",
    "a quantity of another pint registry": (
        "calc.evaluate(['chips'], {'facility_power': OTHER.Quantity(1, 'GW'), 'pue': 1.25, "
        "'it_power_per_chip': '2 kW/chip'})"),
}
BIG = "BIG = 'name: t\\n' * 12_500_000\n"     # 100 MB of YAML text, built without a second copy
# another unit registry whose GW is a watt
OTHER = "import pint\nOTHER = pint.UnitRegistry()\nOTHER.define('GW = 1 W')\n"


def library_setup(code: str) -> str:
    """What ``code`` needs before the clock starts: calc, the 100 MB text and the other unit
    registry where they are used."""
    return ("import calc\n" + (BIG if "BIG" in code else "")
            + (OTHER if "OTHER" in code else ""))


# Accepted runs (issue 19, size): every run calc accepts must stay under 2 GiB. The README's memory
# benchmark (100 x 100 sweep x 10,000 samples) and the largest output calc writes (50,000 rows:
# 12,500 cases x 4 quantities), through the command line. Slow (10-60 s each): --accepted.
MEMORY = SIX_AXES[:SIX_AXES.index("samples:")] + (        # benchmarks/run.py's memory scenario
    "samples: 10000\nseed: 1\nsweep:\n  facility_power: {from: 0.5 GW, to: 5 GW, steps: STEPS}\n"
    "  electricity_price: {from: 40 USD/MWh, to: 120 USD/MWh, steps: 100}\n")
SIZES = {"100 x 100 sweep x 10,000 samples": ("100", ("table", "csv", "json", "xlsx")),
         "50,000 rows (125 x 100 sweep x 10,000 samples)": ("125", ("json", "xlsx"))}
ACCEPTED: dict[str, tuple[dict[str, str | bytes], list[str]]] = {
    f"{label}, {fmt}": ({"m.yaml": MEMORY.replace("STEPS", steps)},
                        ["run", "m.yaml", "--format", fmt, "--output", f"o.{fmt}"])
    for label, (steps, formats) in SIZES.items() for fmt in formats
} | {"1,200 months x 9,000 samples x 8 derives (just under the bound), json": (
    {"s.yaml": MONTHS}, ["run", "s.yaml", "--samples", "9000", "--format", "json", "--output",
                         "o.json"])}


def write_files(folder: str, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())


def in_fresh_process(files: dict[str, str | bytes], args: list[str],
                     code: str | None = None) -> dict:
    """Wall and CPU seconds, peak RSS, exit status and first line of stderr of ``calc ARGS`` (or of
    the Python ``code``: exit 2 with 'calc: ' and the message on a CalcError).

    Run before this process imports calc: a child's peak RSS starts from its parent's at fork.
    """
    with tempfile.TemporaryDirectory() as tmp:
        write_files(tmp, files)
        if "link.txt" in args:
            os.symlink(ROOT / "calc" / "units.txt", Path(tmp) / "link.txt")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
        command = ["-m", "calc.cli", *args] if code is None else ["-c", _library_script(code)]
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *command], cwd=tmp, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = proc.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(proc.pid, 0)
        return {"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                "rss": usage.ru_maxrss / 1024, "status": os.waitstatus_to_exitcode(status),
                "message": (err.splitlines() or [""])[0]}


def _library_script(code: str) -> str:
    return (f"import sys\nBASE = {BASE!r}\nHAND = {HAND!r}\n{library_setup(code)}"
            "from calc.errors import CalcError\ntry:\n"
            f"    {code}\nexcept CalcError as exc:\n"
            "    print('calc: ' + str(exc)[:300], file=sys.stderr)\n    sys.exit(2)\n")


def library_in_process(code: str) -> tuple[float, float]:
    """(seconds, peak MB allocated) of the call ``code`` alone, calc imported, its text built."""
    import tracemalloc

    import calc
    from calc.errors import CalcError

    scope = {"calc": calc, "BASE": BASE, "HAND": HAND}
    exec(library_setup(code), scope)                # noqa: S102 -- the benchmark's own code
    times = []
    for traced in (False, True):                    # timed untraced, then traced for memory
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        try:
            exec(code, scope)                       # noqa: S102
        except CalcError:
            pass
        times.append(time.perf_counter() - start)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return times[0], peak


def in_process(files: dict[str, str | bytes], args: list[str]) -> tuple[float, float]:
    """(seconds, peak MB allocated, from tracemalloc) of ``calc.cli.main(args)`` in this process,
    calc already imported: the refusal alone."""
    import contextlib
    import io
    import tracemalloc

    from calc import cli

    here = os.getcwd()
    folder = tempfile.mkdtemp()
    write_files(folder, files)
    if "link.txt" in args:
        os.symlink(ROOT / "calc" / "units.txt", Path(folder) / "link.txt")
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            start = time.perf_counter()
            cli.main(list(args))
            seconds = time.perf_counter() - start
            tracemalloc.start()
            cli.main(list(args))
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    finally:
        os.chdir(here)
    return seconds, peak


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accepted", action="store_true",
                    help="also the peak memory of the largest accepted runs (slow: minutes)")
    args = ap.parse_args(argv)
    header = (f"{'case':<58} {'process: wall':>13} {'cpu':>6} {'peak RSS':>9} | {'refusal':>8} {'allocated':>9}"
              "  status  message")
    everything = {"(a valid run, for comparison)": ({"s.yaml": BASE}, ["run", "s.yaml"]), **CASES}
    rows = [(name, in_fresh_process(files, args)) for name, (files, args) in everything.items()]
    library = [(f"python: {name}", in_fresh_process({}, [], code))
               for name, code in LIBRARY.items()]
    accepted = [(name, in_fresh_process(files, cmd)) for name, (files, cmd) in ACCEPTED.items()
                if args.accepted]
    import calc.cli  # noqa: F401 -- imported once, so the in-process column is the refusal alone

    print(header)
    for (name, r), (files, cmd) in zip(rows, everything.values()):
        r["inproc"], r["alloc"] = in_process(files, cmd)
    for (name, r), code in zip(library, LIBRARY.values()):
        r["inproc"], r["alloc"] = library_in_process(code)
    for name, r in rows + library:
        refused = r["status"] == 2 and r["message"].startswith("calc: ")
        flag = "" if refused or name.startswith("(") else "  <-- NOT REFUSED PROPERLY"
        print(f"{name:<58} {r['wall']:12.2f}s {r['cpu']:5.2f}s {r['rss']:7.0f}MB | {r['inproc']:7.3f}s "
              f"{r['alloc']:7.1f}MB  {r['status']:>6}  {r['message'][:70]}{flag}")
    cases = rows[1:] + library
    for key, what, unit in (("wall", "process wall time", "s"), ("cpu", "process CPU time", "s"),
                            ("rss", "process peak RSS", "MB"), ("inproc", "refusal alone (in-process)", "s"),
                            ("alloc", "memory allocated by the refusal", "MB")):
        name, r = max(cases, key=lambda c: c[1][key])
        print(f"worst {what}: {r[key]:.3f} {unit} ({name})")
    for name, r in accepted:
        flag = "" if r["status"] == 0 and r["rss"] < 2048 else "  <-- NOT ACCEPTED UNDER 2 GiB"
        print(f"accepted: {name:<56} {r['wall']:7.1f}s wall {r['rss']:7.0f}MB peak RSS  status "
              f"{r['status']}{flag}")
    bad = [n for n, r in cases if r["status"] != 2 or not r["message"].startswith("calc: ")]
    bad += [n for n, r in accepted if r["status"] != 0 or r["rss"] >= 2048]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
