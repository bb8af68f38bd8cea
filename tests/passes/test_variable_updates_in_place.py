"""A compiled dense update `v.assign(f(v, ...))` (f a fused elementwise op) writes over v's own
array, as TF's assign ops do, unless someone else holds that array (then the plan copies it
first) or v is read again before the assign (then it is not planned in place)."""
import weakref

import numpy as np

import graphflow as gf


def _array_kept(v, step, *args):
    for _ in range(2):                      # traces, compiles, copies the initial array once
        step(*args)
    array = weakref.ref(v._state.value)     # a strong reference would make the plan copy
    step(*args)
    return v._state.value is array()


def test_fused_update_writes_the_variable_in_place():
    v = gf.Variable(np.ones((64, 8), np.float32))

    @gf.function
    def step(g):
        v.assign(v * 0.5 + g)
    assert _array_kept(v, step, gf.ones((64, 8)))
    np.testing.assert_allclose(v.numpy(), np.full((64, 8), 1.875), rtol=1e-6)


def test_an_array_the_user_holds_is_not_changed():
    v = gf.Variable(np.ones((16, 4), np.float32))

    @gf.function
    def step():
        v.assign_sub(v * 0.25)
    step()
    step()
    held = v.numpy()
    before = held.copy()
    step()
    np.testing.assert_array_equal(held, before)
    np.testing.assert_allclose(v.numpy(), before * 0.75, rtol=1e-6)


def test_a_read_between_the_update_and_its_assign_sees_the_old_value():
    v = gf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))

    @gf.function
    def step():
        new = v * 2.0
        old = v.read_value()
        v.assign(new)
        return old
    step()
    old = step()
    np.testing.assert_array_equal(old.numpy(), np.arange(12, dtype=np.float32).reshape(3, 4) * 2)
    np.testing.assert_array_equal(v.numpy(), np.arange(12, dtype=np.float32).reshape(3, 4) * 4)


def test_a_variable_over_a_view_of_the_users_array_leaves_that_array_alone():
    base = np.ones((8, 4), np.float32)
    v = gf.Variable(base[:4])

    @gf.function
    def step():
        v.assign(v * 3.0)
    for _ in range(3):
        step()
    np.testing.assert_array_equal(base, np.ones((8, 4), np.float32))
    np.testing.assert_array_equal(v.numpy(), np.full((4, 4), 27.0, np.float32))
