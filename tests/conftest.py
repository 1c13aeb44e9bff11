"""The suite keeps calc's copies (calc.cache) in a folder of its own, never in the user's cache:
set before the test modules are collected (some read the registry as they load), and inherited by
the subprocesses tests start."""

import os
import shutil
import tempfile

_SAVED = {}


def pytest_configure(config):
    for name in ("XDG_CACHE_HOME", "CALC_NO_CACHE"):
        _SAVED[name] = os.environ.pop(name, None)
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="calc-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)
    for name, value in _SAVED.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
