"""The activations as SymPy function classes (the symbolic half of the activation registry).

Each class has an exact derivative rule (``fdiff``), a rewrite to elementary functions
(``rewrite(sympy.exp)``; ``rewrite(sympy.Piecewise)`` for the ReLU family), LaTeX through
``_latex`` and numeric evaluation through ``evalf``.  ``tanh`` and ``erf`` are SymPy's own.

The ReLU family is not differentiable at 0.  Its derivative rule uses the frameworks'
convention there (``Heaviside(t, 0)``: relu'(0) = 0, leaky_relu'(0) = a); the registry
(:mod:`symgrad.core.activations`) records the kink, and certified arithmetic carries the
Clarke interval [0, 1] (resp. [a, 1]) instead of that point value.

Code printers: ``sympy.lambdify`` (and ``sympy.pycode``) print each class through its
``_CODE`` templates, one per printer family: ``_numpycode`` (NumPy; SymPy's SciPy printer
too), ``_jaxcode``, ``_torchcode``, ``_mpmathcode`` and ``_pythoncode`` (``math``).  The
code is numerically stable (no overflow for any finite argument): the sigmoid is
``exp(-logaddexp(0, -t))`` in NumPy, ``jax.nn.sigmoid``, ``torch.sigmoid``; softplus is
``logaddexp(0, t)``; gelu is ``t erfc(-t/sqrt 2)/2`` (no cancellation for t << 0).  An
argument used twice by a template is evaluated once (an inline ``lambda``), so nested
chains print in linear size.  :mod:`symgrad.numeric.lambdify_modules` adds what SymPy's
own functions need (``erf`` on arrays, JAX's ``erf``, PyTorch's ``heaviside``).

This module imports SymPy only.

>>> import sympy
>>> t = sympy.Symbol("t")
>>> sympy.diff(silu(t), t)
t*(1 - sigmoid(t))*sigmoid(t) + sigmoid(t)
>>> relu(-3), leaky_relu(-3), elu(0), gelu(0)
(0, -3/100, 0, 0)
>>> sympy.latex(gelu(t))
'\\\\operatorname{GELU}\\\\left(t\\\\right)'
>>> sympy.pycode(relu(t - 1))
'max(t - 1, 0)'
>>> sympy.pycode(sigmoid(2*t))
'(lambda _u0: (math.exp(min(_u0, 0))/(1 + math.exp(-abs(_u0)))))(2*t)'
"""

from __future__ import annotations

import re
from typing import ClassVar

import sympy
from sympy import Function, Heaviside, Piecewise, Rational, S, erf, exp, log, sqrt

from symgrad.core.activation_names import LEAKY_SLOPE as _SLOPE

__all__ = [
    "LEAKY_SLOPE",
    "ActivationFunction",
    "elu",
    "gelu",
    "leaky_relu",
    "relu",
    "sigmoid",
    "silu",
    "softplus",
]

#: the default slope of leaky_relu on the negative side (PyTorch's and JAX's default)
LEAKY_SLOPE = Rational(_SLOPE.numerator, _SLOPE.denominator)  # one value: activation_names


_TOKEN = re.compile(r"\{([0-9]|[A-Za-z_][A-Za-z0-9_.]*)\}")
_ATOM = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*|[0-9.]+")


class ActivationFunction(Function):
    """Shared behaviour: real for a real argument, LaTeX ``name(arg)``, ``evalf`` through
    the elementary rewrite (``_evalf_rewrite``: ``exp`` or ``Piecewise``).

    >>> sigmoid(sympy.Rational(1, 2)).evalf(5)
    0.62246
    """

    nargs = 1
    latex_name = ""
    _evalf_rewrite = exp

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_evalf(self, prec):
        return self.rewrite(self._evalf_rewrite)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        name = self.latex_name if exp is None else "%s^{%s}" % (self.latex_name, exp)
        return r"%s\left(%s\right)" % (name, printer._print(self.args[0]))

    #: code templates by printer family (numpy, jax, torch, mpmath, python): ``{0}`` is the
    #: argument (``{1}`` leaky_relu's slope), ``{np.NAME}`` the printer's array module
    #: (numpy, jax.numpy, cupy), ``{erfc}`` the printer's own erfc, ``{a.b.NAME}`` a
    #: qualified name (the printer imports it, or qualifies it fully)
    _CODE: ClassVar[dict[str, str]] = {}

    #: default values of optional arguments (leaky_relu's slope), for the templates
    _defaults: tuple = ()

    def _code(self, printer, family: str) -> str:
        """This application as code for ``printer``, from the ``family`` template."""
        template = self._CODE[family]
        args = [*self.args, *self._defaults[len(self.args) - 1:]]
        code = [printer._print(a) for a in args]
        inline = all(template.count("{%d}" % i) <= 1 for i in range(len(args)))

        def token(m: re.Match) -> str:
            key = m.group(1)
            if key.isdigit():
                c = code[int(key)]
                if not inline:
                    return "_u" + key
                before = m.string[max(m.start() - 2, 0):m.start()]
                alone = (before[-1:] == "(" or before == ", ") and m.string[m.end()] in "),"
                return c if alone or _ATOM.fullmatch(c) else "(%s)" % c
            if key.startswith("np."):
                key = getattr(printer, "_module", "numpy") + key[2:]
            elif key == "erfc":
                key = printer.known_functions.get("erfc", "math.erfc")
            return printer._module_format(key)

        body = _TOKEN.sub(token, template)
        if inline:
            return body
        params = ", ".join("_u%d" % i for i in range(len(args)))
        return "(lambda %s: %s)(%s)" % (params, body, ", ".join(code))

    def _numpycode(self, printer, **kwargs):
        return self._code(printer, "numpy")

    def _jaxcode(self, printer, **kwargs):
        return self._code(printer, "jax")

    def _torchcode(self, printer, **kwargs):
        return self._code(printer, "torch")

    def _mpmathcode(self, printer, **kwargs):
        return self._code(printer, "mpmath")

    def _pythoncode(self, printer, **kwargs):
        return self._code(printer, "python")


class sigmoid(ActivationFunction):
    """The logistic sigmoid, sigma(t) = 1/(1 + exp(-t)).

    >>> import sympy
    >>> sigmoid(0)
    1/2
    >>> sigmoid(sympy.Symbol("t")).rewrite(sympy.exp)
    1/(1 + exp(-t))
    """

    latex_name = r"\sigma"
    _CODE: ClassVar[dict[str, str]] = {
        "numpy": "{np.exp}(-{np.logaddexp}(0, -{0}))",
        "jax": "{jax.nn.sigmoid}({0})",
        "torch": "{torch.sigmoid}({0})",
        "mpmath": "(1/(1 + {mpmath.exp}(-{0})))",
        "python": "({math.exp}(min({0}, 0))/(1 + {math.exp}(-abs({0}))))",
    }

    @classmethod
    def eval(cls, arg):
        # structural tests only: assumption queries on large products are slow
        if arg is S.Zero:
            return S.Half
        if arg is S.Infinity:
            return S.One
        if arg is S.NegativeInfinity:
            return S.Zero
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + exp(-arg))

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None


class softplus(ActivationFunction):
    """softplus(t) = log(1 + exp(t)); its derivative is the sigmoid.

    >>> import sympy
    >>> t = sympy.Symbol("t")
    >>> sympy.diff(softplus(t), t)
    sigmoid(t)
    """

    latex_name = r"\operatorname{softplus}"
    _CODE: ClassVar[dict[str, str]] = {
        "numpy": "{np.logaddexp}(0, {0})",
        "jax": "{jax.nn.softplus}({0})",
        "torch": "(-{torch.nn.functional.logsigmoid}(-{0}))",
        "mpmath": "{mpmath.log1p}({mpmath.exp}({0}))",
        "python": "(max({0}, 0) + {math.log1p}({math.exp}(-abs({0}))))",
    }

    @classmethod
    def eval(cls, arg):
        if arg is S.Zero:
            return log(2)
        if arg is S.NegativeInfinity:
            return S.Zero
        if arg is S.Infinity:
            return S.Infinity
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return log(1 + exp(arg))

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None


class silu(ActivationFunction):
    """silu(t) = t sigma(t) (the swish with beta = 1).

    >>> silu(sympy.Symbol("t")).rewrite(sympy.exp)
    t/(1 + exp(-t))
    """

    latex_name = r"\operatorname{SiLU}"
    _CODE: ClassVar[dict[str, str]] = {
        "numpy": "({0}*{np.exp}(-{np.logaddexp}(0, -{0})))",
        "jax": "{jax.nn.silu}({0})",
        "torch": "{torch.nn.functional.silu}({0})",
        "mpmath": "({0}/(1 + {mpmath.exp}(-{0})))",
        "python": "({0}*{math.exp}(min({0}, 0))/(1 + {math.exp}(-abs({0}))))",
    }

    @classmethod
    def eval(cls, arg):
        return S.Zero if arg is S.Zero else None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        s = sigmoid(self.args[0])
        return s + self.args[0] * s * (1 - s)

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return arg / (1 + exp(-arg))


class gelu(ActivationFunction):
    """gelu(t) = t Phi(t) = t (1 + erf(t/sqrt 2))/2, the exact (erf) form.

    >>> gelu(sympy.Symbol("t")).rewrite(sympy.exp)
    t*(erf(sqrt(2)*t/2) + 1)/2
    """

    latex_name = r"\operatorname{GELU}"
    _CODE: ClassVar[dict[str, str]] = {
        "numpy": "({0}*{erfc}(-0.7071067811865476*{0})/2)",
        "jax": "{jax.nn.gelu}({0}, approximate=False)",
        "torch": "({0}*{torch.erfc}(-0.7071067811865476*{0})/2)",
        "mpmath": "({0}*{mpmath.erfc}(-{0}/{mpmath.sqrt}(2))/2)",
        "python": "({0}*{math.erfc}(-0.7071067811865476*{0})/2)",
    }

    @classmethod
    def eval(cls, arg):
        return S.Zero if arg is S.Zero else None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        t = self.args[0]
        return (1 + erf(t / sqrt(2))) / 2 + t * exp(-t**2 / 2) / sqrt(2 * sympy.pi)

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return arg * (1 + erf(arg / sqrt(2))) / 2

    def _eval_evalf(self, prec):
        # t erfc(-t/sqrt 2)/2: no cancellation in 1 + erf for t << 0
        t = self.args[0]
        return (t * sympy.erfc(-t / sqrt(2)) / 2)._eval_evalf(prec)


class _Piecewise(ActivationFunction):
    """Piecewise activations with one kink at 0: a number argument evaluates at once."""

    _evalf_rewrite = Piecewise

    @classmethod
    def eval(cls, arg):
        if arg.is_Number:
            return cls._pieces(arg, [])
        return None

    def _eval_rewrite_as_Piecewise(self, arg, **kwargs):
        return self._pieces(arg, list(self.args[1:]))

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return self._eval_rewrite_as_Piecewise(arg, **kwargs)


class relu(_Piecewise):
    """relu(t) = max(0, t); relu' = Heaviside(t, 0) (relu'(0) = 0, as the frameworks do).

    >>> relu(sympy.Symbol("t")).rewrite(sympy.Piecewise)
    Piecewise((t, t > 0), (0, True))
    """

    latex_name = r"\operatorname{ReLU}"
    _CODE: ClassVar[dict[str, str]] = {
        "numpy": "{np.maximum}({0}, 0)",
        "jax": "{jax.nn.relu}({0})",
        "torch": "{torch.relu}({0})",
        "mpmath": "max({0}, 0)",
        "python": "max({0}, 0)",
    }

    @staticmethod
    def _pieces(arg, extra):
        return Piecewise((arg, arg > 0), (0, True))

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        return Heaviside(self.args[0], 0)


class leaky_relu(_Piecewise):
    """leaky_relu(t) = t for t > 0, a t otherwise; a = 1/100 (``leaky_relu(t, a)`` for another).

    >>> leaky_relu(sympy.Symbol("t")).rewrite(sympy.Piecewise)
    Piecewise((t, t > 0), (t/100, True))
    >>> leaky_relu(-2, sympy.Rational(1, 5))
    -2/5
    """

    nargs = (1, 2)
    latex_name = r"\operatorname{LeakyReLU}"
    _CODE: ClassVar[dict[str, str]] = {
        "numpy": "{np.where}({0} > 0, {0}, {1}*{0})",
        "jax": "{jax.nn.leaky_relu}({0}, {1})",
        "torch": "{torch.nn.functional.leaky_relu}({0}, {1})",
        "mpmath": "({0} if {0} > 0 else {1}*{0})",
        "python": "({0} if {0} > 0 else {1}*{0})",
    }
    _defaults = (LEAKY_SLOPE,)

    @classmethod
    def eval(cls, arg, slope=None):
        if arg.is_Number and (slope is None or slope.is_Number):
            return cls._pieces(arg, [] if slope is None else [slope])
        return None

    @staticmethod
    def _pieces(arg, extra):
        a = extra[0] if extra else LEAKY_SLOPE
        return Piecewise((arg, arg > 0), (a * arg, True))

    def fdiff(self, argindex=1):
        a = self.args[1] if len(self.args) > 1 else LEAKY_SLOPE
        if argindex == 1:
            return a + (1 - a) * Heaviside(self.args[0], 0)
        if argindex == 2:
            return sympy.Min(self.args[0], 0)
        raise sympy.ArgumentIndexError(self, argindex)


class elu(_Piecewise):
    """elu(t) = t for t > 0, exp(t) - 1 otherwise (alpha = 1: C^1, with a kink in elu').

    >>> elu(sympy.Symbol("t")).rewrite(sympy.Piecewise)
    Piecewise((t, t > 0), (exp(t) - 1, True))
    """

    latex_name = r"\operatorname{ELU}"
    _CODE: ClassVar[dict[str, str]] = {
        "numpy": "{np.where}({0} > 0, {0}, {np.expm1}({np.minimum}({0}, 0)))",
        "jax": "{jax.nn.elu}({0})",
        "torch": "{torch.nn.functional.elu}({0})",
        "mpmath": "({0} if {0} > 0 else {mpmath.expm1}({0}))",
        "python": "({0} if {0} > 0 else {math.expm1}(min({0}, 0)))",
    }

    @staticmethod
    def _pieces(arg, extra):
        return Piecewise((arg, arg > 0), (exp(arg) - 1, True))

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        t = self.args[0]
        return Piecewise((1, t > 0), (exp(t), True))

