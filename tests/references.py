"""Independent references for the tests: one home, never symgrad's own code.

Nothing here imports symgrad.  Every value is computed by another method (mpmath,
Python's ``decimal`` and ``fractions``) or cited with its provenance.

* The chain, written out from the text's definitions in mpmath:
  :func:`activation` and :func:`derivative` (textbook formulas: sigma' = e^-|t| /
  (1 + e^-|t|)^2 = sigma (1 - sigma), tanh' = sech^2, softplus' = sigma),
  :func:`forward` (F alone, for numerical differentiation), :func:`gradient` (F and
  every partial by the explicit product formula dF/dw_k = o_{k-1} act'(z_k)
  prod_{i>k} w_i act'(z_i), suffix products, no recursion), :func:`chain_reference`
  (the same at a chosen precision, with the first pre-activation computed exactly in
  rationals so that b_1 = -1 + 10^-100 is not rounded before the cancellation) and
  :func:`prefix_gradients` (dF/dw_1 of the seed chain at every depth 1..N).
* ``mpmath.diff`` wrappers (numerical differentiation, a different method again):
  :func:`diff_partials` and :func:`diff_hessian`.
* Exact numbers and decimal rounding: :func:`exact_fraction`, :func:`decimal_value`,
  :func:`decimal_round` (the ``decimal`` module's correctly rounded division),
  :func:`digit_string`, :func:`correctly_rounded`, :func:`arb_ends`.
* Float formats from the standards: :data:`IEEE` and :func:`nearest_even`.
* Cited values: :data:`DEPTH_1000_GRAD_W1`.
* Comparisons, one semantics for all tests: :func:`is_close` and
  :func:`assert_ball_contains` accept ``got`` as a printed decimal string or any
  number, compare in mpmath at a precision above every input's digits (any exponent),
  and allow the tolerance
  ``tol = rel * |want| + absolute``: relative to the *reference* ``want`` (never to the
  value under test), the two parts added (not the larger of them, unlike
  :func:`math.isclose`).

>>> import mpmath
>>> with mpmath.workdps(30):  # F = sigma(w_2 w_1): dF/dw_2 = w_1 sigma'(-2)
...     F, gw, gb, gx = gradient("sigmoid", [mpmath.mpf(2), mpmath.mpf(-1)])
...     is_close(gw[1], 2 * mpmath.exp(2) / (1 + mpmath.exp(2)) ** 2, rel="1e-28")
True
>>> correctly_rounded(prefix_gradients("sigmoid", [1] * 1000, 80)[-1], 40) == (
...     DEPTH_1000_GRAD_W1)
True
"""

from __future__ import annotations

import decimal
from fractions import Fraction

import mpmath
from mpmath.libmp import mpf_abs, to_str

__all__ = [
    "ACTIVATIONS", "DEPTH_1000_GRAD_W1", "IEEE", "activation", "arb_ends",
    "assert_ball_contains", "chain_reference", "correctly_rounded", "decimal_round",
    "decimal_value", "derivative", "diff_hessian", "diff_partials", "digit_string",
    "exact_fraction", "forward", "gradient", "is_close", "mpf_of", "nearest_even",
    "prefix_gradients",
]

ACTIVATIONS = ("sigmoid", "tanh", "softplus")

#: dF/dw_1 of the sigmoid seed chain of depth 1000 with all weights 1, to 40 digits.
#: Issue 2 quotes "1.5436...e-648"; these 40 digits were computed by a separate mpmath
#: product at 58 digits when that issue was built, and :func:`prefix_gradients` at 80
#: digits agrees with every one of them (the module's doctest checks it).
DEPTH_1000_GRAD_W1 = "1.543614736380711525657852642382477056937e-648"

#: Binary formats from IEEE 754-2019 (table 3.5: binary64, binary32, binary16) and the
#: bfloat16 definition (Google / Intel BF16 specification: binary32's exponent range with
#: 8 significand bits): significand precision p (implicit bit included), and the
#: exponents of the smallest and largest normal numbers -- not from numpy's finfo.
IEEE = {"float64": (53, -1022, 1023), "float32": (24, -126, 127), "float16": (11, -14, 15),
        "bfloat16": (8, -126, 127)}


# -- numbers ------------------------------------------------------------------------------


def mpf_of(q):
    """``q`` (Fraction, int, float, str or mpf) as an mpf at the current precision, with
    one rounding (a Fraction is divided, never passed through a float).

    >>> with mpmath.workdps(20):
    ...     print(mpf_of(Fraction(1, 3)))
    0.33333333333333333333
    """
    if isinstance(q, Fraction):
        return mpmath.mpf(q.numerator) / q.denominator
    return mpmath.mpf(q)


def exact_fraction(x) -> Fraction:
    """The exact rational value of an mpf, of an exact arb, of a float, int or Fraction,
    or of a decimal string (``mpmath.mpf(x)`` would round x to the current precision).

    >>> exact_fraction(mpmath.mpf(0.75)), exact_fraction("-1.5e-1")
    (Fraction(3, 4), Fraction(-3, 20))
    """
    if isinstance(x, str):
        return decimal_value(x)
    if hasattr(x, "_mpf_"):  # an mpf, or a constant such as mpmath.pi (current precision)
        assert mpmath.isfinite(x), x
        sign, man, exp, _ = x._mpf_
        return (-1) ** sign * Fraction(int(man)) * Fraction(2) ** int(exp)
    if hasattr(x, "man_exp"):  # a python-flint arb: only an exact one has one value
        assert x.is_exact(), x
        man, exp = (int(t) for t in x.man_exp())
        return Fraction(man) * Fraction(2) ** exp
    return Fraction(x)


def arb_ends(ball) -> tuple[Fraction, Fraction]:
    """The exact ends mid - rad, mid + rad of a python-flint arb.

    >>> from flint import arb
    >>> lo, hi = arb_ends(arb(1) / 3)
    >>> lo < Fraction(1, 3) < hi and hi - lo < Fraction(1, 10**15)
    True
    """
    m, r = exact_fraction(ball.mid()), exact_fraction(ball.rad())
    return m - r, m + r


def decimal_value(text: str) -> Fraction:
    """A printed decimal (``d.ddde±N``, ``0``, ``0.25``) as an exact rational.

    >>> decimal_value("1.25e-2")
    Fraction(1, 80)
    """
    return Fraction(decimal.Decimal(text))


_ROUNDING = {"upper": decimal.ROUND_CEILING, "lower": decimal.ROUND_FLOOR,
             "nearest": decimal.ROUND_HALF_EVEN, "toward": decimal.ROUND_DOWN,
             "away": decimal.ROUND_UP}


def decimal_round(v: Fraction, digits: int, rounding: str = "nearest") -> Fraction:
    """``v`` rounded to ``digits`` significant digits by Python's ``decimal`` module, whose
    division is correctly rounded: ``rounding`` is upper (toward +inf), lower, nearest
    (ties to even), toward (zero) or away (from zero).

    >>> decimal_round(Fraction(2, 3), 3), decimal_round(Fraction(-2, 3), 3, "upper")
    (Fraction(667, 1000), Fraction(-333, 500))
    """
    with decimal.localcontext() as c:
        c.prec, c.rounding = digits, _ROUNDING[rounding]
        c.Emax, c.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        c.traps[decimal.Inexact] = c.traps[decimal.Rounded] = False
        return Fraction(decimal.Decimal(v.numerator) / decimal.Decimal(v.denominator))


def digit_string(value, n: int) -> tuple[str, int]:
    """The first ``n`` significant digits of |value| (mpmath's own decimal conversion,
    rounded at digit n) and the decimal exponent of the first one.

    >>> digit_string(mpmath.mpf(1234.5), 3)
    ('123', 3)
    """
    exact_abs = mpf_abs(value._mpf_)  # abs(value) would round to the context's precision
    text = to_str(exact_abs, n, min_fixed=0, max_fixed=0, strip_zeros=False)
    mant, _, exp = text.partition("e")
    return mant.replace(".", "").ljust(n, "0"), int(exp or 0)


def correctly_rounded(value, digits: int) -> str:
    """``value`` (mpf, known to many more than ``digits`` digits) rounded to ``digits``
    significant digits, ties to even, as ``d.ddde±N`` (``"0"`` for zero).  Works on the
    text of mpmath's conversion with 40 more digits, so any exponent is fine.

    >>> correctly_rounded(mpmath.mpf(2.5), 1), correctly_rounded(-mpmath.mpf(0.5), 3)
    ('2e+0', '-5.00e-1')
    """
    if value == 0:
        return "0"
    allds, e = digit_string(value, digits + 40)
    head, tail = int(allds[:digits]), allds[digits:]
    if tail[0] > "5" or (tail[0] == "5" and (tail[1:].strip("0") or head % 2 == 1)):
        head += 1
    if head == 10**digits:
        head, e = head // 10, e + 1
    body = str(head)
    body = body[0] + ("." + body[1:] if digits > 1 else "")
    return f"{'-' if value < 0 else ''}{body}e{e:+d}"


def nearest_even(v: Fraction, name: str) -> Fraction:
    """``v`` rounded to the nearest number of format ``name``, ties to even, in exact
    rational arithmetic from the :data:`IEEE` parameters alone (finite range: callers
    stay below the largest number; subnormals included).

    >>> nearest_even(1 + Fraction(1, 2**8), "bfloat16")  # a tie: to the even 1
    Fraction(1, 1)
    """
    p, emin, _ = IEEE[name]
    if v == 0:
        return Fraction(0)
    a = abs(v)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    gap = Fraction(2) ** (max(e, emin) - (p - 1))
    n, rest = divmod(a, gap)
    low, high = n * gap, (n + 1) * gap
    out = low if rest < gap / 2 or (rest == gap / 2 and n % 2 == 0) else high
    return out if v > 0 else -out


# -- the chain, by hand ---------------------------------------------------------------------


def activation(name: str, t):
    """sigma(t) from its textbook definition, at the current mpmath precision.

    >>> activation("softplus", mpmath.mpf(0)) == mpmath.log(2)
    True
    """
    if name == "sigmoid":
        return 1 / (1 + mpmath.exp(-t))
    if name == "tanh":
        return mpmath.tanh(t)
    if name == "softplus":
        return mpmath.log1p(mpmath.exp(t))
    if name == "identity":
        return t
    if name == "relu":
        return max(t, 0 * t)
    if name == "leaky_relu":  # slope 1/100 (symgrad's documented constant)
        return t if t > 0 else t / 100
    if name == "elu":
        return t if t > 0 else mpmath.expm1(t)
    if name == "gelu":  # t Phi(t), the exact erf form
        return t * (1 + mpmath.erf(t / mpmath.sqrt(2))) / 2
    if name == "silu":
        return t / (1 + mpmath.exp(-t))
    if name == "erf":
        return mpmath.erf(t)
    raise ValueError(f"no reference for {name!r}")


def network_objective(layers, activations, params, data, loss="squared", residual=False):
    """F(w) = sum over the data of the loss of a fully connected network, written out from
    the definitions in mpmath: z_l = W_l o_{l-1} + b_l, o_l = act_l(z_l) (+ o_{l-1} where
    ``residual`` and the widths match, not on a cross-entropy output), losses
    1/2 ||o_L - y||^2, -y log s - (1 - y) log(1 - s) with s = sigmoid(z_L) (one output),
    -sum y_i log softmax(z_L)_i, or o_L itself (``none``).  ``params`` maps W1, b1, ...
    to nested lists of mpf (no b_l: no bias).
    """
    total = 0
    depth = len(layers) - 1
    for x, y in data:
        o = [mpmath.mpf(v) for v in x]
        z = o
        for layer in range(1, depth + 1):
            W, b = params[f"W{layer}"], params.get(f"b{layer}")
            z = [mpmath.fsum(W[i][j] * o[j] for j in range(len(o))) + (b[i] if b else 0)
                 for i in range(len(W))]
            act = activations[layer - 1]
            if act == "softmax":
                o = z
                continue
            a = [activation(act, t) for t in z]
            skip = residual and layers[layer - 1] == layers[layer] and not (
                loss == "cross-entropy" and layer == depth)
            o = [oi + ai for oi, ai in zip(o, a)] if skip else a
        if loss == "none":
            total += o[0]
        elif loss == "squared":
            total += mpmath.fsum((oi - mpmath.mpf(yi)) ** 2 for oi, yi in zip(o, y)) / 2
        elif len(o) == 1:
            s, yy = 1 / (1 + mpmath.exp(-z[0])), mpmath.mpf(y[0])
            total += -yy * mpmath.log(s) - (1 - yy) * mpmath.log(1 - s)
        else:
            lse = mpmath.log(mpmath.fsum(mpmath.exp(t) for t in z))
            total += -mpmath.fsum(mpmath.mpf(yi) * (t - lse) for yi, t in zip(y, z))
    return total


def derivative(name: str, t):
    """sigma'(t) written without cancellation: e^-|t| / (1 + e^-|t|)^2 for the sigmoid
    (= sigma (1 - sigma), symmetric in t), sech(t)^2, and sigma(t) for softplus.

    >>> derivative("sigmoid", mpmath.mpf(0)), derivative("tanh", mpmath.mpf(0))
    (mpf('0.25'), mpf('1.0'))
    """
    if name == "sigmoid":
        e = mpmath.exp(-abs(t))
        return e / (1 + e) ** 2
    if name == "tanh":
        return mpmath.sech(t) ** 2
    if name == "softplus":
        return 1 / (1 + mpmath.exp(-t))
    raise ValueError(f"no reference for {name!r}")


def forward(act: str, weights, form: str = "seed", biases=None, x=None):
    """F at the current precision: o_1 = w_1 (seed form, plus b_1 if given) or
    act(w_1 x + b_1) (general form, x = 1 if not given), o_i = act(w_i o_{i-1} + b_i).
    Inputs are anything :func:`mpf_of` takes; mpf inputs are used as they are, so
    ``mpmath.diff`` can differentiate this.

    >>> forward("tanh", [2, 0]), forward("tanh", [1], "general", x=0)
    (mpf('0.0'), mpf('0.0'))
    """
    w = [mpf_of(v) for v in weights]
    b = [mpf_of(v) for v in biases] if biases else [0] * len(w)
    z = w[0] * (1 if x is None else mpf_of(x)) + b[0]
    o = z if form == "seed" else activation(act, z)
    for wi, bi in zip(w[1:], b[1:]):
        o = activation(act, wi * o + bi)
    return o


def _sweep(act: str, form: str, w, b, x0, z1):
    """(F, dF/dw, dF/db, dF/dx) from mpf weights, biases (or None), input and the first
    pre-activation, by the explicit product formula (suffix products)."""
    depth = len(w)
    o, d = [x0], []
    for i in range(depth):
        z = z1 if i == 0 else w[i] * o[-1] + (b[i] if b else 0)
        seed = i == 0 and form == "seed"
        o.append(z if seed else activation(act, z))
        d.append(mpmath.mpf(1) if seed else derivative(act, z))
    tails = [mpmath.mpf(1)] * (depth + 1)  # tails[k] = prod_{i>=k} w_i act'(z_i)
    for i in range(depth - 1, -1, -1):
        tails[i] = tails[i + 1] * w[i] * d[i]
    gb = [d[k] * tails[k + 1] for k in range(depth)]
    gw = [o[k] * d[k] * tails[k + 1] for k in range(depth)]
    return o[-1], gw, gb, tails[0]


def gradient(act: str, weights, form: str = "seed", biases=None, x=None):
    """(F, [dF/dw_k], [dF/db_k], dF/dx) at the current precision (inputs as for
    :func:`forward`); dF/db_k is given (as dF/dz_k) even without biases.

    >>> F, gw, gb, gx = gradient("tanh", [1, 0, 5])  # F = tanh(5 tanh(0 * 1)) = 0
    >>> [float(g) for g in gw]  # dF/dw_2 = o_1 tanh'(0) w_3 tanh'(0) = 5
    [0.0, 5.0, 0.0]
    """
    w = [mpf_of(v) for v in weights]
    b = [mpf_of(v) for v in biases] if biases else None
    x0 = mpmath.mpf(1) if x is None else mpf_of(x)
    return _sweep(act, form, w, b, x0, w[0] * x0 + (b[0] if b else 0))


def chain_reference(act: str, form: str, weights, biases, x, dps: int):
    """(F, [dF/dw_k], [dF/db_k], dF/dx) at ``dps`` digits from rational inputs, the first
    pre-activation w_1 x + b_1 computed exactly before its one rounding.

    >>> F, gw, _, _ = chain_reference("tanh", "general", [1], [Fraction(-1) + Fraction(1, 10**60)],
    ...                               1, 30)
    >>> float(F * 10**60)  # tanh(10^-60), not 0
    1.0
    """
    with mpmath.workdps(dps):
        w = [mpf_of(Fraction(v)) for v in weights]
        b = [mpf_of(Fraction(v)) for v in biases] if biases else None
        x0 = Fraction(1) if x is None else Fraction(x)
        z1 = Fraction(weights[0]) * x0 + (Fraction(biases[0]) if biases else 0)
        return _sweep(act, form, w, b, mpf_of(x0), mpf_of(z1))


def prefix_gradients(act: str, weights, dps: int) -> list:
    """dF/dw_1 of the seed chain of every depth n = 1..N built from the first n weights:
    prod_{i=2..n} w_i act'(w_i o_{i-1}), o_1 = w_1 (one pass, at ``dps`` digits).

    >>> [float(g) for g in prefix_gradients("sigmoid", [0, 2, 2], 30)]  # 1, 2/4, sigma'(1)
    [1.0, 0.5, 0.19661193324148185]
    """
    with mpmath.workdps(dps):
        w = [mpf_of(Fraction(v)) for v in weights]
        o, g, out = w[0], mpmath.mpf(1), [mpmath.mpf(1)]
        for wi in w[1:]:
            z = wi * o
            g *= wi * derivative(act, z)
            o = activation(act, z)
            out.append(+g)
        return out


# -- numerical differentiation (mpmath.diff) ----------------------------------------------


def diff_partials(act: str, weights, form: str = "seed", biases=None, x=None, dps: int = 40):
    """(F, [dF/dw_k], [dF/db_k] or None, dF/dx or None) by ``mpmath.diff`` of
    :func:`forward` at ``dps`` digits (dF/dx only for the general form).

    >>> F, gw, _, _ = diff_partials("sigmoid", [Fraction(1, 2), 2], dps=30)
    >>> with mpmath.workdps(30):  # F = sigma(w_2 w_1): dF/dw_1 = w_2 sigma'(1)
    ...     is_close(gw[0], 2 * derivative("sigmoid", mpmath.mpf(1)), rel="1e-25")
    True
    """
    with mpmath.workdps(dps):
        w = [mpf_of(v) for v in weights]
        b = [mpf_of(v) for v in biases] if biases else None
        x0 = mpf_of(1 if x is None else x)

        def at(k, t, which):
            ws, bs = list(w), list(b) if b else None
            (ws if which == "w" else bs)[k] = t
            return forward(act, ws, form, bs, x0)

        gw = [mpmath.diff(lambda t, k=k: at(k, t, "w"), w[k]) for k in range(len(w))]
        gb = [mpmath.diff(lambda t, k=k: at(k, t, "b"), b[k]) for k in range(len(b))] if b \
            else None
        gx = mpmath.diff(lambda t: forward(act, w, form, b, t), x0) if form == "general" \
            else None
        return forward(act, w, form, b, x0), gw, gb, gx


def diff_hessian(act: str, weights, dps: int = 40) -> list[list]:
    """d^2 F / dw_i dw_j of the seed chain by ``mpmath.diff`` (mixed partials) at ``dps``
    digits.

    >>> h = diff_hessian("tanh", [0, 0])  # F = tanh(w_2 w_1): H = [[0, 1], [1, 0]]
    >>> [[round(float(v), 12) for v in row] for row in h]
    [[0.0, 1.0], [1.0, 0.0]]
    """
    n = len(weights)
    with mpmath.workdps(dps):
        w = [mpf_of(v) for v in weights]
        rows = []
        for i in range(n):
            row = []
            for j in range(n):
                order = [int(k == i) + int(k == j) for k in range(n)]
                row.append(mpmath.diff(lambda *ws: forward(act, list(ws)), w, tuple(order)))
            rows.append(row)
        return rows


# -- comparisons ----------------------------------------------------------------------------


def _mp(x):
    """A printed decimal or a number as an mpf at the current precision (mpmath reads any
    exponent, even 1e-279262415543194, which no Fraction could hold)."""
    if isinstance(x, Fraction):
        return mpf_of(x)
    if not hasattr(x, "_mpf_") and hasattr(x, "man_exp"):  # an exact python-flint arb
        return mpmath.mpf(tuple(int(t) for t in x.man_exp()))
    return mpmath.mpf(x)


def _dps(*xs) -> int:
    """A precision at which every input is read exactly or nearly (20 guard digits)."""
    d = mpmath.mp.dps
    for x in xs:
        if isinstance(x, str):
            d = max(d, len(x) + 20)
        elif hasattr(x, "_mpf_"):
            d = max(d, int(x._mpf_[1]).bit_length() * 10 // 33 + 20)
    return d


def is_close(got, want, rel=0, absolute=0) -> bool:
    """|got - want| <= rel * |want| + absolute (in mpmath, above the inputs' precision).
    ``got`` and ``want``: decimal strings or numbers (mpf, arb exact, float, Fraction); ``rel`` and
    ``absolute``: numbers or decimal strings ("1e-23").  ``want`` is the reference.

    >>> is_close("3.1416e+0", mpmath.pi, rel="2e-5"), is_close(0.1, 0, absolute="1e-1")
    (True, False)
    """
    with mpmath.workdps(_dps(got, want, rel, absolute)):
        g, w = _mp(got), _mp(want)
        return abs(g - w) <= _mp(rel) * abs(w) + _mp(absolute)


def assert_ball_contains(mid, rad, value, rel=0, absolute=0, what="") -> None:
    """Assert mid - rad - tol <= value <= mid + rad + tol (as :func:`is_close`), with
    ``tol = rel * |value| + absolute`` allowing for the reference's own rounding; ``mid``
    and ``rad`` as printed (strings) or numbers, ``value`` the reference.

    >>> assert_ball_contains("3.14e+0", "2e-3", mpmath.pi)
    >>> assert_ball_contains("3.14e+0", "1e-3", mpmath.pi)
    Traceback (most recent call last):
    AssertionError: 3.14e+0 ± 1e-3 does not contain 3.14159265358979
    """
    with mpmath.workdps(_dps(mid, rad, value, rel, absolute)):
        m, r, v = _mp(mid), _mp(rad), _mp(value)
        tol = _mp(rel) * abs(v) + _mp(absolute)
        inside = m - r - tol <= v <= m + r + tol
    if not inside:
        shown = mpmath.nstr(value, 15) if hasattr(value, "_mpf_") else value
        raise AssertionError(f"{what}{': ' if what else ''}{mid} ± {rad} does not contain "
                             f"{shown}")
