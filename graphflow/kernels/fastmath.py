"""Vectorisable scalar transcendental functions for numba kernels.

Every public function here is a *scalar* function meant to be called inside
an ``@numba.njit`` loop, e.g.::

    from graphflow.kernels.fastmath import fast_tanh

    @numba.njit(fastmath=True, error_model='numpy', cache=True)
    def kernel(x, y):
        for i in range(x.size):
            y[i] = fast_tanh(x[i])

Unlike ``np.tanh`` / ``math.exp`` (which numba lowers to scalar libm calls
that stop LLVM from vectorising the loop), these are branch-free polynomial
approximations built from float arithmetic, selects and integer bit tricks, so
LLVM inlines them and vectorises the loop (AVX2 ``ymm`` / AVX-512 ``zmm``).

Design (see ``docs/fastmath.md`` for derivations and measured errors):

* Each function is a Python stub with a numba ``@overload``.  The overload
  picks a float32 or float64 implementation from the argument type (integers
  and booleans are converted to float64, like NumPy does).  Both
  implementations are produced from ONE generic source template, executed
  once per dtype with that dtype's typed constants (``np.float32`` globals are
  frozen by numba as float32 constants), so float32 code never promotes to
  float64.
* The implementations are compiled with their own flags
  (``fastmath={'contract'}``, ``error_model='numpy'``) and LLVM inlines them
  into the caller.  Fast-math flags live on instructions, so the caller's
  flags (even ``fastmath=True``) do not leak into these functions: NaN/inf
  handling and the Cody-Waite / 2Sum tricks (which ``reassoc`` would destroy)
  stay correct whatever the caller uses.
* Integer manipulations (building 2**k, splitting exponent/mantissa,
  quadrant selection) are numba intrinsics written directly in LLVM IR with
  the exact integer width of the float type (numba's own int32 arithmetic
  would widen to int64).

Calling a stub from plain Python (scalar or array) also works; it runs a
lazily compiled element-wise loop.  That path is a convenience for tests and
eager code, not the performance path.
"""

import hashlib
import os

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

__all__ = [
    "fast_exp",
    "fast_expm1",
    "fast_log",
    "fast_log1p",
    "fast_tanh",
    "fast_sigmoid",
    "fast_softplus",
    "fast_erf",
    "fast_sin",
    "fast_cos",
    "PUBLIC_FUNCTIONS",
    "KERNEL_FASTMATH",
    "JIT_OPTIONS",
    "RECOMMENDED_CALLER_FASTMATH",
    "SIN_MAX",
    "FASTMATH_VERSION",
]

# Flags the implementations themselves are compiled with.  Only FMA
# contraction: no 'nnan'/'ninf' (special values are handled by selects), no
# 'reassoc' (it would fold the round-to-integer trick (t + S) - S and the
# Cody-Waite / 2Sum error terms), no 'arcp'/'nsz' (accuracy, sign of zero).
KERNEL_FASTMATH = frozenset({"contract"})
# forceinline adds LLVM's alwaysinline: without it LLVM refuses to inline the
# larger float64 bodies (erf, softplus) and the caller's loop stays scalar.
JIT_OPTIONS = {"fastmath": set(KERNEL_FASTMATH), "error_model": "numpy", "forceinline": True}

# Flags recommended for the *caller* (generated element-wise kernels): no
# 'nnan'/'ninf' (the caller's own NaN/inf arithmetic stays IEEE) and no
# 'reassoc' (with it, the same kernel gave 1-ulp different results when
# compiled fresh vs loaded from cache=True with parallel=True; reductions do
# need 'reassoc' to vectorise, at the price of bitwise reproducibility).
RECOMMENDED_CALLER_FASTMATH = frozenset({"contract", "arcp", "nsz", "afn"})

# fast_sin / fast_cos return nan for |x| > SIN_MAX[dtype] (range reduction).
SIN_MAX = {np.float32: 2.0 ** 20, np.float64: 2.0 ** 40}


# ---------------------------------------------------------------------------
# LLVM-level helpers (intrinsics).  All are pure element-wise operations that
# the loop vectoriser handles.
# ---------------------------------------------------------------------------

def _float_info(fty):
    """(llvm int type, mantissa bits, exponent bias) for a numba float type."""
    if fty.bitwidth == 32:
        return ir.IntType(32), 23, 127
    return ir.IntType(64), 52, 1023


def _is_float(t):
    return isinstance(t, types.Float) and t.bitwidth in (32, 64)


def _kbits(builder, ity, t, shift):
    # t = y + shift with shift = 1.5 * 2**mant holds round(y) in its low bits.
    return builder.sub(builder.bitcast(t, ity), builder.bitcast(shift, ity))


def _pow2_from_int(builder, ity, fty, k, mant, bias):
    e = builder.add(k, ir.Constant(ity, bias))
    return builder.bitcast(builder.shl(e, ir.Constant(ity, mant)), fty)


@intrinsic
def _pow2(typingctx, t, shift):
    """2**k, k = round-to-int stored in t (t = y + shift). k must be a normal exponent."""
    if not (_is_float(t) and t == shift):
        return None
    sig = t(t, shift)

    def codegen(context, builder, signature, args):
        tv, sv = args
        ity, mant, bias = _float_info(signature.return_type)
        k = _kbits(builder, ity, tv, sv)
        return _pow2_from_int(builder, ity, tv.type, k, mant, bias)

    return sig, codegen


@intrinsic
def _scale2(typingctx, p, t, shift):
    """p * 2**k with k from t as in _pow2; k is split in two halves so that
    results may overflow to inf or underflow to (correctly rounded) denormals."""
    if not (_is_float(p) and p == t == shift):
        return None
    sig = p(p, t, shift)

    def codegen(context, builder, signature, args):
        pv, tv, sv = args
        ity, mant, bias = _float_info(signature.return_type)
        k = _kbits(builder, ity, tv, sv)
        k1 = builder.ashr(k, ir.Constant(ity, 1))
        k2 = builder.sub(k, k1)
        s1 = _pow2_from_int(builder, ity, pv.type, k1, mant, bias)
        s2 = _pow2_from_int(builder, ity, pv.type, k2, mant, bias)
        return builder.fmul(builder.fmul(pv, s1), s2)

    return sig, codegen


@intrinsic
def _log_split(typingctx, x):
    """For positive normal x: (m, e) with x = m * 2**e, m in [sqrt(1/2), sqrt(2))."""
    if not _is_float(x):
        return None
    sig = types.UniTuple(x, 2)(x)

    def codegen(context, builder, signature, args):
        (xv,) = args
        ity, mant, bias = _float_info(signature.args[0])
        if ity.width == 32:
            off = 0x3F3504F3           # bits of sqrt(0.5) in float32
        else:
            off = 0x3FE6A09E667F3BCD   # bits of sqrt(0.5) in float64
        ix = builder.bitcast(xv, ity)
        d = builder.sub(ix, ir.Constant(ity, off))
        e = builder.ashr(d, ir.Constant(ity, mant))
        mbits = builder.sub(ix, builder.shl(e, ir.Constant(ity, mant)))
        m = builder.bitcast(mbits, xv.type)
        ef = builder.sitofp(e, xv.type)
        return context.make_tuple(builder, signature.return_type, [m, ef])

    return sig, codegen


@intrinsic
def _fabs(typingctx, x):
    if not _is_float(x):
        return None
    sig = x(x)

    def codegen(context, builder, signature, args):
        fn = builder.module.declare_intrinsic("llvm.fabs", [args[0].type])
        return builder.call(fn, args)

    return sig, codegen


@intrinsic
def _copysign(typingctx, mag, sgn):
    if not (_is_float(mag) and mag == sgn):
        return None
    sig = mag(mag, sgn)

    def codegen(context, builder, signature, args):
        mv, sv = args
        ity, mant, bias = _float_info(signature.return_type)
        signmask = ir.Constant(ity, 1 << (ity.width - 1))
        magmask = ir.Constant(ity, (1 << (ity.width - 1)) - 1)
        mb = builder.and_(builder.bitcast(mv, ity), magmask)
        sb = builder.and_(builder.bitcast(sv, ity), signmask)
        return builder.bitcast(builder.or_(mb, sb), mv.type)

    return sig, codegen


def _make_quadrant(offset):
    @intrinsic
    def _quadrant(typingctx, s, c, t, shift):
        """Select +-sin(r) / +-cos(r) by the quadrant k (+offset) stored in t."""
        if not (_is_float(s) and s == c == t == shift):
            return None
        sig = s(s, c, t, shift)

        def codegen(context, builder, signature, args):
            sv, cv, tv, shv = args
            ity, mant, bias = _float_info(signature.return_type)
            k = _kbits(builder, ity, tv, shv)
            if offset:
                k = builder.add(k, ir.Constant(ity, offset))
            odd = builder.trunc(builder.and_(k, ir.Constant(ity, 1)), ir.IntType(1))
            v = builder.select(odd, cv, sv)
            sign = builder.shl(builder.and_(k, ir.Constant(ity, 2)),
                               ir.Constant(ity, ity.width - 2))
            vb = builder.xor(builder.bitcast(v, ity), sign)
            return builder.bitcast(vb, sv.type)

        return sig, codegen

    return _quadrant


_quadrant_sin = _make_quadrant(0)
_quadrant_cos = _make_quadrant(1)


# ---------------------------------------------------------------------------
# Per-dtype constants.  Polynomial coefficients were fitted for this module
# with a weighted minimax (Lawson) fit in 50-digit mpmath arithmetic; the
# fitting recipe is in docs/fastmath.md.
# ---------------------------------------------------------------------------

_COMMON = dict(
    # name: (float32 value, float64 value)
    LOG2E=(1.4426950408889634, 1.4426950408889634),
    TWO_OVER_PI=(0.6366197723675814, 0.6366197723675814),
    # ln2 = LN2HI + LN2LO, LN2HI with 16 (f32) / 42 (f64) significant bits so
    # that k * LN2HI is exact for every exponent k.
    LN2HI=(0.693145751953125, 0.693147180559890330187045),
    LN2LO=(1.4286068203094172321e-6, 5.4979230187083711747e-14),
    # pi/2 = PIO2_1 + ... + PIO2_4; PIO2_1 has 8 (f32) / 26 (f64) bits.
    PIO2_1=(1.5703125, 1.5707963109016418),
    PIO2_2=(0.0004838267923332751, 1.5893254773528196e-08),
    PIO2_3=(2.5633440682570896e-12, 6.36831716351095e-25),
    PIO2_4=(8.333743212599745e-20, 2.316557725048044e-41),
    # 1.5 * 2**mant: adding it rounds to an integer held in the low bits.
    SHIFT=(1.5 * 2.0 ** 23, 1.5 * 2.0 ** 52),
    # fast_exp clamps: beyond EXP_HI the result overflows to inf, below
    # EXP_LO it rounds to +0.
    EXP_HI=(89.0, 710.0),
    EXP_LO=(-104.0, -746.0),
    # fast_expm1: below EM1_LO the result is -1; above EM1_BIG "-1" is
    # negligible.  Also the clamp of 2|x| in fast_tanh (tanh = +-1 there).
    EM1_LO=(-18.0, -40.0),
    EM1_BIG=(20.0, 40.0),
    # |x| < TINY: expm1/log1p/sin return x (keeps -0 and denormals exact).
    TINY=(2.0 ** -25, 2.0 ** -54),
    MIN_NORMAL=(2.0 ** -126, 2.0 ** -1022),
    SUB_SCALE=(2.0 ** 24, 2.0 ** 54),
    SUB_E=(24.0, 54.0),
    L1P_BIG=(2.0 ** 25, 2.0 ** 54),
    # fast_erf: x*P(x^2) below ERF_SPLIT, 1 - exp(-x^2) G(x - ERF_C0) above;
    # erf(x) rounds to 1 beyond ERF_CLAMP.
    ERF_SPLIT=(1.0, 1.0),
    ERF_CLAMP=(4.0, 6.0),
    ERF_C0=(2.5, 3.5),
    # fast_sin/fast_cos return nan for |x| > SIN_MAX (reduction range).
    SIN_MAX=(2.0 ** 20, 2.0 ** 40),
    ZERO=(0.0, 0.0),
    ONE=(1.0, 1.0),
    TWO=(2.0, 2.0),
    HALF=(0.5, 0.5),
    INF=(np.inf, np.inf),
    NEG_INF=(-np.inf, -np.inf),
    NAN=(np.nan, np.nan),
)

# Polynomial coefficients, lowest degree first.
_POLYS = dict(
    # e**r - 1 = r + r^2 * EM1(r),   |r| <= ln2/2
    EM1=(
        (0.4999999701976776, 0.16666541993618011, 0.04166720435023308,
         0.008366653695702553, 0.0013882496859878302),
        (0.50000000000000000087, 0.16666666666666676701, 0.041666666666666505677,
         0.0083333333333215090168, 0.0013888888888963524394,
         0.00019841269886490169818, 2.4801587171021841974e-5,
         2.7557243790172883269e-6, 2.7557403295826038701e-7,
         2.5109200339238751089e-8, 2.087532393409420836e-9),
    ),
    # log((1+s)/(1-s)) = 2s + s * z * LOG(z),   z = s^2 <= (3 - 2 sqrt 2)^2
    LOG=(
        (0.6666677594184875, 0.399774432182312, 0.298745721578598),
        (0.66666666666667354099, 0.39999999999407295399, 0.28571428744186136906,
         0.22222198373665219196, 0.18183575427345149706, 0.15313748759018156612,
         0.14799139126530435272),
    ),
    # erf(x) = x * ERFS(x^2),   |x| <= 1
    ERFS=(
        (1.1283791065216064, -0.3761262595653534, 0.1128358542919159,
         -0.026853814721107483, 0.005188329610973597, -0.0008010201272554696,
         7.853857823647559e-05),
        (1.1283791670955125657, -0.37612638903183520004, 0.1128379167094419677,
         -0.02686617064311290604, 0.0052239776061279773405,
         -0.00085483259296955412673, 0.00012055293586638272216,
         -1.4924712463790747315e-5, 1.6447133308585773002e-6,
         -1.620632536675393128e-7, 1.3711024185203591832e-8,
         -7.7795395552522464509e-10),
    ),
    # erfc(x) = exp(-x^2) * ERFL(x - ERF_C0),   1 <= x <= ERF_CLAMP
    ERFL=(
        (0.21080760657787323, -0.07434218376874924, 0.024914616718888283,
         -0.008132274262607098, 0.0023024980910122395, -0.0006610711570829153,
         0.0005433919723145664, 0.00022510260168928653, 0.00010685118468245491),
        (0.15529365560719487937, -0.041323577832180479182, 0.010661133337802338634,
         -0.002673073813317147314, 0.00065268660610221098054,
         -0.00015547262307463370322, 3.617253773886259126e-5,
         -8.2432606026131165056e-6, 1.8486389759802117831e-6,
         -3.7807880591656642836e-7, 1.0108243834955010381e-7,
         -2.3211335119936321267e-8, -1.1000162532584921175e-8,
         -1.0833998200313989317e-8, -1.8044419740800126163e-9,
         1.6517599642050638002e-9, 1.5477004597261168069e-9,
         6.2153064514619051383e-10, 1.4592690581215280577e-10,
         1.9330236944589885893e-11, 1.1711836270835515074e-12),
    ),
    # sin(r) = r + r^3 SIN(r^2); cos(r) = 1 - r^2/2 + r^4 COS(r^2), |r| <= pi/4
    SIN=(
        (-0.16666655242443085, 0.008332173340022564, -0.00019516618340276182),
        (-0.16666666666666631637, 0.008333333333322311703,
         -0.0001984126982972243639, 2.7557313661086458805e-6,
         -2.5050753110165580832e-8, 1.5896495846892554721e-10),
    ),
    COS=(
        (0.04166664555668831, -0.001388736069202423, 2.4437693355139345e-05),
        (0.041666666666666598656, -0.0013888888888873975954,
         2.4801587289386153993e-5, -2.7557314323586361361e-7,
         2.0875719235059695055e-9, -1.1359432242848210581e-11),
    ),
)


# ---------------------------------------------------------------------------
# Generic implementation template, executed once per dtype.  It must contain
# no float or int literals (they would be typed float64 / int64): every
# constant is a dtype-typed global from the namespace.
# ---------------------------------------------------------------------------

_TEMPLATE = '''
def _reduce_ln2(x):
    # x = k ln2 + r, |r| <= ln2/2;  t holds k (see _pow2)
    t = x * LOG2E + SHIFT
    kf = t - SHIFT
    r = x - kf * LN2HI
    r = r - kf * LN2LO
    return t, r

def _em1(r):
    return r + r * r * _poly_EM1(r)

def _exp_moderate(x):
    # exp(x) for x with a normal 2**round(x/ln2); no clamping, no specials
    t, r = _reduce_ln2(x)
    return _pow2(t, SHIFT) * (ONE + _em1(r))

def _log_me(m, e):
    # log(m * 2**e), m in [sqrt(1/2), sqrt(2))
    f = m - ONE
    s = f / (TWO + f)
    z = s * s
    rr = z * _poly_LOG(z)
    hfsq = HALF * f * f
    return e * LN2HI - ((hfsq - (s * (hfsq + rr) + e * LN2LO)) - f)

def fast_exp(x):
    xc = EXP_HI if x > EXP_HI else x
    xc = EXP_LO if xc < EXP_LO else xc
    t, r = _reduce_ln2(xc)
    return _scale2(ONE + _em1(r), t, SHIFT)

def fast_expm1(x):
    xc = EXP_HI if x > EXP_HI else x
    xc = EM1_LO if xc < EM1_LO else xc
    t, r = _reduce_ln2(xc)
    p = _em1(r)
    s = _pow2(t, SHIFT)
    small = s * p + (s - ONE)
    big = _scale2(ONE + p, t, SHIFT)
    res = big if xc > EM1_BIG else small
    return x if _fabs(x) < TINY else res

def fast_tanh(x):
    # tanh|x| = e / (e + 2), e = expm1(2|x|)
    a = _fabs(x)
    a2 = a + a
    a2 = EM1_BIG if a2 > EM1_BIG else a2
    t, r = _reduce_ln2(a2)
    s = _pow2(t, SHIFT)
    e = s * _em1(r) + (s - ONE)
    return _copysign(e / (e + TWO), x)

def fast_sigmoid(x):
    z = fast_exp(-_fabs(x))
    num = ONE if x >= ZERO else z
    return num / (ONE + z)

def fast_log(x):
    sub = x < MIN_NORMAL
    xs = x * SUB_SCALE if sub else x
    m, e = _log_split(xs)
    e = e - SUB_E if sub else e
    res = _log_me(m, e)
    res = res if x < INF else x
    res = NAN if x < ZERO else res
    res = NEG_INF if x == ZERO else res
    return res

def fast_log1p(x):
    u = ONE + x
    bb = u - ONE
    err = (ONE - (u - bb)) + (x - bb)
    c = err / u
    c = ZERO if u == ZERO else c
    c = c if _fabs(x) < L1P_BIG else ZERO
    res = fast_log(u) + c
    return x if _fabs(x) < TINY else res

def fast_softplus(x):
    # max(x, 0) + log1p(exp(-|x|)), with 1 + z split exactly (Fast2Sum)
    z = fast_exp(-_fabs(x))
    u = ONE + z
    err = z - (u - ONE)
    m, e = _log_split(u)
    lp = _log_me(m, e) + err / u
    xp = x if x > ZERO else ZERO
    return xp + lp

def fast_erf(x):
    a = _fabs(x)
    small = x * _poly_ERFS(x * x)
    ac = ERF_CLAMP if a > ERF_CLAMP else a
    ex = _exp_moderate(-(ac * ac))
    large = _copysign(ONE - ex * _poly_ERFL(ac - ERF_C0), x)
    return small if a < ERF_SPLIT else large

def _reduce_pio2(x):
    t = x * TWO_OVER_PI + SHIFT
    kf = t - SHIFT
    r = x - kf * PIO2_1
    r = r - kf * PIO2_2
    r = r - kf * PIO2_3
    r = r - kf * PIO2_4
    return t, r

def fast_sin(x):
    t, r = _reduce_pio2(x)
    z = r * r
    s = r + r * z * _poly_SIN(z)
    c = ONE - HALF * z + z * z * _poly_COS(z)
    res = _quadrant_sin(s, c, t, SHIFT)
    res = x if _fabs(x) < TINY else res
    return NAN if _fabs(x) > SIN_MAX else res

def fast_cos(x):
    t, r = _reduce_pio2(x)
    z = r * r
    s = r + r * z * _poly_SIN(z)
    c = ONE - HALF * z + z * z * _poly_COS(z)
    res = _quadrant_cos(s, c, t, SHIFT)
    return NAN if _fabs(x) > SIN_MAX else res
'''

PUBLIC_FUNCTIONS = (
    "fast_exp", "fast_expm1", "fast_log", "fast_log1p", "fast_tanh",
    "fast_sigmoid", "fast_softplus", "fast_erf", "fast_sin", "fast_cos",
)
_INTERNAL = ("_reduce_ln2", "_em1", "_exp_moderate", "_log_me", "_reduce_pio2")


def _horner_source(name, ncoef):
    expr = f"{name}_{ncoef - 1}"
    for i in range(ncoef - 2, -1, -1):
        expr = f"({expr}) * x + {name}_{i}"
    return f"def _poly_{name}(x):\n    return {expr}\n"


def _build(dtype):
    """Execute the template for one float dtype.  Returns {name: python function}
    for the public functions (plain functions: the overload jits them)."""
    idx = 0 if dtype is np.float32 else 1
    ns = {
        "_pow2": _pow2, "_scale2": _scale2, "_log_split": _log_split,
        "_fabs": _fabs, "_copysign": _copysign,
        "_quadrant_sin": _quadrant_sin, "_quadrant_cos": _quadrant_cos,
    }
    for name, vals in _COMMON.items():
        ns[name] = dtype(vals[idx])
    src = []
    for name, coefs in _POLYS.items():
        cs = coefs[idx]
        for i, c in enumerate(cs):
            ns[f"{name}_{i}"] = dtype(c)
        src.append(_horner_source(name, len(cs)))
    src.append(_TEMPLATE)
    code = compile("\n".join(src), f"<graphflow.fastmath.{dtype.__name__}>", "exec")
    exec(code, ns)
    inline = numba.njit(inline="always", **JIT_OPTIONS)
    # Helpers are inlined at numba-IR level into the public implementations
    # (which carry JIT_OPTIONS), so they inherit the same flags.
    for name in list(ns):
        if name.startswith("_poly_") or name in _INTERNAL:
            ns[name] = inline(ns[name])
    pyfuncs = {name: ns[name] for name in PUBLIC_FUNCTIONS}
    # Public functions used by other public functions (e.g. fast_exp inside
    # fast_sigmoid) are replaced in the namespace by inline copies.
    for name in PUBLIC_FUNCTIONS:
        ns[name] = inline(ns[name])
    return pyfuncs


_IMPLS = {np.float32: _build(np.float32), np.float64: _build(np.float64)}


# ---------------------------------------------------------------------------
# Public stubs + overloads
# ---------------------------------------------------------------------------

_py_kernels = {}


def _python_call(name, x):
    """Plain-Python entry: applies the jitted function element-wise."""
    arr = np.asarray(x)
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    key = (name, arr.dtype.type)
    kern = _py_kernels.get(key)
    if kern is None:
        kern = _make_python_kernel(globals()[name])
        _py_kernels[key] = kern
    src = np.ascontiguousarray(arr).reshape(-1)
    out = np.empty_like(src)
    kern(src, out)
    out = out.reshape(arr.shape)
    if np.ndim(x) == 0:
        return out[()]
    return out


def _make_python_kernel(stub):
    def kern(x, y):
        for i in range(x.size):
            y[i] = stub(x[i])
    return numba.njit(**JIT_OPTIONS)(kern)


def _make_public(name):
    impl32 = _IMPLS[np.float32][name]
    impl64 = _IMPLS[np.float64][name]
    jit64 = numba.njit(**JIT_OPTIONS)(impl64)
    doc = _DOCS[name]

    def stub(x):
        return _python_call(name, x)

    stub.__name__ = stub.__qualname__ = name
    stub.__doc__ = doc
    stub.__module__ = __name__

    @overload(stub, jit_options=dict(JIT_OPTIONS))
    def _ov(x):
        if isinstance(x, types.Float):
            if x.bitwidth == 32:
                return impl32
            if x.bitwidth == 64:
                return impl64
            return None
        if isinstance(x, (types.Integer, types.Boolean)):
            def impl_int(x):
                return jit64(np.float64(x))
            return impl_int
        return None

    return stub


_DOCS = dict(
    fast_exp="exp(x), about 1 ulp; overflow to inf and denormal results handled.",
    fast_expm1="expm1(x) = exp(x) - 1, relative accuracy near 0.",
    fast_log="log(x); log(0) = -inf, log(x<0) = nan, denormal inputs handled.",
    fast_log1p="log1p(x) = log(1 + x), relative accuracy near 0.",
    fast_tanh="tanh(x) via expm1(2|x|) / (expm1(2|x|) + 2).",
    fast_sigmoid="1 / (1 + exp(-x)), accurate (relative) for large negative x too.",
    fast_softplus="log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)).",
    fast_erf="erf(x): x*P(x^2) for |x| < 1, 1 - exp(-x^2)*G(x) above.",
    fast_sin="sin(x) for |x| <= SIN_MAX[dtype] (2**20 float32, 2**40 float64); nan beyond.",
    fast_cos="cos(x) for |x| <= SIN_MAX[dtype] (2**20 float32, 2**40 float64); nan beyond.",
)

fast_exp = _make_public("fast_exp")
fast_expm1 = _make_public("fast_expm1")
fast_log = _make_public("fast_log")
fast_log1p = _make_public("fast_log1p")
fast_tanh = _make_public("fast_tanh")
fast_sigmoid = _make_public("fast_sigmoid")
fast_softplus = _make_public("fast_softplus")
fast_erf = _make_public("fast_erf")
fast_sin = _make_public("fast_sin")
fast_cos = _make_public("fast_cos")


def _source_hash():
    try:
        with open(os.path.abspath(__file__), "rb") as fh:
            return hashlib.sha1(fh.read()).hexdigest()[:16]
    except OSError:  # pragma: no cover - frozen / zipped installs
        return "unknown"


# Numba's cache=True does not notice when this file changes: a cached caller
# keeps the old inlined code.  Code generators should embed FASTMATH_VERSION in
# the generated source (e.g. a comment) so that a change here changes the
# generated file and invalidates its cache.
FASTMATH_VERSION = _source_hash()
