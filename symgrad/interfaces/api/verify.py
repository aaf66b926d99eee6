"""``symgrad.verify``: the verification battery as one table.

The Python side of ``symgrad verify``: derivation routes, induction proofs, derived
bounds, JAX/PyTorch gradients and Hessians against certified values, flush-to-zero and
finite differences.  Lists are Python sequences or the command line's comma text;
``groups`` selects parts of the battery (default all of
:data:`~symgrad.analysis.verify.battery.GROUPS`); ``backends=()`` (or ``"none"``) compares
no framework.  ``on_check`` is called with each check as it completes.

>>> r = verify(groups=["routes"], activations=["sigmoid"], backends=())
>>> r.exit_code, r.to_json()["counts"]["PASS"]
(0, 1)
>>> r.summary().split(":")[0]
'ALL CHECKS PASSED'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from symgrad.analysis.verify.battery import GROUPS, VerificationReport, format_check, run_battery
from symgrad.base.errors import InputError
from symgrad.core.activations import TEXT_ACTIVATIONS, get_activation
from symgrad.core.chain import validate_depth
from symgrad.interfaces.api.point import name_list, whole
from symgrad.interfaces.api.result import Result
from symgrad.numeric.formats import FORMATS, parse_formats

__all__ = ["DEFAULT_BACKENDS", "MAX_HESSIAN_DEPTH", "MAX_VERIFY_DEPTH", "VerifyResult", "verify"]

#: the frameworks compared by default (one that is not installed is reported SKIPPED)
DEFAULT_BACKENDS = ("jax", "torch")
MAX_VERIFY_DEPTH = 2000
MAX_HESSIAN_DEPTH = 40


def _json_counts(value):
    """The battery's per-check data with counts of things (digit strings) as integers."""
    if isinstance(value, dict):
        return {k: (_json_counts(v) if k != "counts" else
                    {ck: int(cv) if isinstance(cv, str) and cv.isdigit() else cv
                     for ck, cv in v.items()}) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_counts(v) for v in value]
    return value


@dataclass(frozen=True, repr=False)
class VerifyResult(Result):
    """The verification table (``report``) and the settings it ran with."""

    SCHEMA = "symgrad.verify/1"
    FORMATS = ("text", "json")

    report: VerificationReport
    settings: dict

    @property
    def passed(self) -> bool:
        """True when no check failed, was undecided or skipped, and at least one passed."""
        return self.report.passed

    @property
    def exit_code(self) -> int:
        """The command line's exit status (0 when :attr:`passed`, else 1)."""
        return self.report.exit_code

    def json_body(self) -> dict:
        return {"settings": self.settings, "notes": list(self.report.notes),
                "counts": self.report.counts(), "passed": self.passed,
                "checks": [_json_counts(c.to_json()) for c in self.report.checks]}

    def check_lines(self) -> list[str]:
        """One text line per check, in order."""
        return [format_check(c) for c in self.report.checks]

    def closing_lines(self) -> list[str]:
        """The notes and the summary line that end the text."""
        return [f"note: {n}" for n in self.report.notes] + [self.report.summary()]

    def to_text(self) -> str:
        return "\n".join(self.check_lines() + self.closing_lines()) + "\n"

    def summary(self) -> str:
        return self.report.summary()

    def _repr_html_(self) -> str:
        return self.report._repr_html_()


def _depths(value: object, name: str, cap: int) -> tuple[int, ...]:
    items = [p.strip() for p in value.split(",")] if isinstance(value, str) else list(value)
    items = [p for p in items if p != ""]
    if not items:
        raise InputError(f"empty --{name}", hint=f"e.g. --{name} 2,5,10")
    return tuple(dict.fromkeys(validate_depth(p, cap=cap, name=name) for p in items))


def _backends(value: object) -> tuple[tuple[str, ...], bool]:
    """(backends, requested): a requested backend must be installed."""
    from symgrad.analysis.verify.backends import load_backend, parse_backends

    if value is None:
        return DEFAULT_BACKENDS, False
    names = name_list(value, what="--backends")
    if [n.lower() for n in names] == ["none"] or (not names and not isinstance(value, str)):
        return (), True
    backends = parse_backends(",".join(names))
    for be in backends:
        load_backend(be)  # a requested backend must be installed (one-line error)
    return backends, True


def _groups(value: object) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.lower() for n in name_list(value, what="--groups")))
    if not names:
        raise InputError("empty --groups", hint=f"choose from: {', '.join(GROUPS)}")
    for n in names:
        if n not in GROUPS:
            raise InputError(f"unknown group '{n}' in --groups",
                             hint=f"choose from: {', '.join(GROUPS)}")
    return names


def verify(*, backends=None, formats=FORMATS, depths=(2, 5, 10, 30), hessian_depths=(3, 6),
           activations=TEXT_ACTIVATIONS, seed: int = 0, groups=GROUPS,
           on_check: Callable | None = None, network=None):
    """Run the verification battery (see the module docstring).

    ``backends=None`` compares JAX and PyTorch where installed (a missing one is reported
    SKIPPED); naming backends requires them.  Gradient depths are at most 2000, Hessian
    depths at most 40; the weights are N(0, 1) draws seeded by ``seed``.

    ``network`` (a network file, a dict of its keys or a spec): instead of the chain
    battery, JAX and PyTorch build that network with their own layers and their F,
    gradient and Hessian are compared with certified values in ``formats``
    (:func:`symgrad.interfaces.api.network_verify.network_verify`, which returns a
    ``NetworkVerifyResult``); only ``backends``, ``formats`` and ``on_check`` apply.
    """
    if network is not None:
        from symgrad.interfaces.api.network_verify import network_verify

        return network_verify(network, backends=backends, formats=formats, on_check=on_check)
    chosen, _ = _backends(backends)
    fmts = parse_formats(formats)
    ds = _depths(depths, "depths", MAX_VERIFY_DEPTH)
    hds = _depths(hessian_depths, "hessian-depths", MAX_HESSIAN_DEPTH)
    acts = tuple(dict.fromkeys(get_activation(a).name
                               for a in name_list(activations, what="--activations")))
    if not acts:
        raise InputError("empty --activations", hint="e.g. --activations sigmoid,tanh")
    seed = whole(seed, what="--seed", lo=0, hi=10**18 - 1, example="--seed 0")
    gs = _groups(groups)
    report = run_battery(backends=chosen, formats=fmts, depths=ds, hessian_depths=hds,
                         activations=acts, seed=seed, groups=gs, on_check=on_check)
    settings = {"backends": list(chosen), "formats": list(fmts), "depths": list(ds),
                "hessian_depths": list(hds), "activations": list(acts), "seed": seed,
                "groups": list(gs), "weights": f"normal:0,1,seed={seed}"}
    return VerifyResult(report, settings)
