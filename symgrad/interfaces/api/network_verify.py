"""``symgrad.verify(network=...)``: JAX and PyTorch build a network with their own layers,
and their F, gradient and Hessian are compared with certified values in every format
(``symgrad verify --network FILE``).

For each framework and format: the weights and data are rounded to the format
(:mod:`symgrad.numeric.network_frameworks`), the framework computes F and the gradient
(``torch.autograd`` / ``jax.value_and_grad``) and the Hessian (``torch.func.hessian`` /
``jax.hessian``), and every entry is compared with the certified value at the rounded point
under the per-entry tolerance of :mod:`symgrad.analysis.verify.network_checks` (Higham's
standard model with gamma_n for each fan-in and each sum over the data).  One row per
(framework, format, gradient|hessian) with the verdicts of :mod:`symgrad.base.verdicts`;
a default framework that is not installed is SKIPPED (with its install command), a
requested one is a one-line error.  The Hessian is checked up to
:data:`~symgrad.analysis.verify.network_checks.MAX_HESSIAN_WORK` (parameters^2 x points).

>>> r = network_verify({"layers": [1, 1], "activation": "tanh", "loss": "none",
...     "bias": False, "data": {"x": [["1"]]}, "weights": {"W1": [["1"]]}},
...     backends="torch", formats="float64")                       # doctest: +SKIP
>>> [row.verdict.word for row in r.rows]                           # doctest: +SKIP
['PASS', 'PASS']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from symgrad.analysis.verify.backends import install_command, parse_backends
from symgrad.analysis.verify.network_checks import (
    C_FUNC,
    MAX_HESSIAN_WORK,
    SAFETY,
    RowCheck,
    certified_gradient,
    certified_hessian,
    compare_row,
    entry_tolerances,
)
from symgrad.base.errors import InputError, MissingExtraError, SymgradError
from symgrad.base.optional import require
from symgrad.base.verdicts import count_verdicts, verify_exit_code, verify_summary
from symgrad.interfaces.api._values import input_errors
from symgrad.interfaces.api.network_reference import describe, load_spec, network_json
from symgrad.interfaces.api.point import name_list
from symgrad.interfaces.api.result import Result
from symgrad.numeric.formats import FORMATS, parse_formats
from symgrad.numeric.network_file import NetworkSpec
from symgrad.numeric.network_frameworks import FRAMEWORKS, flat_names, rounded_spec, run_network

__all__ = ["TOLERANCE_MODEL", "NetworkVerifyResult", "format_row", "network_verify"]

TOLERANCE_MODEL = ("per entry: SAFETY * u * E, E the first-order error coefficient of "
                   "Higham's standard model carried through the network (gamma_k sum|x_i| "
                   "for every sum of k terms in any order: fan-in and data set), "
                   f"elementary functions within {C_FUNC:g} u, SAFETY = {SAFETY:g}")


def format_row(row: RowCheck) -> str:
    """One text line: ``PASS           torch float64 gradient: 10 agree; ...``."""
    return f"{row.verdict.word:<14} {row.backend} {row.format} {row.quantity}: {row.summary()}"


@dataclass(frozen=True, repr=False)
class NetworkVerifyResult(Result):
    """The rows of a network's framework cross-check and the settings they ran with."""

    SCHEMA = "symgrad.network-verify/1"
    FORMATS = ("text", "json")

    spec: NetworkSpec
    rows: tuple[RowCheck, ...]
    settings: dict

    @property
    def verdicts(self) -> list[str]:
        return [r.verdict.word for r in self.rows]

    @property
    def exit_code(self) -> int:
        """0 when nothing failed, was undecided or skipped and something passed; else 1."""
        return verify_exit_code(self.verdicts)

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def json_body(self) -> dict:
        counts = {v.word: n for v, n in count_verdicts(self.verdicts).items()}
        return {"network": network_json(self.spec), "settings": self.settings,
                "tolerance_model": TOLERANCE_MODEL, "counts": counts, "passed": self.passed,
                "rows": [r.to_json() for r in self.rows]}

    def check_lines(self) -> list[str]:
        return [format_row(r) for r in self.rows]

    def closing_lines(self) -> list[str]:
        return [f"note: tolerance model: {TOLERANCE_MODEL}", self.summary()]

    def to_text(self) -> str:
        head = f"{describe(self.spec)}; frameworks against certified values"
        return "\n".join([head, *self.check_lines(), *self.closing_lines()]) + "\n"

    def summary(self) -> str:
        return verify_summary(self.verdicts)


def _backends(value: object) -> tuple[list[str], list[str]]:
    """(to run, skipped): default = every framework, a missing one skipped; named ones
    must be installed."""
    if value is None:
        chosen, requested = FRAMEWORKS, False
    else:
        names = name_list(value, what="--backends")
        if not names:
            raise InputError("empty --backends", hint="e.g. --backends jax,torch")
        chosen, requested = parse_backends(",".join(names)), True
    run, skipped = [], []
    for be in chosen:
        try:
            require(be, be)
            run.append(be)
        except MissingExtraError:
            if requested:
                raise
            skipped.append(be)
    return run, skipped


def _hessian_rows(spec: NetworkSpec) -> int:
    q = spec.network.n_parameters
    return q * q * len(spec.data)


def _truth(used: NetworkSpec, fmt: str, hessian: bool) -> dict:
    names, balls = certified_gradient(used)
    tols = entry_tolerances(used, fmt, hessian=hessian)
    truth = {"names": names, "balls": balls, "tols": [tols["F"], *tols["gradient"]],
             "H": None, "H_tols": tols["hessian"], "why": ""}
    if hessian:
        try:
            truth["H"] = certified_hessian(used)
        except SymgradError as exc:  # a pre-activation exactly at a kink
            truth["why"] = f"no certified Hessian at these weights: {exc}"
    return truth


def _rows_for(backend: str, fmt: str, spec: NetworkSpec, truth: dict,
              hessian: bool) -> list[RowCheck]:
    run = run_network(backend, spec, fmt, hessian=hessian)
    rows = [compare_row(backend, fmt, "gradient", truth["names"], [run.value, *run.grad],
                        truth["balls"], truth["tols"])]
    if not hessian:
        rows.append(RowCheck(backend, fmt, "hessian", missing=(
            f"not checked: {spec.network.n_parameters} parameters x {len(spec.data)} points "
            f"is above the Hessian budget {MAX_HESSIAN_WORK:,}")))
    elif truth["H"] is None:
        rows.append(RowCheck(backend, fmt, "hessian", missing=truth["why"]))
    else:
        flat = flat_names(spec)
        names = [f"d2F/d{a} d{b}" for a in flat for b in flat]
        rows.append(compare_row(backend, fmt, "hessian", names, list(run.hessian.ravel()),
                                [b for row in truth["H"] for b in row],
                                [t for row in truth["H_tols"] for t in row]))
    return rows


def network_verify(network: object, *, backends=None, formats=FORMATS,
                   on_check: Callable | None = None) -> NetworkVerifyResult:
    """Compare JAX's and PyTorch's F, gradient and Hessian of ``network`` (a file path, a
    dict of the file's keys or a spec) with certified values in each of ``formats``."""
    with input_errors():
        spec = load_spec(network)
        fmts = parse_formats(formats)
        run, skipped = _backends(backends)
    hessian = _hessian_rows(spec) <= MAX_HESSIAN_WORK
    rows: list[RowCheck] = []

    def add(row: RowCheck) -> None:
        rows.append(row)
        if on_check is not None:
            on_check(row)

    for be in skipped:
        add(RowCheck(be, "all", "gradient+hessian",
                     skipped=f"{be} is not installed ({install_command(be)})"))
    for fmt in fmts:
        used = rounded_spec(spec, fmt)
        truth = _truth(used, fmt, hessian)
        for be in run:
            for row in _rows_for(be, fmt, spec, truth, hessian):
                add(row)
    settings = {"backends": list(run), "skipped": list(skipped), "formats": list(fmts),
                "hessian": hessian}
    return NetworkVerifyResult(spec, tuple(rows), settings)
