"""symgrad: derive, verify and evaluate the mathematics of vanishing gradients exactly.

symgrad is one library in layers (``docs/architecture.md``): ``base``, ``core``,
``numeric``, ``present``, ``analysis``, ``interfaces``.  The symbolic core (SymPy only):

* :mod:`symgrad.core.activations` - the activation registry (the text's sigmoid, tanh,
  softplus, and identity, relu, leaky_relu, elu, gelu, silu, erf);
* :mod:`symgrad.core.chain` - the deep chain o_i = sigma(w_i o_{i-1});
* :mod:`symgrad.core.derive` - dF/dw_k by the layer-wise chain rule and by naive diff;
* :mod:`symgrad.core.induction` - the closed form for symbolic depth, proved by induction;
* :mod:`symgrad.core.bounds` - |dF/dw_k| <= prod |w_i| (sup sigma')^(...).

Numeric backends live in :mod:`symgrad.numeric`.

>>> from symgrad import Chain, derive_layerwise
>>> derive_layerwise(Chain(2)).partial(1)
w2*(1 - sigmoid(o1*w2))*sigmoid(o1*w2)
"""

import importlib

from symgrad.base import reprs as _reprs
from symgrad.base.errors import SymgradError
from symgrad.base.version import __version__

#: public name -> module that defines it, imported on first use (PEP 562), so that
#: ``import symgrad`` (and the numeric commands) load no SymPy
_LAZY = {
    **dict.fromkeys(
        ("ACTIVATIONS", "derivative_supremum", "get_activation", "sigmoid", "softplus"),
        "symgrad.core.activations",
    ),
    "Chain": "symgrad.core.chain",
    "Network": "symgrad.core.network",
    **dict.fromkeys(("NetworkSpec", "load_network", "network_from_dict"),
                    "symgrad.numeric.network_file"),
    **dict.fromkeys(
        ("derive_layerwise", "derive_naive", "stated_form", "verify_routes"),
        "symgrad.core.derive",
    ),
    **dict.fromkeys(("prove_closed_form", "symbolic_closed_form"), "symgrad.core.induction"),
    **dict.fromkeys(("BackpropProof", "prove_backprop"), "symgrad.core.network_symbolic"),
    "prove_backprop_induction": "symgrad.core.network_induction",
    # the Python API: one function per command, each returning a Result
    **{name: f"symgrad.interfaces.api.{name}" for name in (
        "derive", "reference", "formats", "scan", "hessian", "classify", "check", "verify",
        "report", "derivations", "vectors", "theory")},
    **dict.fromkeys(("DeriveResult",), "symgrad.interfaces.api.derive"),
    **dict.fromkeys(("ReferenceResult",), "symgrad.interfaces.api.reference"),
    **dict.fromkeys(("NetworkReferenceResult", "network_reference"),
                    "symgrad.interfaces.api.network_reference"),
    **dict.fromkeys(("NetworkFormatsResult", "network_formats"),
                    "symgrad.interfaces.api.network_formats"),
    **dict.fromkeys(("FormatsResult", "SmallGradientResult"), "symgrad.interfaces.api.formats"),
    **dict.fromkeys(("ScanResult",), "symgrad.interfaces.api.scan"),
    **dict.fromkeys(("HessianResult",), "symgrad.interfaces.api.hessian"),
    **dict.fromkeys(("DescendResult", "descend"), "symgrad.interfaces.api.descend"),
    **dict.fromkeys(("NetworkHessianResult", "network_hessian"),
                    "symgrad.interfaces.api.network_hessian"),
    **dict.fromkeys(("ClassifyResult",), "symgrad.interfaces.api.classify"),
    **dict.fromkeys(("CheckResult", "CheckExamplesResult"), "symgrad.interfaces.api.check"),
    **dict.fromkeys(("VerifyResult",), "symgrad.interfaces.api.verify"),
    **dict.fromkeys(("ReportResult",), "symgrad.interfaces.api.report"),
    **dict.fromkeys(("DerivationsResult",), "symgrad.interfaces.api.derivations"),
    **dict.fromkeys(("VectorsResult",), "symgrad.interfaces.api.vectors"),
    **dict.fromkeys(("TheoryResult",), "symgrad.interfaces.api.theory"),
    **dict.fromkeys(("MeanFieldResult", "meanfield"), "symgrad.interfaces.api.meanfield"),
    "Result": "symgrad.interfaces.api.result",
    **dict.fromkeys(("SweepPlotResult", "SweepResult", "sweep", "sweep_plot", "sweep_results"),
                    "symgrad.interfaces.api.sweep"),
    **dict.fromkeys(("SweepTheoryResult", "sweep_theory"), "symgrad.interfaces.api.sweep_theory"),
    **dict.fromkeys(("draw_weights", "exact_number", "exact_numbers", "exact_weights"),
                    "symgrad.numeric.inputs"),
    **dict.fromkeys(("lambdify", "lambdify_modules"), "symgrad.numeric.lambdify_modules"),
    **dict.fromkeys(("InputError", "LimitError", "MissingExtraError"), "symgrad.base.errors"),
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symgrad' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ACTIVATIONS",
    "BackpropProof",
    "Chain",
    "CheckExamplesResult",
    "CheckResult",
    "ClassifyResult",
    "DerivationsResult",
    "DeriveResult",
    "DescendResult",
    "FormatsResult",
    "HessianResult",
    "InputError",
    "LimitError",
    "MeanFieldResult",
    "MissingExtraError",
    "Network",
    "NetworkFormatsResult",
    "NetworkHessianResult",
    "NetworkReferenceResult",
    "NetworkSpec",
    "ReferenceResult",
    "ReportResult",
    "Result",
    "ScanResult",
    "SmallGradientResult",
    "SweepPlotResult",
    "SweepResult",
    "SweepTheoryResult",
    "SymgradError",
    "TheoryResult",
    "VectorsResult",
    "VerifyResult",
    "__version__",
    "check",
    "classify",
    "derivations",
    "derivative_supremum",
    "derive",
    "derive_layerwise",
    "derive_naive",
    "descend",
    "draw_weights",
    "exact_number",
    "exact_numbers",
    "exact_weights",
    "formats",
    "get_activation",
    "hessian",
    "lambdify",
    "lambdify_modules",
    "load_network",
    "meanfield",
    "network_formats",
    "network_from_dict",
    "network_hessian",
    "network_reference",
    "prove_backprop",
    "prove_backprop_induction",
    "prove_closed_form",
    "reference",
    "report",
    "scan",
    "sigmoid",
    "softplus",
    "stated_form",
    "sweep",
    "sweep_plot",
    "sweep_results",
    "sweep_theory",
    "symbolic_closed_form",
    "theory",
    "vectors",
    "verify",
    "verify_routes",
]

# Jupyter display: the presentation layer registers a layer's renderers on the first
# display of an object of that layer (see symgrad.base.reprs)
_reprs.add_loader("symgrad.core", lambda: importlib.import_module("symgrad.present.core_reprs"))
_reprs.add_loader("symgrad.numeric",
                  lambda: importlib.import_module("symgrad.present.numeric_reprs"))
