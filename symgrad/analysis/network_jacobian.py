"""The input-output Jacobian J = d phi_w(x) / dx of a network at each data point, and its
singular values with certified enclosures.

J is the product of the layers' Jacobians, computed in ball arithmetic from the certified
forward pass (:func:`symgrad.numeric.network_values.network_values` with python-flint
balls): J_0 = I, J_l = D_l W_l J_{l-1} (+ J_{l-1} for a residual layer), D_l =
diag(act_l'(z_l)); a sigmoid output of a cross-entropy loss contributes diag(sigma'(z_L)),
a softmax output diag(s) - s s^T.  The singular values are the square roots of the
eigenvalues of the smaller Gram matrix (J^T J or J J^T), enclosed by
:func:`symgrad.numeric.eigen_enclosures.eigen_enclosures` (Rump's method, Gershgorin
as fallback), so every printed singular value is backed by a ball.  Singular values far
below 1 at every point are the vanishing of the back-propagated signal.

>>> from symgrad.numeric.network_file import network_from_dict
>>> spec = network_from_dict({"layers": [2, 2], "activation": "identity", "bias": False,
...     "data": {"x": [["1", "1"]], "y": [["0", "0"]]},
...     "weights": {"W1": [["3", "0"], ["0", "4"]]}})
>>> [(s.contains(4), s.contains(3)) for s in singular_values(spec)[0]]
[(True, False), (False, True)]
"""

from __future__ import annotations

from flint import arb, arb_mat, ctx, fmpq

from symgrad.core.network import Network
from symgrad.numeric.eigen_enclosures import eigen_enclosures
from symgrad.numeric.network_certified import NetworkBallOps
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_values import network_values

__all__ = ["jacobians", "singular_values"]


def _mat(rows) -> arb_mat:
    return arb_mat([[arb(v) if isinstance(v, fmpq) else v for v in row] for row in rows])


def _output_jacobian(net: Network, z, ops) -> arb_mat | None:
    last = net.activations[-1]
    if last == "softmax":
        e = [ops.exp(t) for t in z]
        total = e[0]
        for v in e[1:]:
            total = total + v
        s = [v / total for v in e]
        n = len(s)
        return arb_mat([[(s[i] if i == j else 0) - s[i] * s[j] for j in range(n)]
                        for i in range(n)])
    return None


def jacobians(spec: NetworkSpec, *, prec: int = 128) -> list[arb_mat]:
    """J = d y_hat / dx (n_L x n_0 ball matrix) at every data point, at ``prec`` bits."""
    net = spec.network
    weights = {k: [list(r) if isinstance(r, tuple) else r for r in w]
               for k, w in spec.weights.items()}
    out = []
    with ctx.workprec(prec):
        ops = NetworkBallOps()
        v = network_values(net, weights, spec.data, ops)
        Ws = [_mat([[fmpq(q.numerator, q.denominator) for q in row]
                    for row in spec.weights[f"W{k}"]]) for k in range(1, net.depth + 1)]
        for p in range(len(spec.data)):
            n0 = net.widths[0]
            J = arb_mat([[1 if i == j else 0 for j in range(n0)] for i in range(n0)])
            for layer in range(1, net.depth + 1):
                d = v.derivatives[p][layer - 1]
                A = Ws[layer - 1] * J
                if d is None:  # softmax output
                    A = _output_jacobian(net, v.logits[p], ops) * A
                else:
                    A = _mat([[d[i] * A[i, j] for j in range(A.ncols())]
                              for i in range(A.nrows())])
                J = A + J if net.is_residual(layer) else A
            out.append(J)
    return out


def singular_values(spec: NetworkSpec, *, prec: int = 128) -> list[list[arb]]:
    """The singular values of J at every data point, each a certified ball, largest first."""
    result = []
    with ctx.workprec(prec):
        for J in jacobians(spec, prec=prec):
            gram = J.transpose() * J if J.ncols() <= J.nrows() else J * J.transpose()
            eigs, _ = eigen_enclosures(gram)
            result.append(sorted((e.nonnegative_part().sqrt() for e in eigs),
                                 key=lambda b: -float(b.mid())))
    return result
