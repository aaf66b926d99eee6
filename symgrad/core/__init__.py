"""Layer 1, the symbolic core: activations, the chain, its derivation, the induction proof.

SymPy and the standard library only (and :mod:`symgrad.base`); no numpy, mpmath
evaluation, python-flint, JAX or PyTorch.  ``tests/test_architecture.py`` keeps it so.
"""

__all__: list[str] = []
