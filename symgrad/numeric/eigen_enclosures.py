"""Certified enclosures of the eigenvalues of a symmetric ball matrix.

* :func:`eigen_enclosures`: ``acb_mat.eig`` (Rump's method), fallback
  Gershgorin discs after an approximate diagonalisation (:func:`gershgorin`),
  both in ball arithmetic;
* :func:`congruence_enclosures`: for large matrices (the deep chain's Hessian),
  V = approximate eigenvectors (numpy ``eigh``), M = V^T H V and V^T V in ball
  arithmetic, Gershgorin components of M (a component of k discs holds exactly
  k eigenvalues), and Ostrowski's theorem lambda_k(M) = theta_k lambda_k(H) with
  theta_k in the Gershgorin hull of V^T V.

>>> from flint import arb_mat
>>> eigs, how = eigen_enclosures(arb_mat([[2, 1], [1, 2]]))
>>> [e.contains(1) for e in eigs], [e.contains(3) for e in eigs]
([True, False], [False, True])
"""

from __future__ import annotations

from flint import acb_mat, arb, arb_mat, ctx

__all__ = ["components", "congruence_enclosures", "eigen_enclosures", "gershgorin"]


def gershgorin(h: arb_mat) -> list[arb]:
    """Gershgorin discs of V^-1 H V (V: approximate eigenvectors, inverse in ball arithmetic)."""
    import numpy as np

    n = h.nrows()
    mids = [[h[i, j].mid() for j in range(n)] for i in range(n)]
    scale = max([abs(float(m)) for row in mids for m in row] + [0.0])
    v = None
    if scale > 0 and np.isfinite(scale):
        with np.errstate(all="ignore"):
            a = np.array([[float(m / scale) for m in row] for row in mids])
            if np.all(np.isfinite(a)):
                _, vecs = np.linalg.eigh(a)
                v = arb_mat([[arb(float(vecs[i, j])) for j in range(n)] for i in range(n)])
    b = h
    if v is not None:
        try:
            b = v.inv() * h * v
        except ZeroDivisionError:  # pragma: no cover - V is numerically orthogonal
            b = h
    out = []
    for i in range(n):
        rad = sum((abs(b[i, j]) for j in range(n) if j != i), arb(0))
        out.append(b[i, i] + arb(0, rad.upper()))
    return out


def eigen_enclosures(h: arb_mat) -> tuple[list[arb], str]:
    """Balls enclosing the (real) eigenvalues of every symmetric matrix inside ``h``."""
    try:
        eig = acb_mat(h).eig(multiple=True, algorithm="rump")
        vals = [e.real for e in eig]
        if all(v.is_finite() for v in vals):
            return sorted(vals, key=lambda v: float(v.mid())), "acb_mat.eig (rump)"
    except (ValueError, ZeroDivisionError):
        pass
    vals = gershgorin(h)
    return sorted(vals, key=lambda v: float(v.mid())), "Gershgorin discs after diagonalisation"


def congruence_enclosures(h: arb_mat) -> tuple[list[arb], str]:
    """Eigenvalue enclosures of the symmetric matrices in ``h`` in O(L^3) arb matrix products.

    Sorted; the k-th ball holds the k-th smallest eigenvalue (see module doc).
    """
    import numpy as np

    n = h.nrows()
    with ctx.workprec(64):
        mids = [[h[i, j].mid() for j in range(n)] for i in range(n)]
        top = max((abs(e) for row in mids for e in row), key=float)
        top = top.mid() if top != 0 else arb(1)
        man, ex = top.man_exp()
        scale = arb(2) ** -(int(ex) + int(man).bit_length())
        cut = top * arb(2) ** -100
        a = np.array([[float(e * scale) for e in row] for row in mids])
        _, vecs = np.linalg.eigh((a + a.T) / 2)
        v = arb_mat(vecs.tolist())
        vt = v.transpose()
        # entries far below float resolution become 0 +/- |h_ij| (same enclosure, but
        # arb's block matrix product is much faster with a narrow exponent range)
        hr = arb_mat([[arb(0, abs(h[i, j]).upper()) if abs(mids[i][j]) < cut else +h[i, j]
                       for j in range(n)] for i in range(n)])
        del mids
        m = vt * hr * v
        g = vt * v

        def discs(mat):
            out = []
            for i in range(n):
                r = sum((abs(mat[i, j]) for j in range(n) if j != i), arb(0))
                c = mat[i, i]
                out.append(((c - r).lower(), (c + r).upper()))
            return out

        gd = discs(g)
        tlo = min(lo for lo, _ in gd)
        thi = max(hi for _, hi in gd)
        if not tlo > 0:
            return [arb(0, arb("inf"))] * n, "congruence failed (V singular?)"
        theta = tlo.union(thi)
        hull: list[arb] = []
        for lo, hi, k in components(discs(m)):
            hull += [lo.union(hi)] * k
        return [e / theta for e in hull], "congruence V^T H V, Gershgorin + Ostrowski"


def components(intervals):
    """Merge overlapping (lo, hi) pairs: (lo, hi, count), sorted.

    >>> [(float(lo), float(hi), k) for lo, hi, k in components(
    ...     [(arb(0), arb(2)), (arb(1), arb(3)), (arb(5), arb(6))])]
    [(0.0, 3.0, 2), (5.0, 6.0, 1)]
    """
    out = []
    for lo, hi in sorted(intervals, key=lambda p: float(p[0].mid())):
        if out and not lo > out[-1][1]:
            plo, phi, k = out[-1]
            out[-1] = (plo, phi if phi > hi else hi, k + 1)
        else:
            out.append((lo, hi, 1))
    return out
