"""symgrad: derive, verify and evaluate the mathematics of vanishing gradients exactly.

The symbolic core (SymPy only):

* :mod:`symgrad.activations` - sigmoid, tanh, softplus as SymPy functions;
* :mod:`symgrad.chain` - the deep chain o_i = sigma(w_i o_{i-1});
* :mod:`symgrad.derive` - dF/dw_k by the layer-wise chain rule and by naive diff;
* :mod:`symgrad.induction` - the closed form for symbolic depth, proved by induction;
* :mod:`symgrad.bounds` - |dF/dw_k| <= prod |w_i| (sup sigma')^(...).

Numeric backends live in :mod:`symgrad.backends`.

>>> from symgrad import Chain, derive_layerwise
>>> derive_layerwise(Chain(2)).partial(1)
w2*(1 - sigmoid(o1*w2))*sigmoid(o1*w2)
"""

from .activations import ACTIVATIONS, derivative_supremum, get_activation, sigmoid, softplus
from .chain import Chain
from .derive import derive_layerwise, derive_naive, stated_form, verify_routes
from .errors import SymgradError
from .induction import prove_closed_form, symbolic_closed_form

__version__ = "0.1.0"

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
