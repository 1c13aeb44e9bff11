"""The suite keeps calc's copies (calc.cache) in a folder of its own, never in the user's cache:
set before the test modules are collected (some read the registry as they load), and inherited by
the subprocesses tests start."""

import os
import shutil
import tempfile

import pytest

from helpers import calc_cli

_SAVED = {}


def pytest_configure(config):
    for name in ("XDG_CACHE_HOME", "CALC_NO_CACHE", "COLUMNS"):    # COLUMNS: see _no_columns
        _SAVED[name] = os.environ.pop(name, None)
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="calc-test-cache-")


# Modules whose module-scoped fixtures start LibreOffice (a batch of workbooks recalculated or
# printed in one call, seconds each): their tests go to one pytest-xdist worker together, so each
# fixture runs once, not once per worker (make test ran test_xlsx_model's twice: 2 x 8-15 s).
# pytest-xdist's own --dist loadgroup does this by a mark, but with pytest 9.2 the mark no longer
# reaches the scheduler (pytest-dev/pytest-xdist#1386).
ONE_WORKER = ("tests/test_xlsx_model.py", "tests/test_xlsx_sheets.py")


@pytest.hookimpl(optionalhook=True)          # a pytest-xdist hook: unknown without it
def pytest_xdist_make_scheduler(config, log):
    """``-n N`` (dist "load"): tests spread one by one, but ONE_WORKER's modules each as a whole."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneWorkerModules(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_WORKER else nodeid

    return OneWorkerModules(config, log)


def pytest_unconfigure(config):
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)
    for name, value in _SAVED.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch):
    """pytest-xdist's workers set COLUMNS=80, and ``calc deals`` fits its table to COLUMNS: tests
    see the full table unless they set COLUMNS themselves (tests/test_deals_width.py); ``calc
    run``'s table is 120 wide (tests/test_text_width.py). pytest_configure drops it too, for the
    module-scoped fixtures that run before this one."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture(scope="session")
def shipped_check(tmp_path_factory):
    """``calc check`` run once for the whole suite: the registry, then every shipped scenario (from
    an empty folder, so it falls back to the scenarios shipped in the package). Its tests are in
    test_cli.py, test_shipped.py and test_readme.py."""
    return calc_cli("check", cwd=tmp_path_factory.mktemp("check"))
