"""``symgrad.reference(network=...)``: a network's F, gradient, per-layer gradient norms and
the singular values of the input-output Jacobian at each data point, to D correct digits
(``symgrad reference --network FILE``).

``network`` is a network file (TOML or JSON, :mod:`symgrad.numeric.network_file`), the
same keys as a dict, or a :class:`~symgrad.numeric.network_file.NetworkSpec`.  Every
printed digit is decided by a python-flint ball (:mod:`symgrad.numeric.network_certified`);
a value that depends on a derivative at an exact ReLU-family kink (the Clarke interval)
is printed as its certified enclosure and marked, never as digits.

>>> r = network_reference({"layers": [1, 1], "activation": "tanh", "loss": "none",
...     "bias": False, "data": {"x": [["1"]]}, "weights": {"W1": [["1"]]}}, digits=10)
>>> r.value("F"), r.value("dF/dW1[0][0]")   # tanh(1), 1 - tanh(1)^2
('7.615941560e-1', '4.199743416e-1')
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from symgrad.analysis.network_jacobian import singular_values
from symgrad.base.errors import InputError
from symgrad.interfaces.api._values import input_errors, whole_number
from symgrad.interfaces.api.result import Result
from symgrad.numeric.certified import Ball
from symgrad.numeric.flint_backend import MAX_DIGITS
from symgrad.numeric.network_certified import NetworkCertified, certified_network
from symgrad.numeric.network_file import NetworkSpec, load_network, network_from_dict

__all__ = ["METHOD", "NetworkReferenceResult", "load_spec", "network_json", "network_reference"]

METHOD = "python-flint ball arithmetic, correctly rounded"


def load_spec(network: object) -> NetworkSpec:
    """A :class:`NetworkSpec` from a path, a dict of the file's keys, or a spec."""
    if isinstance(network, NetworkSpec):
        return network
    if isinstance(network, dict):
        return network_from_dict(network)
    if isinstance(network, str | Path):
        return load_network(network)
    raise InputError(f"network must be a file path, a dict or a NetworkSpec, got "
                     f"{type(network).__name__}", hint="e.g. network='net.toml'")


def network_json(spec: NetworkSpec) -> dict:
    """The network's description for JSON documents."""
    net = spec.network
    return {"layers": list(net.widths), "activations": list(net.activations),
            "bias": net.bias, "residual": net.residual, "loss": net.loss,
            "parameters": net.n_parameters, "data_points": len(spec.data),
            "source": spec.source}


def describe(spec: NetworkSpec) -> str:
    """One line: ``network 2-2-1, sigmoid, biases, squared loss, 4 data points``."""
    net = spec.network
    acts = sorted(set(net.activations), key=net.activations.index)
    parts = ["network " + "-".join(map(str, net.widths)), "/".join(acts),
             "biases" if net.bias else "no biases"]
    if net.residual:
        parts.append("residual")
    parts.append(f"{net.loss} loss" if net.loss != "none" else "F = the output")
    parts.append(f"{len(spec.data)} data point{'s' if len(spec.data) != 1 else ''} "
                 f"({net.n_parameters} parameters)")
    return ", ".join(parts)


@dataclass(frozen=True, repr=False)
class NetworkReferenceResult(Result):
    """Certified F, dF/d(every parameter) and ||dF/dW_l|| of a network."""

    SCHEMA = "symgrad.network-reference/1"
    FORMATS = ("text", "json", "csv")

    spec: NetworkSpec
    digits: int
    certified: bool
    values: NetworkCertified
    singular: tuple[tuple[Ball, ...], ...] = ()

    def balls(self) -> list[tuple[str, Ball]]:
        """(name, ball): ``F``, ``dF/dW1[0][1]``, ..., ``dF/db1[0]``, ``||dF/dW1||``."""
        return self.values.balls()

    def value(self, name: str) -> str:
        """The correctly rounded digits of ``name`` (an undecided value raises KeyError)."""
        for n, b in self.balls():
            if n == name:
                if not b.decided:
                    raise KeyError(f"{name} depends on a kink: see the enclosure")
                return b.mid
        raise KeyError(name)

    def _record(self, b: Ball) -> dict:
        row: dict = {"value": b.mid}
        if self.certified or not b.decided:
            row["ball"] = {"mid": b.mid, "rad": b.rad}
            row["certified_digits"] = b.digits
        if not b.decided:
            row["depends_on_kink"] = True
        return row

    def json_body(self) -> dict:
        v = self.values
        grads = {}
        for name, g in v.grads.items():
            grads[name] = ([[self._record(b) for b in row] for row in g]
                           if name.startswith("W") else [self._record(b) for b in g])
        return {
            "network": network_json(self.spec), "digits": self.digits, "method": METHOD,
            "certified": True, "working_precision_bits": int(v.prec),
            "F": self._record(v.value), "gradient": grads,
            "layer_norms": [self._record(b) for b in v.layer_norms],
            "kinks": [{"layer": layer, "unit": unit, "point": point}
                      for layer, unit, point in v.kinks],
            "jacobian_singular_values": [[self._record(b) for b in sv]
                                         for sv in self.singular],
        }

    def _rows(self) -> list[dict]:
        rows = []
        for n, b in self.balls():
            row = {"name": n, "value": b.mid, "radius": b.rad, "certified_digits": b.digits,
                   "decided": b.decided}
            rows.append(row)
        return rows

    def to_text(self) -> str:
        rows = self._rows()
        lines = [f"{describe(self.spec)}; {self.digits} correct digits; {METHOD}"]
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            extra = f"  ± {r['radius']}" if self.certified or not r["decided"] else ""
            mark = "" if r["decided"] else "  * depends on a kink (enclosure, not digits)"
            lines.append(f"{r['name']:<{width}}  {r['value']}{extra}{mark}")
        for p, sv in enumerate(self.singular):
            shown = ", ".join(b.mid if b.decided else f"{b.mid} ± {b.rad}" for b in sv)
            lines.append(f"singular values of dy/dx at data point {p}: {shown}")
        for layer, unit, point in self.values.kinks:
            act = self.spec.network.activations[layer - 1]
            lines.append(f"kink: layer {layer} unit {unit} at data point {point} has "
                         f"pre-activation exactly 0, where {act}' is the Clarke interval")
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        buf = io.StringIO()
        cols = ["name", "value", "radius", "certified_digits"]
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(self._rows())
        return buf.getvalue()

    def summary(self) -> str:
        return (f"{describe(self.spec)}: F and {self.spec.network.n_parameters} partials "
                f"to {self.digits} correct digits")


def network_reference(network: object, *, digits: int = 30,
                      certified: bool = False) -> NetworkReferenceResult:
    """F, every dF/dW_l[i][j] and dF/db_l[i], and ||dF/dW_l||, correctly rounded to
    ``digits`` (each decided by a ball); ``certified=True`` also shows each enclosure."""
    with input_errors():
        spec = load_spec(network)
        d = whole_number(digits, what="--digits", lo=1, hi=MAX_DIGITS, example="--digits 30")
        if not isinstance(certified, bool):
            raise InputError(f"certified must be True or False, got {certified!r}")
        res = certified_network(spec, digits=d)
        prec = res.prec + 64
        singular = tuple(tuple(Ball(b, d, prec) for b in sv)
                         for sv in singular_values(spec, prec=prec))
    return NetworkReferenceResult(spec=spec, digits=d, certified=certified, values=res,
                                  singular=singular)
