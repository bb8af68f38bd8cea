"""Compiled-kernel tests share numba's on-disk cache (GRAPHFLOW_CACHE_DIR, default the repo's
.cache/graphflow) so a second run loads instead of compiling; compiler failures raise."""
import os

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("GRAPHFLOW_CACHE_DIR", os.path.join(REPO, ".cache", "graphflow"))


@pytest.fixture(autouse=True)
def strict_compiler(monkeypatch):
    monkeypatch.setenv("GRAPHFLOW_STRICT", "1")
