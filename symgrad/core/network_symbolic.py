"""Backpropagation of a :class:`~symgrad.core.network.Network`, derived and proven by SymPy.

With symbolic weights ``W^{(l)}_{i,j}``, ``b^{(l)}_{i}`` and exact (or symbolic) data, F =
sum over D of L(o_L, y) is written out in full (z_l = W_l o_{l-1} + b_l, o_l = act_l(z_l)
(+ o_{l-1} where residual), o_0 = x), and backpropagation is built in matrix form,

    g_L = grad_yhat L,   delta_l = g_l (.) act_l'(z_l),   g_{l-1} = W_l^T delta_l (+ g_l),
    dF/dW_l = sum_D delta_l o_{l-1}^T,   dF/db_l = sum_D delta_l,
    J = prod_l D_l W_l  (I + D_l W_l where residual),  D_l = diag(act_l'(z_l)),

with, for cross-entropy, delta_L = dL/dz_L taken from :func:`loss_derivatives` (sigmoid:
sigma(z) - y; softmax: (sum y) softmax(z) - y), each *derived* from the loss by
``sympy.diff`` and proven equal to the stated form.  :func:`prove_backprop` then proves,
entry by entry, that every backprop formula equals ``sympy.diff`` of the written-out F
(and every entry of J equals ``sympy.diff`` of the written-out output at a symbolic
input): the difference is shown to be exactly 0.  The proof by induction on the depth
for general widths is :mod:`symgrad.core.network_induction`.  SymPy only.

>>> from symgrad.core.network import Network
>>> p = prove_backprop(Network((2, 1), "tanh", loss="squared"), [((1, 2), (0,))])
>>> p.verified, len(p.entries), p.entries[0].method
(True, 3, 'expand')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy

from symgrad.base.errors import InputError, LimitError
from symgrad.core.activations import get_activation
from symgrad.core.network import Network

__all__ = [
    "MAX_PARAMETERS",
    "BackpropProof",
    "EntryVerdict",
    "LossDerivative",
    "backprop",
    "forward",
    "jacobian_formula",
    "loss_derivatives",
    "network_objective",
    "parameter_symbols",
    "prove_backprop",
    "symbolic_data",
    "unname",
    "vanishes",
]

#: networks with more scalar weights are refused (expression swell)
MAX_PARAMETERS = 200
#: the loss's variables: outputs y_hat_i, logits z_i, targets y_i (indexed from 1)
YHAT_, Z_, Y_ = sympy.IndexedBase(r"\hat{y}", real=True), sympy.IndexedBase(
    "z", real=True), sympy.IndexedBase("y", real=True)


def parameter_symbols(net: Network) -> dict[str, sympy.Matrix]:
    """``W1`` (n_1 x n_0 matrix of symbols ``W^{(1)}_{i,j}``), ``b1`` (column), ...

    >>> parameter_symbols(Network((2, 1), "tanh"))["W1"]
    Matrix([[W^{(1)}_{1,1}, W^{(1)}_{1,2}]])
    """
    out: dict[str, sympy.Matrix] = {}
    for name, shape in net.parameters():
        head, layer = name[0], name[1:]
        cols = range(shape[1]) if len(shape) == 2 else (None,)
        out[name] = sympy.Matrix([[sympy.Symbol(
            f"{head}^{{({layer})}}_{{{i + 1}{'' if j is None else f',{j + 1}'}}}", real=True)
            for j in cols] for i in range(shape[0])])
    return out


def _number(value: object, where: str) -> sympy.Expr:
    """An exact number: SymPy, int, Fraction, Decimal, float or decimal/p/q text (never
    ``sympify``)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        v = value if isinstance(value, sympy.Basic) else sympy.Rational(
            Fraction(value.strip() if isinstance(value, str) else value))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        v = None
    if not isinstance(v, sympy.Expr) or v.has(sympy.oo, sympy.zoo, sympy.nan):
        raise InputError(f"{where} is not a finite number: {value!r}",
                         hint="use exact numbers, e.g. 1/2 or '0.25'")
    return v


def _column(items: list) -> sympy.Matrix:
    return sympy.Matrix(len(items), 1, items)


def symbolic_data(net: Network, data=None, points: int = 1) -> list[tuple]:
    """The data as SymPy column vectors; ``None`` means ``points`` symbolic points
    ``x_{p,j}``, ``y_{p,i}`` (no y for loss ``none``).

    >>> symbolic_data(Network((1, 1), "identity"), [((1,), ("1/2",))])
    [(Matrix([[1]]), Matrix([[1/2]]))]
    """
    n_in, n_out = net.widths[0], (0 if net.loss == "none" else net.widths[-1])
    if data is None:
        if type(points) is not int or points < 1:
            raise InputError(f"points must be a positive whole number, got {points!r}",
                             hint="e.g. points=1")
        return [(_column([sympy.Symbol(f"x_{{{p},{j}}}", real=True)
                          for j in range(1, n_in + 1)]),
                 _column([sympy.Symbol(f"y_{{{p},{i}}}", real=True)
                          for i in range(1, n_out + 1)]))
                for p in range(1, points + 1)]
    out = []
    for p, point in enumerate(data, 1):
        x, y = point
        y = () if net.loss == "none" else y
        if len(x) != n_in or len(y) != n_out:
            raise InputError(f"data point {p} has widths ({len(x)}, {len(y)}), the network "
                             f"needs ({n_in}, {n_out})", hint="x has n_0 entries, y has n_L")
        out.append((_column([_number(v, f"x of point {p}") for v in x]),
                    _column([_number(v, f"y of point {p}") for v in y])))
    if not out:
        raise InputError("the data set is empty", hint="give at least one (x, y) point")
    return out


def _softmax(z: sympy.Matrix) -> sympy.Matrix:
    total = sum(sympy.exp(t) for t in z)
    return z.applyfunc(lambda t: sympy.exp(t) / total)


def forward(net: Network, params: dict, x: sympy.Matrix, *, named: dict | None = None,
            point: str = "") -> tuple[list, list]:
    """(z_1..z_L, o_0..o_L) for input ``x``; a softmax output layer gives o_L = softmax(z_L).

    With ``named`` (a dict, filled in order), every z_l is a vector of symbols
    ``z^{(l)}_{i}`` (``z^{(l)}_{p,i}`` with ``point="p,"``) and ``named`` maps each symbol to
    its definition in the earlier symbols (:func:`unname` writes everything out again).
    """
    zs, os_ = [], [x]
    for layer in range(1, net.depth + 1):
        z = params[f"W{layer}"] * os_[-1]
        if net.bias:
            z = z + params[f"b{layer}"]
        if named is not None:
            syms = _column([sympy.Symbol(f"z^{{({layer})}}_{{{point}{i + 1}}}", real=True)
                            for i in range(z.rows)])
            named.update(zip(syms, z, strict=True))
            z = syms
        name = net.activations[layer - 1]
        o = _softmax(z) if name == "softmax" else z.applyfunc(get_activation(name).func)
        zs.append(z)
        os_.append(o + os_[-1] if net.is_residual(layer) else o)
    return zs, os_


def unname(expr: sympy.Expr, named: dict) -> sympy.Expr:
    """``expr`` with the named pre-activations of :func:`forward` written out in the weights.

    >>> net, d = Network((1, 1), "tanh"), {}
    >>> z = forward(net, parameter_symbols(net), sympy.Matrix([2]), named=d)[0][0][0]
    >>> unname(sympy.tanh(z), d)
    tanh(2*W^{(1)}_{1,1} + b^{(1)}_{1})
    """
    for sym in reversed(list(named)):
        expr = expr.xreplace({sym: named[sym]})
    return expr


def _loss(net: Network, z_last, o_last, y) -> sympy.Expr:
    """The loss of one point, as defined (cross-entropy through log of the output)."""
    if net.loss == "none":
        return o_last[0]
    if net.loss == "squared":
        return sum((a - b) ** 2 for a, b in zip(o_last, y, strict=True)) / 2
    if len(o_last) == 1:
        return -y[0] * sympy.log(o_last[0]) - (1 - y[0]) * sympy.log(1 - o_last[0])
    return -sum(yi * sympy.log(s) for yi, s in zip(y, o_last, strict=True))


def network_objective(net: Network, params: dict, data: list) -> sympy.Expr:
    """F = sum over the data of the loss, fully written out in the weights."""
    total = sympy.S.Zero
    for x, y in data:
        zs, os_ = forward(net, params, x)
        total += _loss(net, zs[-1], os_[-1], y)
    return total


@dataclass(frozen=True)
class LossDerivative:
    """dL/d(variable) of the loss for one point: SymPy's derivative of the definition, the
    stated form the backprop formulas use, and whether SymPy proved them equal."""

    loss: sympy.Expr
    variables: tuple[sympy.Expr, ...]
    derived: tuple[sympy.Expr, ...]
    stated: tuple[sympy.Expr, ...]
    verified: bool
    wrt: str  # "output" (dL/dyhat) or "logits" (dL/dz)


def loss_derivatives(net: Network) -> LossDerivative:
    """The loss gradient, derived by ``sympy.diff`` from the loss and proven equal to the
    stated form: squared ``yhat - y``, none ``1``, sigmoid cross-entropy ``sigma(z) - y``,
    softmax cross-entropy ``(sum y) softmax(z) - y``.

    >>> loss_derivatives(Network((1, 1), "sigmoid", loss="cross-entropy")).stated
    (sigmoid(z[1]) - y[1],)
    """
    n = net.widths[-1]
    y = sympy.Matrix(n, 1, lambda i, _: Y_[i + 1])
    ce = net.loss == "cross-entropy"
    v = sympy.Matrix(n, 1, lambda i, _: (Z_ if ce else YHAT_)[i + 1])
    if not ce:
        loss = _loss(net, v, v, y)
        stated = [sympy.S.One] if net.loss == "none" else list(v - y)
    elif n == 1:
        loss = _loss(net, v, v.applyfunc(get_activation("sigmoid").func), y)
        stated = [get_activation("sigmoid").func(v[0]) - y[0]]
    else:
        s = _softmax(v)
        loss = _loss(net, v, s, y)
        stated = [sum(y) * si - yi for si, yi in zip(s, y, strict=True)]
    derived = [sympy.diff(loss, t) for t in v]
    ok = all(vanishes(d - s)[0] for d, s in zip(derived, stated, strict=True))
    return LossDerivative(loss, tuple(v), tuple(derived), tuple(stated), ok,
                          "logits" if ce else "output")


def _act_prime(net: Network, layer: int, z: sympy.Matrix) -> sympy.Matrix:
    return z.applyfunc(get_activation(net.activations[layer - 1]).derivative)


def _point_backprop(net: Network, params: dict, x, y, ld: LossDerivative, named, point) -> list:
    """delta_1..delta_L and o_0..o_{L-1} for one point, by the matrix recursion."""
    zs, os_ = forward(net, params, x, named=named, point=point)
    sub = dict(zip(ld.variables, zs[-1] if ld.wrt == "logits" else os_[-1], strict=True))
    sub.update({Y_[i + 1]: yi for i, yi in enumerate(y)})
    top = sympy.Matrix([s.xreplace(sub) for s in ld.stated])
    deltas: list = [None] * (net.depth + 1)
    g = None if ld.wrt == "logits" else top
    for layer in range(net.depth, 0, -1):
        if g is None:
            delta = top
        else:
            delta = g.multiply_elementwise(_act_prime(net, layer, zs[layer - 1]))
        deltas[layer] = delta
        back = params[f"W{layer}"].T * delta
        g = back + g if net.is_residual(layer) and g is not None else back
    return [(deltas[layer], os_[layer - 1]) for layer in range(1, net.depth + 1)]


def backprop(net: Network, params: dict, data: list, ld: LossDerivative | None = None, *,
             named: dict | None = None) -> dict:
    """dF/dW_l = sum_D delta_l o_{l-1}^T and dF/db_l = sum_D delta_l, as SymPy matrices
    (in the named pre-activations when ``named`` is a dict, see :func:`forward`)."""
    ld = ld or loss_derivatives(net)
    grads = {name: sympy.zeros(*params[name].shape) for name in params}
    for p, (x, y) in enumerate(data, 1):
        point = f"{p}," if len(data) > 1 else ""
        for layer, (delta, prev) in enumerate(
                _point_backprop(net, params, x, y, ld, named, point), 1):
            grads[f"W{layer}"] += delta * prev.T
            if net.bias:
                grads[f"b{layer}"] += delta
    return grads


def jacobian_formula(net: Network, params: dict, x: sympy.Matrix, *,
                     named: dict | None = None) -> sympy.Matrix:
    """J = d o_L / d x = product over l = L..1 of D_l W_l (I + D_l W_l where residual); a
    softmax output layer has (diag(s) - s s^T) in place of D_L."""
    zs, _ = forward(net, params, x, named=named)
    J = sympy.eye(net.widths[0])
    for layer in range(1, net.depth + 1):
        z, W = zs[layer - 1], params[f"W{layer}"]
        if net.activations[layer - 1] == "softmax":
            s = _softmax(z)
            D = sympy.diag(*s) - s * s.T
        else:
            D = sympy.diag(*_act_prime(net, layer, z))
        factor = D * W
        if net.is_residual(layer):
            factor = sympy.eye(W.shape[0]) + factor
        J = factor * J
    return J


def vanishes(expr: sympy.Expr) -> tuple[bool, str]:
    """(True, method) when SymPy shows ``expr`` == 0 exactly: ``expand``, else over a common
    denominator, else so after writing the activations with ``exp``, else ``simplify``.

    >>> vanishes(sympy.tanh(sympy.Symbol("t"))**2 - sympy.tanh(sympy.Symbol("t"))**2)
    (True, 'expand')
    """
    if sympy.expand(expr) == 0:
        return True, "expand"
    if sympy.expand(sympy.numer(sympy.together(expr))) == 0:
        return True, "common denominator"
    as_exp = sympy.expand(sympy.powsimp(expr.rewrite(sympy.exp)))
    if as_exp == 0 or sympy.expand(sympy.numer(sympy.together(as_exp))) == 0:
        return True, "exp form, common denominator"
    if sympy.simplify(expr) == 0:
        return True, "simplify"
    return False, "not shown to vanish"


@dataclass(frozen=True)
class EntryVerdict:
    """One entry: the backprop (or Jacobian) formula in the named pre-activations z^{(l)}_i
    (``BackpropProof.named`` defines them), SymPy's derivative of the written-out function,
    and whether their difference was shown to be exactly 0 (and how)."""

    tensor: str
    index: tuple[int, ...]
    formula: sympy.Expr
    derived: sympy.Expr
    proven: bool
    method: str


@dataclass(frozen=True)
class BackpropProof:
    """Every entry of dF/dW_l, dF/db_l and J(x), proven against ``sympy.diff``."""

    network: Network
    objective: sympy.Expr
    loss: LossDerivative
    entries: tuple[EntryVerdict, ...]
    jacobian: tuple[EntryVerdict, ...]
    data: tuple
    named: dict
    jacobian_named: dict

    @property
    def verified(self) -> bool:
        """True when the loss derivative and every entry were proven."""
        return self.loss.verified and all(e.proven for e in self.entries + self.jacobian)

    def __repr__(self) -> str:
        """One short line (every entry: ``str(proof)``)."""
        n = len(self.entries) + len(self.jacobian)
        ok = sum(e.proven for e in self.entries + self.jacobian)
        return (f"<BackpropProof {self.network.widths} loss={self.network.loss}: {ok} of {n} "
                "entries proven; the list: str(proof)>")

    def __str__(self) -> str:
        n = len(self.entries) + len(self.jacobian)
        ok = sum(e.proven for e in self.entries + self.jacobian)
        lines = [f"backprop of {self.network.widths} {self.network.activations} "
                 f"loss={self.network.loss}: {ok} of {n} entries proven equal to sympy.diff"]
        for e in self.entries + self.jacobian:
            mark = f"proven ({e.method})" if e.proven else "NOT PROVEN"
            what = "J" if e.tensor == "J" else f"dF/d{e.tensor}"
            lines.append(f"  {what}{list(e.index)} (from 0): {mark}")
        return "\n".join(lines)


def _check(tensor: str, index, formula, derived, named: dict) -> EntryVerdict:
    ok, how = vanishes(unname(formula, named) - derived)
    return EntryVerdict(tensor, tuple(index), formula, derived, ok, how)


def prove_backprop(net: Network, data=None, *, points: int = 1,
                   jacobian: bool = True) -> BackpropProof:
    """Prove every backprop entry equal to ``sympy.diff`` of the written-out F (see the
    module doc); ``data`` as (x, y) pairs of exact numbers, or None for ``points`` symbolic
    points.  ``net`` may be a loaded network file (its data is used; its weights are not:
    the weights are symbols).  ``jacobian``: also every entry of J at a symbolic input."""
    if not isinstance(net, Network) and isinstance(getattr(net, "network", None), Network):
        data = net.data if data is None else data  # a loaded network file (NetworkSpec)
        net = net.network
    if not isinstance(net, Network):
        raise InputError("prove_backprop needs a Network or a loaded network file",
                         hint="Network((2, 2, 1), 'tanh') or load_network('net.toml')")
    if net.n_parameters > MAX_PARAMETERS:
        raise LimitError(f"{net.n_parameters} weights are above the symbolic cap of "
                         f"{MAX_PARAMETERS}", hint="use a smaller network for the proof")
    params = parameter_symbols(net)
    pts = symbolic_data(net, data, points)
    F = network_objective(net, params, pts)
    ld = loss_derivatives(net)
    named: dict = {}
    grads = backprop(net, params, pts, ld, named=named)
    entries = [_check(name, idx, grads[name][idx if len(idx) == 2 else (idx[0], 0)],
                      sympy.diff(F, params[name][idx if len(idx) == 2 else (idx[0], 0)]),
                      named)
               for name, idx in net.entries()]
    jac: list[EntryVerdict] = []
    jnamed: dict = {}
    if jacobian:
        x = symbolic_data(net, None, 1)[0][0]
        out = forward(net, params, x)[1][-1]
        J = jacobian_formula(net, params, x, named=jnamed)
        jac = [_check("J", (i, j), J[i, j], sympy.diff(out[i], x[j]), jnamed)
               for i in range(J.rows) for j in range(J.cols)]
    return BackpropProof(net, F, ld, tuple(entries), tuple(jac), tuple(pts), named,
                         jnamed)

