"""The TF reference the summary tests compare with."""
import json

import pytest

from .tb_read import DATA


@pytest.fixture(scope="session")
def tf_reference():
    return json.loads((DATA / "tf_summaries.json").read_text())
