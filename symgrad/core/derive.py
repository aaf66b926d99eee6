"""dF/dw_k of the deep chain, derived by SymPy in two independent ways.

*Layer-wise route* (:func:`derive_layerwise`): the chain rule on the
recurrence.  For each layer SymPy differentiates the layer map
``o_i = act(w_i*o_{i-1} + b_i)`` with respect to its input ``o_{i-1}``, its
weight ``w_i`` and its bias; the intermediates ``o_i`` stay named symbols, so
the result is linear in size and works for any depth (no recursion).  Then

    dF/dw_k = (do_k/dw_k) * prod_{i>k} (do_i/do_{i-1}).

*Naive route* (:func:`derive_naive`): ``sympy.diff`` of the nested expression
F(w_1..w_L), for small depths.

:func:`verify_routes` proves the two identical (exact symbolic equality after
substituting the intermediates), and :func:`stated_form` builds the formula
as the text states it, ``o_{k-1} sigma'(z_k) prod_{i>k} w_i sigma'(z_i)``,
so that :func:`verify_stated_form` can prove the derived result equal to it.

This module imports SymPy only: it is part of the symbolic core.

>>> from symgrad.core.chain import Chain
>>> d = derive_layerwise(Chain(3))
>>> d.partial(1)
w2*w3*(1 - sigmoid(o1*w2))*(1 - sigmoid(o2*w3))*sigmoid(o1*w2)*sigmoid(o2*w3)
>>> verify_routes(Chain(3)).holds
True
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.core.function import Application

from symgrad.base import reprs
from symgrad.base.errors import SymgradError
from symgrad.core.chain import Chain, Layer

__all__ = [
    "GradientDerivation",
    "LocalDerivatives",
    "RouteCheck",
    "derive_layerwise",
    "derive_naive",
    "exact_equal",
    "stated_form",
    "verify_routes",
    "verify_stated_form",
]

#: Depth up to which the naive route (nested sympy.diff) is attempted.
NAIVE_MAX_DEPTH = 40


@dataclass(frozen=True)
class LocalDerivatives:
    """The partial derivatives of one layer map, each from ``sympy.diff``."""

    layer: Layer
    d_prev: sympy.Expr  # do_i/do_{i-1}
    d_weight: sympy.Expr  # do_i/dw_i
    d_bias: sympy.Expr | None  # do_i/db_i


def _layer_template(chain: Chain, layer: Layer):
    """Differentiate a generic copy of ``layer`` once; instantiate per layer.

    Every layer of the chain has the same map up to the names of its symbols,
    so SymPy differentiates one template (with dummy symbols) and each layer's
    derivatives are the template's with the layer's symbols put in.
    """
    o, w, b = sympy.Dummy("o"), sympy.Dummy("w"), sympy.Dummy("b")
    pre = w * o + (b if layer.bias is not None else 0)
    out = pre if layer.activation is None else layer.activation(pre)
    d_prev = sympy.diff(out, o)
    d_w = sympy.diff(out, w)
    d_b = sympy.diff(out, b) if layer.bias is not None else None
    return (o, w, b), (d_prev, d_w, d_b)


class _Renaming:
    """Rebuild expressions with some symbols renamed, without re-canonicalising them.

    Built once from a reference layer's local derivatives (a post-order program over their
    nodes, shared subexpressions once); called with another layer's symbols.

    Sound for an order-preserving renaming: SymPy orders the arguments of ``Add`` and
    ``Mul`` by :meth:`sympy.Basic.compare`, which compares classes, then the arguments in
    turn, and symbols (all with the same assumptions) by their names.  Renaming one layer's
    symbols ``b_j < o_(j-1) < w_j`` to another layer's ``b_i < o_(i-1) < w_i`` keeps every
    comparison, so the canonical arguments stay canonical in the same order, and ``Add`` /
    ``Mul`` are rebuilt from them as they are (``_from_args``).  An activation applied to a
    renamed argument is left unevaluated as it was (its ``eval`` reads only the argument's
    structure and assumptions, which the renaming keeps); other nodes (powers, relations)
    are rebuilt with evaluation.  ``tests/test_derive.py`` checks the result against
    ``sympy.diff`` of each layer for every activation and form, across digit-count changes
    of the layer index (9 -> 10, 99 -> 100).
    """

    def __init__(self, exprs, symbols) -> None:
        self.steps: list[tuple[int, object, tuple[int, ...]]] = []
        self._slots: dict[int, int] = {}
        self._symbols = {s: n for n, s in enumerate(symbols)}
        self.roots = [None if e is None else self._visit(e) for e in exprs]

    def _visit(self, e) -> int:
        if id(e) in self._slots:
            return self._slots[id(e)]
        if e.is_Symbol and e in self._symbols:
            step = (0, self._symbols[e], ())
        elif not e.args:
            step = (1, e, ())
        else:
            kids = tuple(self._visit(a) for a in e.args)
            cls = type(e)
            if cls is sympy.Add or cls is sympy.Mul:
                step = (2, (cls, e.is_commutative), kids)
            elif isinstance(e, Application):
                step = (3, (cls, e.nargs), kids)  # nargs: what Application.__new__ sets
            else:
                step = (4, cls, kids)
        self.steps.append(step)
        self._slots[id(e)] = len(self.steps) - 1
        return len(self.steps) - 1

    def __call__(self, symbols) -> list:
        out: list = []
        for kind, what, kids in self.steps:
            if kind == 0:
                value = symbols[what]
            elif kind == 1:
                value = what
            else:
                args = tuple([out[k] for k in kids])
                if kind == 2:
                    value = what[0]._from_args(args, what[1])
                elif kind == 3:
                    value = sympy.Basic.__new__(what[0], *args)
                    value.nargs = what[1]
                else:
                    value = what(*args)
            out.append(value)
        return [None if r is None else out[r] for r in self.roots]


def _local_by_diff(layer: Layer) -> LocalDerivatives:
    """Local derivatives by ``sympy.diff`` of this very layer (no template)."""
    prev = layer.prev
    if prev.is_Symbol:
        d_prev = sympy.diff(layer.expression, prev)
    else:  # the seed form's constant input
        d_prev = sympy.S.Zero
    d_b = sympy.diff(layer.expression, layer.bias) if layer.bias is not None else None
    return LocalDerivatives(layer, d_prev, sympy.diff(layer.expression, layer.weight), d_b)


class GradientDerivation:
    """Result of the layer-wise chain rule for one chain.

    :meth:`local` gives layer i's local derivatives (built on first use, so
    creating a derivation is O(1) and asking for dF/dw_k costs O(L - k)).
    Expressions are in terms of the weights, biases, input and the named
    intermediates ``o_i``; :meth:`expanded` substitutes the intermediates.
    :meth:`closed_form` gives the same result in ``Product`` notation with
    indexed symbols, whatever the depth.
    """

    def __init__(self, chain: Chain, *, template: bool = True) -> None:
        self.chain = chain
        self.template = template
        self._cache: dict[int, LocalDerivatives] = {}
        self._templates: dict[tuple[bool, bool], tuple] = {}
        self._renamings: dict[tuple[bool, bool], _Renaming] = {}

    def __repr__(self) -> str:
        return f"GradientDerivation({self.chain!r})"

    def first_partial(self) -> sympy.Equality:
        """The equation dF/dw_1 = (closed form), as shown in Jupyter."""
        lhs = sympy.Derivative(sympy.Symbol("F"), self.chain.weights[0])
        return sympy.Eq(lhs, self.closed_form(1), evaluate=False)

    def _repr_latex_(self) -> str | None:
        """Jupyter: dF/dw_1 in closed form (rendered by :mod:`symgrad.present.core_reprs`)."""
        return reprs.render(self, "latex")

    def _repr_html_(self) -> str | None:
        """Jupyter: the chain and dF/dw_1 as MathML (:mod:`symgrad.present.core_reprs`)."""
        return reprs.render(self, "html")

    def local(self, i: int) -> LocalDerivatives:
        """Local derivatives of layer ``i`` (1-based), from ``sympy.diff``."""
        if i in self._cache:
            return self._cache[i]
        layer = self.chain.layer(i)
        key = (layer.activation is None, layer.bias is not None)
        renaming = self._renamings.get(key) if self.template and i > 1 else None
        if renaming is not None:  # another layer's derivatives, its symbols renamed (fast)
            loc = LocalDerivatives(layer, *renaming((layer.prev, layer.weight, layer.bias)))
        elif not self.template:
            loc = _local_by_diff(layer)
        else:
            key = (layer.activation is None, layer.bias is not None)
            if key not in self._templates:
                self._templates[key] = _layer_template(self.chain, layer)
            (o, w, b), (d_prev, d_w, d_b) = self._templates[key]
            sub = {o: layer.prev, w: layer.weight}
            if layer.bias is not None:
                sub[b] = layer.bias
            loc = LocalDerivatives(
                layer,
                d_prev.xreplace(sub) if layer.prev.is_Symbol else sympy.S.Zero,
                d_w.xreplace(sub),
                None if d_b is None else d_b.xreplace(sub),
            )
        if i > 1 and self.template and key not in self._renamings:
            self._renamings[key] = _Renaming(
                (loc.d_prev, loc.d_weight, loc.d_bias),
                [s for s in (layer.prev, layer.weight, layer.bias) if s is not None])
        self._cache[i] = loc
        return loc

    @property
    def locals(self) -> list[LocalDerivatives]:
        """All layers' local derivatives (O(L) work on first use)."""
        return [self.local(i) for i in range(1, self.chain.depth + 1)]

    def _check_k(self, k: int) -> int:
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= self.chain.depth:
            raise SymgradError(
                f"--wrt {k} is outside 1..{self.chain.depth}", hint="choose a layer of the chain"
            )
        return k

    def _tail(self, k: int) -> list[sympy.Expr]:
        return [self.local(i).d_prev for i in range(k + 1, self.chain.depth + 1)]

    def downstream(self, k: int) -> sympy.Expr:
        """dF/do_k = prod_{i>k} do_i/do_{i-1} (1 for k = L)."""
        return sympy.Mul(*self._tail(self._check_k(k)))

    def partial(self, k: int) -> sympy.Expr:
        """dF/dw_k in product form, with named intermediates."""
        k = self._check_k(k)
        return sympy.Mul(self.local(k).d_weight, *self._tail(k))

    def product(self, k: int) -> sympy.Expr:
        """dF/dw_k as the unevaluated product (do_k/dw_k) * prod_{i>k} do_i/do_{i-1}.

        The same factors as :meth:`partial`, each already canonical, multiplied without
        re-canonicalising the product of 3L arguments (an unevaluated ``Mul``): linear in the
        depth.  ``product(k).doit() == partial(k)``, structurally.

        >>> d = derive_layerwise(Chain(3))
        >>> d.product(2).doit() == d.partial(2)
        True
        """
        k = self._check_k(k)
        # Mul(..., evaluate=False) without its cache lookup, which would hash every factor
        return sympy.Mul._from_args((self.local(k).d_weight, *self._tail(k)))

    def partial_bias(self, k: int) -> sympy.Expr:
        """dF/db_k (general form with biases only)."""
        k = self._check_k(k)
        if not self.chain.bias:
            raise SymgradError("this chain has no biases", hint="use --form general --bias")
        return sympy.Mul(self.local(k).d_bias, *self._tail(k))

    def partial_input(self) -> sympy.Expr:
        """dF/dx (general form only)."""
        if self.chain.form != "general":
            raise SymgradError("the seed form has no input x", hint="use --form general")
        return sympy.Mul(*self._tail(0))

    def closed_form(self, k: int) -> sympy.Expr:
        """dF/dw_k as ``factor * Product(..., (i, k+1, L))`` with indexed symbols.

        O(1) in the depth; see :mod:`symgrad.core.induction` for its proof.
        """
        from symgrad.core.induction import closed_form_partial

        return closed_form_partial(self.chain, self._check_k(k))

    def substitutions(self) -> dict[sympy.Symbol, sympy.Expr]:
        """{o_i: o_i written out in the parameters}, built iteratively."""
        return dict(zip(self.chain.outputs, self.chain.output_values()))

    def expanded(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr`` with every intermediate o_i replaced by its nested expression."""
        return expr.xreplace(self.substitutions())

    def gradient(self) -> list[sympy.Expr]:
        """[dF/dw_1, ..., dF/dw_L] in product form (quadratic size: small depths)."""
        return [self.partial(k) for k in range(1, self.chain.depth + 1)]


def derive_layerwise(chain: Chain, *, template: bool = True) -> GradientDerivation:
    """Apply the chain rule layer by layer (any depth, no recursion).

    With ``template=True`` (the default) SymPy differentiates one generic layer
    map and instantiates it per layer; ``template=False`` calls ``sympy.diff``
    on each layer separately (slower; the tests check both agree).

    >>> derive_layerwise(Chain(2)).partial(2)
    o1*(1 - sigmoid(o1*w2))*sigmoid(o1*w2)
    """
    return GradientDerivation(chain, template=template)


def derive_naive(chain: Chain, k: int) -> sympy.Expr:
    """``sympy.diff`` of the nested F with respect to w_k (small depths only)."""
    if chain.depth > NAIVE_MAX_DEPTH:
        raise SymgradError(
            f"the naive route is limited to depth {NAIVE_MAX_DEPTH}",
            hint="use the layer-wise route for deeper chains",
        )
    return sympy.diff(chain.nested_expression(), chain.weights[k - 1])


def exact_equal(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Exact symbolic equality: the expanded difference is identically zero.

    Both sides are polynomials in the parameters and in activation values
    treated as independent atoms, so ``expand(a - b) == 0`` is a proof of
    equality (never a numerical test).
    """
    return sympy.expand(a - b) == 0


@dataclass(frozen=True)
class RouteCheck:
    """Outcome of comparing two derivations of dF/dw_k for every k."""

    chain: Chain
    per_k: tuple[bool, ...]

    @property
    def holds(self) -> bool:
        return all(self.per_k)

    def __repr__(self) -> str:
        """One short line at any size (:mod:`symgrad.present.core_reprs`)."""
        return reprs.render(self, "text") or f"<{type(self).__name__}>"

    def _repr_html_(self) -> str | None:
        """Jupyter: k and whether the routes agree (:mod:`symgrad.present.core_reprs`)."""
        return reprs.render(self, "html")


def verify_routes(chain: Chain) -> RouteCheck:
    """Prove naive ``sympy.diff`` and the layer-wise route identical for every k."""
    d = derive_layerwise(chain)
    subs = d.substitutions()
    nested = chain.nested_expression()
    results = []
    for k in range(1, chain.depth + 1):
        naive = sympy.diff(nested, chain.weights[k - 1])
        results.append(exact_equal(naive, d.partial(k).xreplace(subs)))
    return RouteCheck(chain, tuple(results))


def stated_form(chain: Chain, k: int) -> sympy.Expr:
    """The formula as the text states it, assembled from its ingredients.

    dF/dw_k = o_{k-1} * sigma'(z_k) * prod_{i=k+1}^{L} w_i * sigma'(z_i),
    with z_i = w_i*o_{i-1} (+ b_i), o_0 the input, and for the seed form's
    identity layer 1 the factor sigma'(z_1) replaced by 1.  For k = 1 in the
    seed form this is the text's prod_{i=2}^{L} w_i sigma'(w_i o_{i-1}).
    """
    act = chain.act
    layers = [chain.layer(i) for i in range(1, chain.depth + 1)]
    first = layers[k - 1]
    head = first.prev * (1 if first.activation is None else act.derivative(first.pre))
    tail = [lay.weight * act.derivative(lay.pre) for lay in layers[k:]]
    return sympy.Mul(head, *tail)


def verify_stated_form(derivation: GradientDerivation, k: int) -> bool:
    """Prove the derived dF/dw_k equal to :func:`stated_form` (exactly)."""
    return exact_equal(derivation.partial(k), stated_form(derivation.chain, k))
