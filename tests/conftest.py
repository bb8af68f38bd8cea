"""Shared fixtures: every test starts eager with a fresh default graph, whatever the previous
test switched (disable_eager_execution, ops added to the default graph)."""
import pytest

import graphflow as gf


@pytest.fixture(autouse=True)
def restore_global_mode():
    """Put the process-wide mode back after each test: eager, empty default graph."""
    yield
    gf.compat.v1.enable_v2_behavior()       # eager, and elementwise tensor equality
    gf.compat.v1.reset_default_graph()
