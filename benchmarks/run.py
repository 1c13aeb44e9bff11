"""calc's speed and memory, as ratios to hand-written numpy measured in one run.

    make bench            # or: .venv/bin/python benchmarks/run.py [--quick]

Each timing is the best of several repeats, the things compared taking turns (so a busy spell on a
shared machine hits both alike). Monte Carlo and sweep costs are *marginal*: the time of the large
run minus the time of the same call with no samples (or one point), for calc and for numpy alike,
so fixed start-up costs do not hide the per-sample cost. Targets: sweep <= 4x, Monte Carlo <= 1.1x
hand-written numpy; cold start <= 0.5x ``import pint, pandas; pint.UnitRegistry()``. Nothing here is
asserted: the machines are shared and noisy; the numbers are for reading.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import calc  # noqa: E402
from calc.registry import registry  # noqa: E402
from calc.uncertainty import Z95  # noqa: E402

OUTPUTS = ["chips", "capex", "peak_compute", "compute_per_year", "energy_cost_per_year", "cost_per_year"]
INPUTS = {"facility_power": "1 GW"}
ACCELERATOR = "gb200-superchip"
YEAR_S = 365.25 * 86400
YEAR_H = 365.25 * 24


def best_of(fns: dict, repeat: int) -> dict:
    """The fastest of ``repeat`` timings of each function [s], the functions taking turns, so that a
    busy spell on a shared machine hits all of them alike."""
    times = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: min(v) for k, v in times.items()}


def best(fn, repeat: int) -> float:
    """The fastest of ``repeat`` timings of ``fn()`` [s]."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


# -- the nvidia-1gw model, in calc and by hand --------------------------------------------------

def calc_model(n: int):
    return calc.evaluate(outputs=OUTPUTS, inputs=INPUTS, accelerator=ACCELERATOR, samples=n, seed=1)


def _params():
    """The registry values the hand-written model uses: the same figures calc resolves."""
    reg = registry()
    acc = reg.accelerator(ACCELERATOR)

    def fig(fid, unit):
        f = reg.figure(fid)
        if f.is_range:
            return (float(f.low.to(unit).magnitude), float(f.high.to(unit).magnitude))
        return float(f.value.to(unit).magnitude)

    d = reg.defaults
    return {
        "it_power_per_chip": fig(acc.figure_id("it_power_per_chip"), "W/chip"),
        "chip_capex": fig(acc.figure_id("chip_capex"), "USD/chip"),
        "peak_flops_per_chip": fig(acc.figure_id("peak_flops_per_chip"), "FLOP/s/chip"),
        "pue": fig(d["pue"], "dimensionless"),
        "mfu": fig(d["mfu"], "dimensionless"),
        "facility_capex_per_power": fig(d["facility_capex_per_power"], "USD/W"),
        "electricity_price": fig(d["electricity_price"], "USD/MWh"),
        "load_factor": fig(d["load_factor"], "dimensionless"),
        "it_lifetime": fig(d["it_lifetime"], "yr"),
        "facility_lifetime": fig(d["facility_lifetime"], "yr"),
    }


def numpy_model(n: int, p: dict, rng: np.random.Generator) -> dict:
    """The same formulas over plain arrays: lognormal 90 % intervals, central value in column 0."""
    uncertain = sorted(k for k, v in p.items() if isinstance(v, tuple))
    z = rng.standard_normal((len(uncertain), n))
    v = {}
    for k, val in p.items():
        if isinstance(val, tuple):
            lo, hi = val
            mu, sigma = (math.log(lo) + math.log(hi)) / 2, (math.log(hi) - math.log(lo)) / (2 * Z95)
            v[k] = np.concatenate([[math.exp(mu)], np.exp(mu + sigma * z[uncertain.index(k)])])
        else:
            v[k] = val
    power = 1e9                                                      # W
    chips = power / (v["it_power_per_chip"] * v["pue"])
    it_capex = chips * v["chip_capex"]
    facility_capex = power * v["facility_capex_per_power"]
    capex = it_capex + facility_capex
    peak = chips * v["peak_flops_per_chip"]
    per_year = peak * v["mfu"] * YEAR_S
    energy_mwh = power / 1e6 * v["load_factor"] * YEAR_H
    energy_cost = energy_mwh * v["electricity_price"]
    cost = it_capex / v["it_lifetime"] + facility_capex / v["facility_lifetime"] + energy_cost
    out = {"chips": chips, "capex": capex, "peak_compute": peak, "compute_per_year": per_year,
           "energy_cost_per_year": energy_cost, "cost_per_year": cost}
    stats = {}
    for name, arr in out.items():
        arr = np.broadcast_to(arr, (n + 1,))
        draws = arr[1:]
        stats[name] = (arr[0], *(np.percentile(draws, [5, 50, 95]) if n else (np.nan,) * 3),
                       draws.mean() if n else np.nan)
    return stats


def check_agreement(p: dict) -> float:
    """Largest relative difference between calc's and numpy's central values (they must agree)."""
    res = calc_model(0)
    hand = numpy_model(0, p, np.random.default_rng(1))
    worst = 0.0
    for name in OUTPUTS:
        a = float(res.central[name][0])
        b = float(hand[name][0] * {"compute_per_year": 1.0}.get(name, 1.0))
        worst = max(worst, abs(a - b) / abs(b))
    return worst


def bench_monte_carlo(n: int, repeat: int, p: dict) -> dict:
    t = best_of({"calc": lambda: calc_model(n), "calc0": lambda: calc_model(0),
                 "np": lambda: numpy_model(n, p, np.random.default_rng(1)),
                 "np0": lambda: numpy_model(0, p, np.random.default_rng(1))}, repeat)
    t_calc, t_np = t["calc"] - t["calc0"], t["np"] - t["np0"]
    return {"calc_s": t_calc, "numpy_s": t_np, "ratio": t_calc / t_np}


def bench_squigglepy(n: int, repeat: int, p: dict) -> dict | None:
    try:
        import squigglepy as sq
    except ImportError:
        return None

    def model():
        def dist(k):
            val = p[k]
            return sq.lognorm(*val) if isinstance(val, tuple) else val
        pue, mfu, fcap = dist("pue"), dist("mfu"), dist("facility_capex_per_power")
        lf, itl, fl = dist("load_factor"), dist("it_lifetime"), dist("facility_lifetime")
        chips = 1e9 / (p["it_power_per_chip"] * pue)
        it_capex = chips * p["chip_capex"]
        facility_capex = 1e9 * fcap
        capex = it_capex + facility_capex
        peak = chips * p["peak_flops_per_chip"]
        per_year = peak * mfu * YEAR_S
        energy_cost = 1e3 * lf * YEAR_H * p["electricity_price"]
        cost = it_capex / itl + facility_capex / fl + energy_cost
        samples = [sq.sample(d, n=n) for d in (chips, capex, peak, per_year, energy_cost, cost)]
        return [np.percentile(s, [5, 50, 95]) for s in samples]

    t_sq = best(model, max(1, repeat // 2))
    t_calc = best(lambda: calc_model(n), repeat)
    return {"calc_s": t_calc, "squigglepy_s": t_sq, "ratio": t_calc / t_sq}


# -- sweep ----------------------------------------------------------------------------------------

def _sweep_scenario(points: int, folder: Path) -> Path:
    path = folder / f"sweep-{points}.yaml"
    path.write_text(f"""name: sweep-bench
accelerator: {ACCELERATOR}
inputs:
  facility_power: {{value: 1 GW, source: assumption, note: benchmark}}
outputs: [{", ".join(OUTPUTS)}]
sweep:
  facility_power: {{from: 0.1 GW, to: 10 GW, steps: {points}}}
""" if points > 1 else f"""name: sweep-bench
accelerator: {ACCELERATOR}
inputs:
  facility_power: {{value: 1 GW, source: assumption, note: benchmark}}
outputs: [{", ".join(OUTPUTS)}]
""")
    return path


def bench_sweep(points: int, repeat: int, p: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        big, one = calc.load(_sweep_scenario(points, Path(tmp))), calc.load(_sweep_scenario(1, Path(tmp)))
        t_load = best(lambda: calc.load(_sweep_scenario(points, Path(tmp))), repeat) - \
            best(lambda: calc.load(_sweep_scenario(1, Path(tmp))), repeat)
        central = {k: (math.sqrt(v[0] * v[1]) if isinstance(v, tuple) else v) for k, v in p.items()}

        def hand(n):
            power = np.linspace(0.1e9, 10e9, n)
            chips = power / (central["it_power_per_chip"] * central["pue"])
            it_capex = chips * central["chip_capex"]
            facility_capex = power * central["facility_capex_per_power"]
            peak = chips * central["peak_flops_per_chip"]
            energy_cost = power / 1e6 * central["load_factor"] * YEAR_H * central["electricity_price"]
            return (chips, it_capex + facility_capex, peak, peak * central["mfu"] * YEAR_S, energy_cost,
                    it_capex / central["it_lifetime"] + facility_capex / central["facility_lifetime"] + energy_cost)

        t = best_of({"big": big.run, "one": one.run, "hand": lambda: hand(points), "hand1": lambda: hand(1)},
                    repeat * 30)
    t_calc, t_np = t["big"] - t["one"], t["hand"] - t["hand1"]
    return {"calc_s": t_calc, "calc_load_s": t_load, "numpy_s": t_np, "ratio": t_calc / max(t_np, 1e-9)}


# -- memory and cold start ------------------------------------------------------------------------

MEMORY_SCRIPT = """
import resource, sys, tempfile, pathlib
sys.path.insert(0, {root!r})
import calc
p = pathlib.Path(tempfile.mkdtemp()) / "m.yaml"
p.write_text('''name: memory
accelerator: gb200-superchip
inputs:
  facility_power: {{value: 1 GW, source: assumption, note: benchmark}}
outputs: [chips, capex, compute_per_year, cost_per_year]
sweep:
  facility_power: {{from: 0.5 GW, to: 5 GW, steps: {n}}}
  electricity_price: {{from: 40 USD/MWh, to: 120 USD/MWh, steps: {n}}}
''')
res = calc.load(p).run(samples={samples}, seed=1)
assert len(res.cases) == {n} * {n}
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def bench_memory(n: int, samples: int) -> dict:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT.format(root=str(ROOT), n=n, samples=samples)],
                         capture_output=True, text=True, check=True)
    return {"grid": f"{n}x{n}", "samples": samples, "peak_mib": float(out.stdout.strip()),
            "seconds": time.perf_counter() - t}


def bench_cold_start(repeat: int) -> dict:
    """``calc run nvidia-1gw --samples 0 --format json`` in a fresh process against
    ``import pint, pandas; pint.UnitRegistry()``, taking turns; the fastest of each [s]. calc runs
    with its caches (calc.cache_dir: the registry and glossary copies and pint's definitions, in a
    folder of the benchmark's own) and with ``CALC_NO_CACHE=1`` (none at all). Also timed: the floor
    no calc run can go below, importing numpy and pint and building calc's unit registry
    (``import calc.units``), with pint's definition cache and without it.

    calc's bytecode is compiled first, as an installed package has it (a machine with
    PYTHONDONTWRITEBYTECODE set would otherwise compile calc's modules on every start, while pint's
    and pandas' come compiled from their wheels)."""
    import compileall
    compileall.compile_dir(str(ROOT / "calc"), quiet=1)
    calc_bin = Path(sys.executable).with_name("calc")
    scenario = ROOT / "scenarios" / "nvidia-1gw.yaml"
    run = [str(calc_bin), "run", str(scenario), "--samples", "0", "--format", "json"]
    floor = [sys.executable, "-c", "import calc.units"]
    with tempfile.TemporaryDirectory() as home:
        cached = {**os.environ, "XDG_CACHE_HOME": home}
        cached.pop("CALC_NO_CACHE", None)
        none = {**cached, "CALC_NO_CACHE": "1"}
        cmds = {"calc": (run, cached), "calc_no_cache": (run, none),
                "base": ([sys.executable, "-c", "import pint, pandas; pint.UnitRegistry()"], cached),
                "floor": (floor, cached), "floor_no_cache": (floor, none)}
        for cmd, env in cmds.values():      # warm the file cache, pint's and calc's caches
            subprocess.run(cmd, capture_output=True, check=True, env=env)
        t = best_of({k: (lambda cmd=cmd, env=env: subprocess.run(cmd, capture_output=True, check=True,
                                                                 env=env))
                     for k, (cmd, env) in cmds.items()}, repeat)
    return {"baseline_s": t["base"], **{f"{k}_s": t[k] for k in cmds if k != "base"},
            **{f"{k}_ratio": t[k] / t["base"] for k in cmds if k != "base"}}


def report_cold_start(cs: dict) -> None:
    print(f"Cold start, calc run nvidia-1gw --samples 0, against import pint+pandas+UnitRegistry() "
          f"({cs['baseline_s']:.3f} s):")
    for key, what in [("calc", "with calc's and pint's caches (target <= 0.5x)"),
                      ("calc_no_cache", "with CALC_NO_CACHE=1 (no cache at all)"),
                      ("floor", "floor: numpy + pint + calc's unit registry, pint's cache on"),
                      ("floor_no_cache", "floor, pint's cache off")]:
        print(f"  {what}: {cs[key + '_s']:.3f} s, {cs[key + '_ratio']:.2f}x")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    ap.add_argument("--cold-start", action="store_true", help="only the cold-start timings")
    args = ap.parse_args(argv)
    if args.cold_start:
        report_cold_start(bench_cold_start(15))
        return 0
    n_mc = 100_000 if args.quick else 1_000_000
    points = 1_000 if args.quick else 10_000
    grid, samples = (20, 1_000) if args.quick else (100, 10_000)
    repeat = 2 if args.quick else 7
    p = _params()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    print(f"calc and hand-written numpy agree on the central values within {check_agreement(p):.1e} (relative)")
    mc = bench_monte_carlo(n_mc, repeat, p)
    print(f"Monte Carlo, {n_mc:,} samples, nvidia-1gw model (marginal): calc {mc['calc_s']:.3f} s, "
          f"numpy {mc['numpy_s']:.3f} s, ratio {mc['ratio']:.2f}x (target <= 1.1x)")
    sq = bench_squigglepy(n_mc, repeat, p)
    if sq is None:
        print("squigglepy: not installed (pip install -e '.[bench]' or make bench)")
    else:
        print(f"squigglepy, same model, {n_mc:,} samples: calc {sq['calc_s']:.3f} s, squigglepy "
              f"{sq['squigglepy_s']:.3f} s, ratio {sq['ratio']:.2f}x (target <= 1x)")
    sw = bench_sweep(points, repeat, p)
    print(f"Sweep, {points:,} points (marginal): calc run {sw['calc_s']:.4f} s (+ loading {sw['calc_load_s']:.4f} s), "
          f"numpy {sw['numpy_s']:.5f} s, ratio {sw['ratio']:.1f}x (target <= 4x)")
    mem = bench_memory(grid, samples)
    print(f"Memory, {mem['grid']} sweep x {mem['samples']:,} samples: peak {mem['peak_mib']:.0f} MiB "
          f"in {mem['seconds']:.1f} s (target well under 2 GiB)")
    report_cold_start(bench_cold_start(3 if args.quick else 15))
    return 0


if __name__ == "__main__":
    sys.exit(main())
