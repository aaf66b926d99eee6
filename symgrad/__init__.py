"""symgrad: derive, verify and evaluate the mathematics of vanishing gradients exactly.

The symbolic core (SymPy only):

* :mod:`symgrad.core.activations` - sigmoid, tanh, softplus as SymPy functions;
* :mod:`symgrad.core.chain` - the deep chain o_i = sigma(w_i o_{i-1});
* :mod:`symgrad.core.derive` - dF/dw_k by the layer-wise chain rule and by naive diff;
* :mod:`symgrad.core.induction` - the closed form for symbolic depth, proved by induction;
* :mod:`symgrad.core.bounds` - |dF/dw_k| <= prod |w_i| (sup sigma')^(...).

Numeric backends live in :mod:`symgrad.numeric`.

>>> from symgrad import Chain, derive_layerwise
>>> derive_layerwise(Chain(2)).partial(1)
w2*(1 - sigmoid(o1*w2))*sigmoid(o1*w2)
"""

from symgrad.base.errors import SymgradError
from symgrad.base.version import __version__
from symgrad.core.activations import (
    ACTIVATIONS,
    derivative_supremum,
    get_activation,
    sigmoid,
    softplus,
)
from symgrad.core.chain import Chain
from symgrad.core.derive import derive_layerwise, derive_naive, stated_form, verify_routes
from symgrad.core.induction import prove_closed_form, symbolic_closed_form

__all__ = [
    "ACTIVATIONS",
    "Chain",
    "SymgradError",
    "__version__",
    "derivative_supremum",
    "derive_layerwise",
    "derive_naive",
    "get_activation",
    "prove_closed_form",
    "sigmoid",
    "softplus",
    "stated_form",
    "symbolic_closed_form",
    "verify_routes",
]
