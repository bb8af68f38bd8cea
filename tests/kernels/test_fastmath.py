"""Tests for graphflow.kernels.fastmath: accuracy, special values, dtype
purity, vectorisation, determinism and cache=True use from a generated module.

Each kernel is compiled once per module (numba compile time dominates).
"""

import math
import os
import re
import subprocess
import sys

import numba
import numpy as np
import pytest
from numba import prange

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
try:
    from graphflow.kernels import fastmath as fm
except ImportError:  # not installed and not run from the repo root
    sys.path.insert(0, REPO_ROOT)
    from graphflow.kernels import fastmath as fm

NAMES = fm.PUBLIC_FUNCTIONS
DTYPES = (np.float32, np.float64)
# Flags recommended for generated kernels (see docs/fastmath.md).
CALLER_FM = {"contract", "arcp", "nsz", "afn"}

# Accuracy targets (the brief): float32 within 4 ulp of the correctly
# rounded value, float64 within 1e-15 relative error.
F32_MAX_ULP = 4.0
F64_MAX_REL = 1e-15

_LD_OK = np.finfo(np.longdouble).nmant >= 63
LD = np.longdouble if _LD_OK else np.float64
_erf_u = np.frompyfunc(math.erf, 1, 1)


def _ref(name, x):
    """High-precision reference (x86 long double where available)."""
    with np.errstate(all="ignore"):
        xl = x.astype(LD)
        if name == "fast_exp":
            return np.exp(xl)
        if name == "fast_expm1":
            return np.expm1(xl)
        if name == "fast_log":
            return np.log(xl)
        if name == "fast_log1p":
            return np.log1p(xl)
        if name == "fast_tanh":
            return np.tanh(xl)
        if name == "fast_sigmoid":
            return 1 / (1 + np.exp(-xl))
        if name == "fast_softplus":
            return np.logaddexp(LD(0), xl)
        if name == "fast_erf":
            return _erf_u(x.astype(np.float64)).astype(np.float64).astype(LD)
        if name == "fast_sin":
            return np.sin(xl)
        if name == "fast_cos":
            return np.cos(xl)
    raise KeyError(name)


def _numpy64(name, x):
    """What NumPy itself gives in float64 (for special values)."""
    x = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        return {
            "fast_exp": np.exp, "fast_expm1": np.expm1, "fast_log": np.log,
            "fast_log1p": np.log1p, "fast_tanh": np.tanh,
            "fast_sigmoid": lambda v: 1 / (1 + np.exp(-v)),
            "fast_softplus": lambda v: np.logaddexp(0.0, v),
            "fast_erf": lambda v: _erf_u(v).astype(np.float64),
            "fast_sin": np.sin, "fast_cos": np.cos,
        }[name](x)


def _make_loop(f, parallel=False, **opts):
    opts.setdefault("fastmath", CALLER_FM)
    opts.setdefault("error_model", "numpy")
    if parallel:
        def loop(x, y):
            for i in prange(x.size):
                y[i] = f(x[i])
        return numba.njit(parallel=True, **opts)(loop)

    def loop(x, y):
        for i in range(x.size):
            y[i] = f(x[i])
    return numba.njit(**opts)(loop)


@pytest.fixture(scope="module")
def loops():
    """name -> serial loop kernel (compiled lazily, once per dtype)."""
    return {name: _make_loop(getattr(fm, name)) for name in NAMES}


def _apply(loops, name, x):
    y = np.empty_like(x)
    loops[name](x, y)
    return y


# ---------------------------------------------------------------------------
# Input grids
# ---------------------------------------------------------------------------

DOMAIN = {
    "fast_exp": (-110.0, 100.0, -750.0, 715.0),
    "fast_expm1": (-20.0, 90.0, -45.0, 712.0),
    "fast_log": (0.0, 8.0, 0.0, 8.0),
    "fast_log1p": (-1.0, 8.0, -1.0, 8.0),
    "fast_tanh": (-12.0, 12.0, -22.0, 22.0),
    "fast_sigmoid": (-110.0, 110.0, -750.0, 750.0),
    "fast_softplus": (-110.0, 110.0, -750.0, 750.0),
    "fast_erf": (-5.0, 5.0, -7.0, 7.0),
    "fast_sin": (-50.0, 50.0, -50.0, 50.0),
    "fast_cos": (-50.0, 50.0, -50.0, 50.0),
}

EDGE = [0.0, -0.0, 1e-45, -1e-45, 5e-324, -5e-324, 1e-310, 1e-300, 1e-40,
        1e-30, -1e-30, 1e-20, 1e-10, -1e-10, 1e-8, 3e-8, 1e-7, 1e-5, 0.1, 0.5,
        -0.5, 0.9999, 1.0, -1.0, 1.0001, 2.0, -2.0, 3.0, 4.0, 5.0, 6.0, 10.0,
        -10.0, 20.0, 40.0, 88.72, 88.73, 89.0, -87.3, -103.9, -104.0, -150.0,
        709.78, 709.79, -745.1, -745.2, 1e30, -1e30, 3.4e38, -3.4e38, 1e300,
        -1e300, 1.7976931348623157e308, np.inf, -np.inf, np.nan, -np.nan,
        np.pi / 2, np.pi, 1e5, -1e5, 1e6, 1e8, 1e12, 1e13]


def _grid(name, dtype):
    rng = np.random.default_rng(1234)
    lo32, hi32, lo64, hi64 = DOMAIN[name]
    lo, hi = (lo32, hi32) if dtype is np.float32 else (lo64, hi64)
    n = 1 << 18
    with np.errstate(all="ignore"):
        parts = [
            np.linspace(lo, hi, n),
            rng.uniform(-1, 1, n // 4),
            rng.uniform(-1, 1, n // 4) * 1e-3,
            np.array(EDGE, np.float64),
        ]
        if dtype is np.float32:
            # every 16411-th float32 bit pattern: all binades, both signs,
            # denormals, inf and nan patterns
            bits = np.arange(0, 2 ** 32, 16411, dtype=np.uint64).astype(np.uint32)
            parts.append(bits.view(np.float32).astype(np.float64))
        else:
            parts.append(rng.integers(0, 2 ** 64, n, dtype=np.uint64).view(np.float64))
        x = np.concatenate(parts).astype(dtype)
    if name in ("fast_sin", "fast_cos"):  # documented range
        x = x[~(np.abs(x) > fm.SIN_MAX[dtype])]
    return x


def _check_accuracy(name, dtype, x, y):
    ref = _ref(name, x)
    with np.errstate(all="ignore"):
        r = ref.astype(dtype)  # correctly rounded reference
    fin = np.isfinite(r)
    # non-finite references must match exactly (inf sign, nan)
    nf = ~fin
    same = (y[nf] == r[nf]) | (np.isnan(y[nf]) & np.isnan(r[nf]))
    assert same.all(), (name, x[nf][~same][:8], y[nf][~same][:8], r[nf][~same][:8])
    xf, yf, rf, reff = x[fin], y[fin], r[fin], ref[fin]
    assert np.isfinite(yf).all(), (name, xf[~np.isfinite(yf)][:8])
    # float32: |y - rn(f)| in ulps of rn(f).  float64: the same in ulps, which
    # is what matters for denormal results, plus relative error for normal ones.
    with np.errstate(over="ignore"):
        ulp = np.spacing(np.abs(rf)).astype(np.float64)
    ulp_err = np.abs(yf.astype(LD) - rf.astype(LD)).astype(np.float64) / ulp
    i = int(np.argmax(ulp_err))
    if dtype is np.float32:
        assert ulp_err[i] <= F32_MAX_ULP, (name, xf[i], yf[i], rf[i], ulp_err[i])
    else:
        normal = np.abs(rf) >= np.finfo(np.float64).tiny
        with np.errstate(all="ignore"):
            rel = np.where(normal & (reff != 0),
                           np.abs((yf.astype(LD) - reff) / reff).astype(np.float64), 0.0)
        j = int(np.argmax(rel))
        tol = F64_MAX_REL if _LD_OK else 2 * F64_MAX_REL
        assert rel[j] <= tol, (name, xf[j], yf[j], reff[j], rel[j])
        assert ulp_err[~normal].max(initial=0) <= 4, name
    return float(ulp_err.max())


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", NAMES)
def test_accuracy_dense_grid(loops, name, dtype):
    x = _grid(name, dtype)
    y = _apply(loops, name, x)
    assert y.dtype == dtype
    _check_accuracy(name, dtype, x, y)


def test_sin_cos_reduction_worst_cases(loops):
    """Arguments closest to multiples of pi/2 inside the documented range."""
    for dtype, kmax in ((np.float32, 2 ** 19), (np.float64, 2 ** 40)):
        if dtype is np.float32:
            ks = np.arange(1, kmax, 7, dtype=np.float64)
        else:
            ks = np.random.default_rng(5).integers(1, kmax, 1 << 17).astype(np.float64)
        base = (ks * (np.pi / 2)).astype(dtype)
        ity = np.int32 if dtype is np.float32 else np.int64
        bits = base.view(ity)
        x = np.concatenate([(bits + d).view(dtype) for d in (-1, 0, 1)])
        x = x[np.abs(x) <= fm.SIN_MAX[dtype]]
        for name in ("fast_sin", "fast_cos"):
            _check_accuracy(name, dtype, x, _apply(loops, name, x))


# ---------------------------------------------------------------------------
# Special values must match NumPy (value, nan-ness and sign of zero)
# ---------------------------------------------------------------------------

SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, -2.0, 1e-45, 5e-324,
           3.4e38, -3.4e38, 1.7976931348623157e308, 1000.0, -1000.0]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", NAMES)
def test_special_values_match_numpy(loops, name, dtype):
    with np.errstate(all="ignore"):
        x = np.array(SPECIAL, np.float64).astype(dtype)
    if name in ("fast_sin", "fast_cos"):  # nan beyond SIN_MAX, documented
        x = x[~(np.abs(x) > fm.SIN_MAX[dtype])]
    y = _apply(loops, name, x)
    with np.errstate(all="ignore"):
        expect = _numpy64(name, x.astype(np.float64)).astype(dtype)
        spacing = np.spacing(np.abs(expect)).astype(np.float64)
    for xi, yi, ei, ui in zip(x, y, expect, spacing):
        if np.isnan(ei):
            assert np.isnan(yi), (name, xi, yi)
        elif not np.isfinite(ei) or ei == 0:
            assert yi == ei and np.signbit(yi) == np.signbit(ei), (name, xi, yi, ei)
        else:
            assert abs(float(yi) - float(ei)) <= 4 * ui, (name, xi, yi, ei)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_named_special_cases(loops, dtype):
    inf, nan = dtype(np.inf), dtype(np.nan)

    def f(name, v):
        return _apply(loops, name, np.array([v], dtype))[0]

    assert f("fast_tanh", inf) == 1 and f("fast_tanh", -inf) == -1
    assert f("fast_exp", -inf) == 0 and f("fast_exp", dtype(1000)) == inf
    assert f("fast_exp", inf) == inf
    assert f("fast_log", dtype(0)) == -inf and f("fast_log", dtype(-0.0)) == -inf
    assert np.isnan(f("fast_log", dtype(-1))) and np.isnan(f("fast_log", -inf))
    assert f("fast_log", inf) == inf
    assert f("fast_log1p", dtype(-1)) == -inf and np.isnan(f("fast_log1p", dtype(-2)))
    assert f("fast_expm1", -inf) == -1 and f("fast_expm1", inf) == inf
    assert f("fast_sigmoid", -inf) == 0 and f("fast_sigmoid", inf) == 1
    assert f("fast_softplus", -inf) == 0 and f("fast_softplus", inf) == inf
    assert f("fast_erf", inf) == 1 and f("fast_erf", -inf) == -1
    assert np.isnan(f("fast_sin", inf)) and np.isnan(f("fast_cos", -inf))
    for name in ("fast_tanh", "fast_expm1", "fast_log1p", "fast_erf", "fast_sin"):
        z = f(name, dtype(-0.0))
        assert z == 0 and np.signbit(z), name
    for name in NAMES:
        assert np.isnan(f(name, nan)), name
    # denormal input / output
    tiny = np.finfo(dtype).smallest_subnormal
    assert f("fast_tanh", tiny) == tiny and f("fast_erf", dtype(0)) == 0
    assert f("fast_log", tiny) == dtype(np.log(np.float64(tiny)))
    d = f("fast_exp", dtype(-100.0 if dtype is np.float32 else -740.0))
    assert 0 < d < np.finfo(dtype).tiny


@pytest.mark.parametrize("opts", [dict(fastmath=True), dict(fastmath=False),
                                  dict(fastmath=True, error_model="python")],
                         ids=["fastmath", "nofastmath", "python-errmodel"])
def test_nan_inf_handling_independent_of_caller_flags(opts):
    """The functions carry their own flags: a caller compiled with
    fastmath=True (nnan/ninf) still gets NaN/inf right."""
    opts = dict(opts)
    opts.setdefault("error_model", "numpy")
    fns = [getattr(fm, n) for n in ("fast_tanh", "fast_exp", "fast_log", "fast_erf")]
    t, e, lg, er = fns

    @numba.njit(**opts)
    def k(x, y):
        for i in range(x.size):
            v = x[i]
            y[0, i] = t(v)
            y[1, i] = e(v)
            y[2, i] = lg(v)
            y[3, i] = er(v)

    x = np.array([np.nan, np.inf, -np.inf, 0.0, -1.0, 2.0] * 8, np.float32)
    y = np.empty((4, x.size), np.float32)
    k(x, y)
    with np.errstate(all="ignore"):
        x64 = x.astype(np.float64)
        exp_ = [np.tanh(x64), np.exp(x64), np.log(x64), _erf_u(x64).astype(np.float64)]
    for row, ref in zip(y, exp_):
        ref = ref.astype(np.float32)
        assert np.array_equal(np.isnan(row), np.isnan(ref))
        ok = ~np.isnan(ref)
        np.testing.assert_allclose(row[ok], ref[ok], rtol=1e-6)


# ---------------------------------------------------------------------------
# Codegen properties
# ---------------------------------------------------------------------------

_LIBM = re.compile(r"\b_?(tanh|exp|expm1|log|log1p|erf|sin|cos)f?\b")


def _loop_body_asm(dispatcher):
    """Assembly of the compiled function itself (not the CPython wrapper)."""
    asm = list(dispatcher.inspect_asm().values())[-1]
    out, on = [], False
    for line in asm.splitlines():
        if re.match(r"^(_ZN7cpython|cfunc\.|NRT_)", line):
            if on:
                break
            continue
        if re.match(r"^_ZN.*:$", line):
            on = True
            continue
        if on:
            out.append(line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def tanh_exp_loop32():
    ft, fe = fm.fast_tanh, fm.fast_exp

    @numba.njit(fastmath=CALLER_FM, error_model="numpy")
    def k(x, y):
        for i in range(x.size):
            y[i] = fe(x[i]) * ft(x[i])

    x = np.linspace(-3, 3, 1000).astype(np.float32)
    y = np.empty_like(x)
    k(x, y)
    return k


def test_float32_loop_vectorises(tanh_exp_loop32):
    body = _loop_body_asm(tanh_exp_loop32)
    # packed single-precision ops on 256-bit (AVX2) or 512-bit (AVX-512) regs
    assert re.search(r"\bv\w+ps\s.*%[yz]mm", body), body[:2000]
    assert "call" not in body, [ln for ln in body.splitlines() if "call" in ln]
    full = list(tanh_exp_loop32.inspect_asm().values())[-1]
    assert not _LIBM.search(full)


def test_float32_stays_float32(tanh_exp_loop32):
    llvm = list(tanh_exp_loop32.inspect_llvm().values())[-1]
    assert "double" not in llvm


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_all_functions_vectorise(dtype):
    fns = [getattr(fm, n) for n in NAMES]
    f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 = fns

    @numba.njit(fastmath=CALLER_FM, error_model="numpy")
    def k(x, y):
        for i in range(x.size):
            v = x[i]
            y[i] = (f0(v) + f1(v) + f2(v) + f3(v) + f4(v)
                    + f5(v) + f6(v) + f7(v) + f8(v) + f9(v))

    x = np.linspace(0.1, 3, 1000).astype(dtype)
    y = np.empty_like(x)
    k(x, y)
    body = _loop_body_asm(k)
    suffix = "ps" if dtype is np.float32 else "pd"
    assert re.search(r"\bv\w+" + suffix + r"\s.*%[yz]mm", body)
    assert "call" not in body


def test_serial_parallel_scalar_bitwise_identical():
    ft = fm.fast_tanh
    ser = _make_loop(ft)
    par = _make_loop(ft, parallel=True)
    scal = numba.njit(fastmath=CALLER_FM, error_model="numpy")(lambda v: ft(v))
    x = (np.random.default_rng(3).standard_normal(50001) * 4).astype(np.float32)
    y1, y2 = np.empty_like(x), np.empty_like(x)
    ser(x, y1)
    par(x, y2)
    assert np.array_equal(y1.view(np.int32), y2.view(np.int32))
    y3 = np.array([scal(v) for v in x[:300]], np.float32)
    assert np.array_equal(y3.view(np.int32), y1[:300].view(np.int32))


def test_integer_and_python_scalar_arguments():
    fe = fm.fast_exp

    @numba.njit
    def k(i):
        return fe(i)

    assert k(1) == pytest.approx(math.e, rel=1e-15)
    assert k.nopython_signatures[0].return_type == numba.float64


def test_python_level_calls():
    y = fm.fast_tanh(np.float32(0.5))
    assert isinstance(y, np.float32) and abs(y - np.tanh(np.float32(0.5))) < 1e-7
    a = np.linspace(-2, 2, 7).reshape(7, 1)
    out = fm.fast_sigmoid(a)
    assert out.shape == a.shape and out.dtype == np.float64
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-a)), rtol=1e-15)
    assert fm.fast_log(2) == pytest.approx(math.log(2), rel=1e-15)


GEN_MODULE = '''
import numba
import numpy as np
from numba import prange
from graphflow.kernels.fastmath import fast_tanh, fast_erf

C = np.float32(0.5)

@numba.njit(fastmath={fastmath}, error_model='numpy', cache=True)
def gen_kernel(x, y):
    for i in range(x.size):
        y[i] = C * x[i] * (np.float32(1.0) + fast_tanh(x[i])) + fast_erf(x[i])

@numba.njit(fastmath={fastmath}, error_model='numpy', cache=True, parallel=True)
def gen_kernel_par(x, y):
    for i in prange(x.size):
        y[i] = C * x[i] * (np.float32(1.0) + fast_tanh(x[i])) + fast_erf(x[i])
'''

GEN_DRIVER = '''
import sys, importlib.util
import numpy as np
sys.path.insert(0, {root!r})
spec = importlib.util.spec_from_file_location("gen_fastmath_mod", {path!r})
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
x = np.linspace(-4, 4, 100003).astype(np.float32)
y = np.empty_like(x); y2 = np.empty_like(x)
m.gen_kernel(x, y); m.gen_kernel_par(x, y2)
hits = sum(m.gen_kernel.stats.cache_hits.values()) + sum(m.gen_kernel_par.stats.cache_hits.values())
np.save({out!r}, np.stack([y, y2]))
print("HITS", hits)
'''


def test_generated_module_with_cache(tmp_path):
    """The code generator's pattern: a generated file imports fast_* and
    uses them in @njit(cache=True) kernels; the 2nd process loads from cache
    and gets bit-identical results."""
    mod = tmp_path / "gen_fastmath_mod.py"
    mod.write_text(GEN_MODULE.format(fastmath=repr(CALLER_FM)))
    outs = []
    for run in range(2):
        out = str(tmp_path / f"out{run}.npy")
        drv = tmp_path / f"drv{run}.py"
        drv.write_text(GEN_DRIVER.format(root=REPO_ROOT, path=str(mod), out=out))
        env = dict(os.environ)
        env.pop("NUMBA_DISABLE_JIT", None)
        env.pop("NUMBA_CACHE_DIR", None)
        p = subprocess.run([sys.executable, str(drv)], capture_output=True,
                           text=True, env=env, timeout=300)
        assert p.returncode == 0, p.stderr[-3000:]
        hits = int(re.search(r"HITS (\d+)", p.stdout).group(1))
        assert hits == (0 if run == 0 else 2), p.stdout
        outs.append(np.load(out))
    assert np.array_equal(outs[0], outs[1])
    assert np.array_equal(outs[0][0], outs[0][1])  # serial == parallel
    x = np.linspace(-4, 4, 100003)
    ref = 0.5 * x * (1 + np.tanh(x)) + _erf_u(x).astype(np.float64)
    np.testing.assert_allclose(outs[0][0], ref, rtol=2e-6, atol=2e-6)
