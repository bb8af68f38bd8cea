"""Keras tests start from fresh automatic names (dense, dense_1, ...) and a fixed seed."""
import pytest

import graphflow as gf


@pytest.fixture(autouse=True)
def fresh_keras_session():
    gf.keras.backend.clear_session()
    gf.keras.utils.set_random_seed(0)
    yield
    gf.keras.backend.clear_session()
