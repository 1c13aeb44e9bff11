"""The suite keeps calc's copies (calc.cache) in a folder of its own, never in the user's cache."""

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _cache_folder(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))   # subprocesses inherit it
        mp.delenv("CALC_NO_CACHE", raising=False)
        yield os.environ["XDG_CACHE_HOME"]
