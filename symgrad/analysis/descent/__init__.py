"""Gradient descent on the chain: the certified true iteration beside each float format.

* :mod:`.objective` -- the chain's F in its weights, or a network's F in its parameters;
* :mod:`.true` -- p_{k+1} = p_k - t_k grad F(p_k) with balls, precision raised as needed;
* :mod:`.armijo` -- the sufficient-decrease condition (c = 1e-4, halving from eta);
* :mod:`.floats` -- the same run in float64/32/16, bfloat16 and mixed precision;
* :mod:`.summary` -- stalls, slow updates, distances and what each run stopped at;
* :mod:`.depths` -- slow updates against depth (steps to reduce F by a fraction).

>>> from symgrad.analysis.descent import ARMIJO_C
>>> ARMIJO_C
Fraction(1, 10000)
"""

from symgrad.analysis.descent.armijo import ARMIJO_C, MAX_HALVINGS, decrease_verdict
from symgrad.analysis.descent.depths import DepthRow, DepthSweep, RunSpeed, depth_sweep
from symgrad.analysis.descent.floats import (
    FLOAT_RUNS,
    LOSS_SCALES,
    FloatRun,
    float_descent,
    parse_float_runs,
    parse_loss_scale,
)
from symgrad.analysis.descent.objective import ChainObjective, NetworkObjective, Objective
from symgrad.analysis.descent.summary import (
    Descent,
    RunEnd,
    descent,
    distances,
    first_stall,
    target_step_float,
    target_step_true,
)
from symgrad.analysis.descent.true import MAX_DESCENT_BITS, TrueRun, true_descent

__all__ = [
    "ARMIJO_C",
    "FLOAT_RUNS",
    "LOSS_SCALES",
    "MAX_DESCENT_BITS",
    "MAX_HALVINGS",
    "ChainObjective",
    "DepthRow",
    "DepthSweep",
    "Descent",
    "FloatRun",
    "NetworkObjective",
    "Objective",
    "RunEnd",
    "RunSpeed",
    "TrueRun",
    "decrease_verdict",
    "depth_sweep",
    "descent",
    "distances",
    "first_stall",
    "float_descent",
    "parse_float_runs",
    "parse_loss_scale",
    "target_step_float",
    "target_step_true",
    "true_descent",
]
