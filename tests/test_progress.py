"""The progress bar (calc.progress): on stderr only, with the time left, forced by --progress off a
terminal, updated per evaluation inside a solve, hidden for short runs on a terminal."""

from __future__ import annotations

import io

from calc.progress import Bar, duration
from calc.scenario import load
from calc.solve import MAX_EVALS
from tests.helpers import calc_subprocess


def test_progress_flag_draws_on_a_pipe_and_leaves_stdout_alone():
    plain = calc_subprocess("run", "anthropic-commitments", "--samples", "500", "--seed", "1")
    shown = calc_subprocess("run", "anthropic-commitments", "--samples", "500", "--seed", "1",
                            "--progress")
    assert shown.returncode == plain.returncode == 0, shown.stderr
    assert shown.stdout == plain.stdout                 # the bar never reaches stdout
    assert plain.stderr == ""                           # piped, not forced: no bar
    lines = shown.stderr.splitlines()
    assert lines and all(ln.startswith("[") and "elapsed, time left " in ln for ln in lines)
    assert lines[-1].startswith("[" + "#" * 20 + "] 100 %")
    assert "\r" not in shown.stderr                     # off a terminal: whole lines


def test_solve_reports_progress_per_evaluation():
    calls = []
    res = load("anthropic-commitments").run(samples=0, progress=lambda d, t: calls.append((d, t)))
    solved = [r for r in res.solutions]
    evaluations = max(r["evaluations"] for r in solved)
    total = calls[0][1]
    n_rows = len(res.cases)
    assert total == n_rows * (1 + MAX_EVALS)
    # one call for the run's rows, then one per evaluation of the solve (and one per group for
    # the passes it did not need)
    assert len(calls) >= 1 + evaluations
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1] == (total, total)


def test_solve_progress_flag_on_stderr():
    out = calc_subprocess("solve", "nvidia-1gw", "--for", "pue", "--so-that", "chips",
                          "--equals", "200000", "--between", "1", "2", "--progress")
    assert out.returncode == 0, out.stderr
    assert "time left" in out.stderr and "time left" not in out.stdout
    assert out.stdout.startswith("nvidia-1gw")


class Clock:
    """A fake clock: each reading moves ``step`` seconds on."""

    def __init__(self, step: float):
        self.t, self.step = 0.0, step

    def __call__(self) -> float:
        self.t += self.step
        return self.t


def test_bar_waits_for_the_delay_and_redraws_in_place_on_a_terminal():
    quick = io.StringIO()
    bar = Bar(quick, tty=True, delay=2.0, clock=Clock(0.1))
    for k in range(1, 6):
        bar(k, 5)
    assert quick.getvalue() == ""                       # done in 0.5 s: never drawn
    slow = io.StringIO()
    bar = Bar(slow, tty=True, delay=2.0, clock=Clock(1.0))
    for k in range(1, 5):
        bar(k, 4)
    # 1 s a step from the start: hidden at 1 s; 2 of 4 done in 2 s -> 2 s more; 3 in 3 s -> 1 s
    assert slow.getvalue().split("\r")[1:] == [
        "[##########..........]  50 %  2.0 s elapsed, time left 2.0 s",
        "[###############.....]  75 %  3.0 s elapsed, time left 1.0 s",
        "[####################] 100 %  4.0 s elapsed, time left 0.0 s\n"]


def test_durations_read_as_time():
    assert [duration(s) for s in (0.42, 12.4, 125, 3720)] == \
        ["0.4 s", "12 s", "2 min 05 s", "1 h 02 min"]


def test_the_last_line_is_drawn_once():
    out = io.StringIO()
    bar = Bar(out, tty=False, delay=0.0, clock=Clock(2.0))
    for done in (1, 2, 2):                 # a solve's last group may book 0 passes left
        bar(done, 2)
    assert out.getvalue().splitlines() == [
        "[##########..........]  50 %  2.0 s elapsed, time left 2.0 s",
        "[####################] 100 %  4.0 s elapsed, time left 0.0 s"]
