"""``symgrad.vectors``: certified test vectors that travel, as JSON, CSV and ``.npz``.

One record per *spec* (a mapping): ``depth`` (required), ``activation`` (default
sigmoid), ``form`` (seed or general), ``bias`` (bool), ``weights`` (a number, a sequence
or numpy array of ``depth`` numbers, or the command line's SPEC such as
``"normal:0,1,seed=7"``; default ``"normal:0,1,seed=0"``), ``biases`` and ``x`` (general
form), ``digits`` (overrides the call's).  Numbers follow :mod:`symgrad.numeric.inputs`: a
float is the exact binary value it holds, a decimal string is exact.

Each record holds the exact weights (``decimal``: every digit, or ``p/q``; ``float64``: the
16 hex digits of the IEEE bit pattern whenever the weight is a float64 number, as drawn
and float weights always are), the chain (depth, activation, form, bias), F, the gradient
(``w``, and ``b``/``x`` in the general form) and, with ``hessian=True``, the Hessian in the
weights.  Every value is a certified ball ``{"mid", "rad", "digits"}``: ``mid`` is correct
to ``digits`` significant digits and the exact value lies in [mid - rad, mid + rad].

Formats: ``to_json()`` (schema ``symgrad.vectors/1``), ``to_csv()`` (one row per record;
lists joined with ``;``, the columns in :data:`CSV_COLUMNS`), ``to_npz()``/``save_npz(path)``
(numpy arrays per record ``r{i}_NAME``: ``weights``, ``F``, ``grad_w``, ``grad_b``,
``grad_x``, ``hessian`` as float64 nearest to the decimal, the same names with ``_decimal``
and ``_rad`` as unicode arrays of the decimal strings, ``weights_float64`` the bit patterns
("" where none); plus ``depth``, ``activation``, ``form``, ``digits`` over the records and
``json``, the whole JSON document).

>>> r = vectors([{"depth": 2, "weights": [0.5, -2.0]}], digits=10)
>>> rec = r.to_json()["vectors"][0]
>>> rec["weights"]["values"][0]
{'decimal': '5e-1', 'float64': '3fe0000000000000'}
>>> rec["gradient"]["w"][1]  # w1 sigma'(w1 w2) = sigma'(-1)/2
{'mid': '9.830596662e-2', 'rad': '7.5e-13', 'digits': 10}
>>> r
<VectorsResult: 1 test vector (depths 2..2), 10 digits>
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from symgrad.base.errors import InputError, LimitError
from symgrad.base.output import dumps_json, write_atomic
from symgrad.base.version import __version__
from symgrad.core.chain import Chain
from symgrad.interfaces.api._values import (
    chain_json,
    exact_decimal,
    float64_hex,
    input_errors,
    number_record,
    plain_number,
    weights_record,
)
from symgrad.interfaces.api.point import chain_point, number_json, whole
from symgrad.interfaces.api.result import Result
from symgrad.numeric.certified import Certified, certified_values
from symgrad.numeric.flint_backend import MAX_DIGITS
from symgrad.numeric.number_text import to_float

__all__ = ["CSV_COLUMNS", "DEFAULT_DIGITS", "MAX_SPECS", "SPEC_KEYS", "TestVector",
           "VectorsResult", "read_specs", "vectors"]

DEFAULT_DIGITS = 18
#: the most specs in one call
MAX_SPECS = 10_000
SPEC_KEYS = ("depth", "activation", "form", "bias", "weights", "biases", "x", "digits")
DEFAULT_WEIGHTS = "normal:0,1,seed=0"
#: the CSV header: lists (weights, gradients, the row-major Hessian) are joined with ";"
CSV_COLUMNS = ("index", "depth", "activation", "form", "bias", "digits", "weights_spec",
               "weights", "weights_float64", "biases", "x", "F", "F_rad", "grad_w",
               "grad_w_rad", "grad_b", "grad_b_rad", "grad_x", "grad_x_rad", "hessian",
               "hessian_rad")


def _ball(b) -> dict:
    return {"mid": b.mid, "rad": b.rad, "digits": b.digits}


def _text_ball(text: str, digits: int) -> dict:
    """A Hessian entry's printed text as a ball: a correctly rounded decimal of n digits is
    within half a unit of its last digit; ``0`` is exact; ``0 ± r``/``≤ B`` decide no digit."""
    value = number_json(text)
    if isinstance(value, dict):
        return {**value, "digits": 0}
    if value == "0":
        return {"mid": "0", "rad": "0", "digits": digits}
    mant, _, exp = value.partition("e")
    n = len(mant.lstrip("-").replace(".", ""))
    return {"mid": value, "rad": f"5e{int(exp or 0) - n}", "digits": n}


@dataclass(frozen=True)
class TestVector:
    """One record: the chain, its exact point, the certified values (and Hessian balls)."""

    __test__ = False  # not a pytest test class

    chain: Chain
    digits: int
    weights: tuple[Fraction, ...]
    weights_spec: str | None
    biases: tuple[Fraction, ...] | None
    x: Fraction | None
    values: Certified
    hessian: tuple[tuple[dict, ...], ...] | None = None

    def balls(self) -> dict:
        """F, the gradient (w, b, x) and the Hessian as JSON balls."""
        v = self.values
        return {"F": _ball(v.value),
                "gradient": {"w": [_ball(b) for b in v.grad_w],
                             "b": [_ball(b) for b in v.grad_b],
                             "x": None if v.grad_x is None else _ball(v.grad_x)},
                "hessian": None if self.hessian is None else [list(r) for r in self.hessian]}

    def to_json(self) -> dict:
        return {"chain": chain_json(self.chain), "digits": self.digits,
                "weights": weights_record(self.weights, self.weights_spec),
                "biases": None if self.biases is None else weights_record(self.biases, None),
                "x": None if self.x is None else number_record(self.x), **self.balls()}


def _spec_point(spec: Mapping, digits: int):
    if not isinstance(spec, Mapping):
        raise InputError(f"each spec must be a mapping, got {type(spec).__name__}",
                         hint="e.g. {'depth': 3, 'weights': '0.5,1,2'}")
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise InputError(f"unknown spec keys: {', '.join(map(str, unknown))}",
                         hint=f"use {', '.join(SPEC_KEYS)}")
    if "depth" not in spec:
        raise InputError("a spec needs a depth", hint="e.g. {'depth': 3}")
    depth = spec["depth"]
    if isinstance(depth, bool) or not isinstance(depth, int):
        raise InputError(f"a spec's depth must be a whole number, got {depth!r}",
                         hint="e.g. {'depth': 3}")
    bias = spec.get("bias", False)
    if not isinstance(bias, bool):
        raise InputError(f"bias must be true or false, got {bias!r}", hint="e.g. bias: true")
    chain = Chain(depth, activation=spec.get("activation", "sigmoid"),
                  form=spec.get("form", "seed"), bias=bias)
    raw = spec.get("weights", DEFAULT_WEIGHTS)
    w, b, x = chain_point(chain, raw, spec.get("biases"), spec.get("x"))
    d = whole(spec.get("digits", digits), what="--digits", lo=1, hi=MAX_DIGITS,
              example="--digits 20")
    return chain, w, (raw if isinstance(raw, str) else None), b, x, d


def _hessian(chain: Chain, w, b, x, digits: int) -> tuple[tuple[dict, ...], ...]:
    from symgrad.analysis.stationary.landscape import chain_hessian

    res = chain_hessian(chain, w, digits=digits, symbolic_max_depth=0, biases=b, x=x,
                        eigenvalues=False)
    return tuple(tuple(_text_ball(t, digits) for t in row) for row in res.hessian_text)


def _one(spec: Mapping, digits: int, hessian: bool) -> TestVector:
    with input_errors():
        chain, w, label, b, x, d = _spec_point(spec, digits)
        cert = certified_values(chain, w, digits=d, biases=b, x=x)
        hess = _hessian(chain, w, b, x, d) if hessian else None
    return TestVector(chain, d, w, label, b, x, cert, hess)


def _join(items) -> str:
    return ";".join(items)


def _npz_record(weights, rec: dict, prefix: str, out: dict) -> None:
    import numpy as np

    def put(name, balls, shape=None):
        mids = [bl["mid"] for bl in balls]
        shape = (len(mids),) if shape is None else shape
        out[prefix + name] = np.array([float(m) for m in mids]).reshape(shape)
        out[prefix + name + "_decimal"] = np.array(mids, dtype=str).reshape(shape)
        rads = [bl["rad"] for bl in balls]
        out[prefix + name + "_rad"] = np.array(rads, dtype=str).reshape(shape)

    values = rec["weights"]["values"]
    out[prefix + "weights"] = np.array([to_float(v) for v in weights], dtype=np.float64)
    out[prefix + "weights_decimal"] = np.array([v["decimal"] for v in values], dtype=str)
    out[prefix + "weights_float64"] = np.array([v.get("float64", "") for v in values], dtype=str)
    put("F", [rec["F"]], ())
    put("grad_w", rec["gradient"]["w"])
    if rec["gradient"]["b"]:
        put("grad_b", rec["gradient"]["b"])
    if rec["gradient"]["x"] is not None:
        put("grad_x", [rec["gradient"]["x"]], ())
    if rec["hessian"] is not None:
        n = len(rec["hessian"])
        put("hessian", [bl for row in rec["hessian"] for bl in row], (n, n))


@dataclass(frozen=True, repr=False)
class VectorsResult(Result):
    """Test vectors: one :class:`TestVector` per spec, in the order given."""

    SCHEMA = "symgrad.vectors/1"
    FORMATS = ("text", "json", "csv")

    records: tuple[TestVector, ...]
    digits: int
    hessian: bool

    def json_body(self) -> dict:
        return {"generator": f"symgrad {__version__}", "digits": self.digits,
                "hessian": self.hessian, "count": len(self.records),
                "vectors": [r.to_json() for r in self.records]}

    def to_csv(self) -> str:
        """One row per record; the columns are :data:`CSV_COLUMNS`."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for i, (r, rec) in enumerate(zip(self.records, self.to_json()["vectors"])):
            g = rec["gradient"]
            hess = [bl for row in rec["hessian"] or [] for bl in row]
            writer.writerow([
                i, r.chain.depth, r.chain.activation, r.chain.form,
                "true" if r.chain.bias else "false", r.digits, r.weights_spec or "",
                _join(exact_decimal(v) for v in r.weights),
                _join(float64_hex(v) or "" for v in r.weights),
                _join(exact_decimal(v) for v in r.biases or ()),
                "" if r.x is None else exact_decimal(r.x),
                rec["F"]["mid"], rec["F"]["rad"],
                _join(bl["mid"] for bl in g["w"]), _join(bl["rad"] for bl in g["w"]),
                _join(bl["mid"] for bl in g["b"]), _join(bl["rad"] for bl in g["b"]),
                "" if g["x"] is None else g["x"]["mid"], "" if g["x"] is None else g["x"]["rad"],
                _join(bl["mid"] for bl in hess), _join(bl["rad"] for bl in hess)])
        return buf.getvalue()

    def to_npz(self) -> bytes:
        """The ``.npz`` archive as bytes (see the module docstring for its arrays)."""
        import numpy as np

        doc = self.to_json()
        out: dict = {"json": np.array(dumps_json(doc)), "schema": np.array(self.SCHEMA),
                     "depth": np.array([r.chain.depth for r in self.records], dtype=np.int64),
                     "activation": np.array([r.chain.activation for r in self.records], dtype=str),
                     "form": np.array([r.chain.form for r in self.records], dtype=str),
                     "digits": np.array([r.digits for r in self.records], dtype=np.int64)}
        for i, (r, rec) in enumerate(zip(self.records, doc["vectors"])):
            _npz_record(r.weights, rec, f"r{i}_", out)
        buf = io.BytesIO()
        np.savez_compressed(buf, **out)
        return buf.getvalue()

    def save_npz(self, path) -> Path:
        """Write :meth:`to_npz` to ``path`` atomically."""
        return write_atomic(path, self.to_npz())

    def render(self, fmt: str = "text") -> str:
        if fmt == "npz":
            raise InputError("npz is a binary format, not text", hint="write it with -o FILE")
        return super().render(fmt)

    def to_text(self) -> str:
        lines = []
        for i, (r, rec) in enumerate(zip(self.records, self.to_json()["vectors"]), 1):
            lines.append(f"vector {i}: {r.chain.describe()}, {r.digits} correct digits")
            lines.append("  weights  " + ", ".join(plain_number(v) for v in r.weights))
            named = [("F", rec["F"])] + [(f"dF/dw{k}", bl)
                                         for k, bl in enumerate(rec["gradient"]["w"], 1)]
            named += [(f"dF/db{k}", bl) for k, bl in enumerate(rec["gradient"]["b"], 1)]
            if rec["gradient"]["x"] is not None:
                named.append(("dF/dx", rec["gradient"]["x"]))
            lines += [f"  {name:<8} {bl['mid']}" for name, bl in named]
            if rec["hessian"] is not None:
                lines.append("  Hessian (rows)")
                lines += ["    " + "  ".join(bl["mid"] for bl in row) for row in rec["hessian"]]
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        depths = [r.chain.depth for r in self.records]
        n = len(self.records)
        span = f" (depths {min(depths)}..{max(depths)})" if depths else ""
        return (f"{n} test vector{'s' if n != 1 else ''}{span}, {self.digits} digits"
                + (", with Hessians" if self.hessian else ""))


def vectors(specs: Iterable[Mapping] | Mapping, *, digits: int = DEFAULT_DIGITS,
            hessian: bool = False) -> VectorsResult:
    """Certified test vectors for ``specs`` (one mapping or a sequence; see the module).

    ``digits``: correct significant digits of every value (a spec's ``digits`` overrides
    it); ``hessian``: also the Hessian in the weights (depth <= 1000, more work).
    """
    d = whole(digits, what="--digits", lo=1, hi=MAX_DIGITS, example="--digits 20")
    if not isinstance(hessian, bool):
        raise InputError(f"hessian must be True or False, got {hessian!r}", hint="--hessian")
    items = [specs] if isinstance(specs, Mapping) else specs
    if isinstance(items, str | bytes) or not hasattr(items, "__iter__"):
        raise InputError("specs must be a mapping or a sequence of mappings",
                         hint="e.g. [{'depth': 3, 'weights': '0.5,1,2'}]")
    items = list(items)
    if not items:
        raise InputError("no specs given", hint="give at least one spec, e.g. --depth 3")
    if len(items) > MAX_SPECS:
        raise LimitError(f"{len(items)} specs is above the cap of {MAX_SPECS}",
                         hint="split them over several files")
    return VectorsResult(tuple(_one(s, d, hessian) for s in items), d, hessian)


def read_specs(path) -> dict:
    """A spec file as ``{"specs": [...], "digits": N?, "hessian": bool?}``.

    JSON: a list of specs, or an object ``{"specs": [...], "digits": 30, "hessian": true}``.
    TOML (``.toml``; Python 3.11+): top-level ``digits``/``hessian`` and ``[[specs]]``
    tables.  Numbers in either file are floats or integers; write a decimal as a string
    (``"0.1"``) to mean it exactly.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the spec file {p}: {exc.strerror or exc}",
                         hint="check the --specs path") from None
    try:
        if p.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ImportError:  # pragma: no cover - Python 3.10
        raise InputError("TOML spec files need Python 3.11 or later",
                         hint="write the specs as JSON") from None
    except ValueError as exc:  # json.JSONDecodeError and tomllib.TOMLDecodeError
        raise InputError(f"{p} is not valid {'TOML' if p.suffix == '.toml' else 'JSON'}: "
                         f"{str(exc).splitlines()[0]}", hint="fix the --specs file") from None
    if isinstance(data, list):
        data = {"specs": data}
    if not isinstance(data, dict) or not isinstance(data.get("specs"), list):
        raise InputError(f"{p} holds no list of specs",
                         hint="write a list of specs, or an object with a 'specs' list")
    extra = sorted(set(data) - {"specs", "digits", "hessian"})
    if extra:
        raise InputError(f"unknown keys in {p}: {', '.join(extra)}",
                         hint="use specs, digits, hessian")
    return data
