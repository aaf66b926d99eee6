"""symgrad's pytest plugin: compare your gradients with certified values in three lines.

Installed with symgrad (the ``pytest11`` entry point ``symgrad``), so any project's tests
can use its fixtures without a ``conftest.py``::

    def test_my_tanh_chain(symgrad_close):
        w = [0.3, -1.2, 0.8]
        symgrad_close(my_gradient(w), depth=3, weights=w, activation="tanh")

Fixtures (each returns a function of :mod:`symgrad.testing`):

* ``symgrad_close``: :func:`~symgrad.testing.assert_chain_gradient_close` (an
  ``AssertionError`` naming each partial that disagrees, under the tolerance model of the
  format given as ``dtype``);
* ``symgrad_reference``: :func:`~symgrad.testing.chain_reference` (F and the gradient as
  floats, and the certified balls);
* ``symgrad_vectors``: :func:`symgrad.vectors` (test vectors as JSON, CSV, ``.npz``).

Nothing of symgrad's numeric stack is imported until a fixture is used: the plugin costs a
project that does not use it nothing at start-up.
"""

from __future__ import annotations

import pytest

__all__ = ["symgrad_close", "symgrad_reference", "symgrad_vectors"]


@pytest.fixture
def symgrad_close():
    """``symgrad_close(grad, depth=L, weights=w, activation=..., dtype="float64")``."""
    from symgrad.testing import assert_chain_gradient_close

    return assert_chain_gradient_close


@pytest.fixture
def symgrad_reference():
    """``symgrad_reference(L, weights, activation=..., digits=20)``: ``.F``, ``.gradient``."""
    from symgrad.testing import chain_reference

    return chain_reference


@pytest.fixture
def symgrad_vectors():
    """``symgrad_vectors(specs, digits=18, hessian=False)``: a ``VectorsResult``."""
    from symgrad.interfaces.api.vectors import vectors

    return vectors
