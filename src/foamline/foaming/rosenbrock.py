"""Many independent stiff systems integrated at once, each with its own time and step.

The cohorts of a foam do not interact: each is a system of ODEs, a few in fast fidelity
(:class:`~foamline.foaming.cell.FastCells`), a few hundred in full fidelity
(:class:`~foamline.foaming.cell.FullCells`), under the same T(t), P(t). They are advanced here
as rows of one array, every row with its own time t_k and step h_k, so a cohort born late
starts at its birth with steps of its own (no restart of the others) and a cohort that needs
small steps does not slow the rest. One right-hand-side call serves all rows at their own
times, so a step of all the cohorts costs a few vectorised calls, not one per cohort.

The formula is RODAS3 (Sandu et al. 1997): four stages, order 3 with an embedded order-2
estimate, L-stable and stiffly accurate, three new evaluations of f per step. With
M = I / (gamma h) - J, gamma = 1/2, J = df/dy and T = df/dt at (t, y), f0 = f(t, y)::

    k1 = M^-1 (f0 + gamma h T)
    k2 = M^-1 (f0 + 4 k1 / h + 3 gamma h T)
    f3 = f(t + h, y + 2 k1)
    k3 = M^-1 (f3 + (k1 - k2) / h)
    f4 = f(t + h, y + 2 k1 + k3)
    k4 = M^-1 (f4 + (k1 - k2 - 8 k3 / 3) / h)
    y1 = y + 2 k1 + k3 + k4,      error = k4

A row's step is accepted where the RMS of error / (atol + rtol max(|y|, |y1|)) is <= 1; its
next step is h 0.9 err^(-1/3), between h / 5 and 6 h, and after two accepted steps in a row no
larger than that of Gustafsson's predictive controller (:func:`next_step`); a row's first step
is Hairer, Norsett & Wanner's estimate (:func:`first_step`). For small systems J (one dense
block per row) and T come from forward differences (relative increment sqrt(machine epsilon))
and M is inverted per row: f(t + h, y1), which starts the next step, is evaluated in one
stacked call with y1's columns and the time perturbed in turn, so the next step's J and T cost
no call of their own. A large system brings its own linear algebra (``linearize``). There is
no interpolant between the ends of a step: one made with f at the ends is wrong on a stiff
problem, where f(y1) carries the fast modes (a bubble in a melt of 1 mPa s: d ln R/dt = 1198
1/s against 1.7 1/s of the step), so the driver ends steps at the report times.

References: Sandu, A., Verwer, J.G., Blom, J.G., Spee, E.J., Carmichael, G.R., Potra, F.A.
Benchmarking stiff ODE solvers for atmospheric chemistry problems II: Rosenbrock solvers.
Atmos. Environ. 31 (1997) 3459-3472 (RODAS3); Hairer, E., Wanner, G. Solving Ordinary
Differential Equations II, 2nd ed., Springer 1996, IV.7 (Rosenbrock methods, their step
control) and IV.8; Gustafsson, K. Control-theoretic techniques for stepsize selection in
implicit Runge-Kutta methods. ACM Trans. Math. Softw. 20 (1994) 496-517; Hairer, E., Norsett,
S.P., Wanner, G. Solving Ordinary Differential Equations I, 2nd ed., Springer 1993, II.4
(starting step size).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

SQRT_EPS = math.sqrt(np.finfo(float).eps)
#: per width: which block perturbs which column, (width + 2, 1, width), and the time, (width + 2, 1)
_PERTURBATIONS: dict[int, tuple[np.ndarray, np.ndarray]] = {}
SAFETY, GROW_MAX, SHRINK_MIN = 0.9, 6.0, 0.2
GAMMA = 0.5

#: f(t, y, rows) -> dy/dt: times (n,), states (n, width) and the row index (n,) of each state.
RowFunction = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
#: (t, y, rows, f(t, y), h) -> (b -> M^-1 b, df/dt): the linear algebra of one step of a large
#: system.
Linearization = Callable[..., tuple[Callable[[np.ndarray], np.ndarray], np.ndarray]]


def perturbed(t, y, h):
    """The times and states of forward differences, stacked as (width + 2, n) and
    (width + 2, n, width): the point (t, y) itself, y (n, width) with each column perturbed in
    turn, then the time; with the increments dy (n, width) and dt (n,). dy is
    sqrt(eps) max(|y|, 1); dt is sqrt(eps) max(|t|, h), so that h dF/dt, the term of the
    formula, is accurate to ~sqrt(eps) |F| even at t = 0."""
    width = y.shape[1]
    dy = SQRT_EPS * np.maximum(np.abs(y), 1.0)
    dt = SQRT_EPS * np.maximum(np.abs(t), h)
    if width not in _PERTURBATIONS:
        _PERTURBATIONS[width] = np.eye(width + 2, width, -1)[:, None, :], np.eye(width + 2)[-1:].T
    columns, time = _PERTURBATIONS[width]
    return t + time * dt, y + columns * dy, dy, dt


def jacobian(fun: RowFunction, t, y, rows, h):
    """f at (t, y) with its blocks dF/dy (n, width, width) and dF/dt (n, width) by forward
    differences (:func:`perturbed`) for steps h: the point, all columns and the time in one
    call of ``fun``."""
    n, width = y.shape
    ts, ys, dy, dt = perturbed(t, y, h)
    Fs = fun(ts.ravel(), ys.reshape(-1, width), np.concatenate([rows] * (width + 2))).reshape(
        width + 2, n, width
    )
    F = Fs[0]
    J = ((Fs[1 : width + 1] - F) / dy.T[:, :, None]).transpose(1, 2, 0)  # [row, eq., variable]
    return F, J, (Fs[width + 1] - F) / dt[:, None]


def step(
    fun: RowFunction,
    t,
    y,
    f0,
    h,
    rows,
    rtol: float,
    atol: np.ndarray,
    blocks: tuple[np.ndarray, np.ndarray] | None = None,
    linearize: Linearization | None = None,
    sizes: np.ndarray | None = None,
):
    """One step of every row: the new states, f there, the error norms (inf where a trial
    state was not finite) and, for a small system, the Jacobian blocks there.

    A small system gives ``blocks``, its Jacobian blocks (J, dF/dt) at (t, y) (:func:`jacobian`):
    M is inverted row by row, and f at the new states comes with their blocks, for the next
    step, from one stacked call (a rejected row keeps the blocks it had). A large system gives
    ``linearize`` instead, its own linear algebra (M^-1 and df/dt), and gets None for blocks.
    ``sizes`` is the number of real components of each row, whose RMS is the error norm (the
    others, padding, must stay 0; default all)."""
    if linearize is None:
        J, T = blocks
        M_inv = np.linalg.inv(np.eye(y.shape[1]) / (GAMMA * h)[:, None, None] - J)

        def solve(b: np.ndarray) -> np.ndarray:
            return np.einsum("nij,nj->ni", M_inv, b)
    else:
        solve, T = linearize(t, y, rows, f0, h)
    hc = h[:, None]
    k1 = solve(f0 + GAMMA * hc * T)
    k2 = solve(f0 + 4.0 * k1 / hc + 3.0 * GAMMA * hc * T)
    t1 = t + h
    y3 = y + 2.0 * k1
    k3 = solve(fun(t1, y3, rows) + (k1 - k2) / hc)
    y4 = y3 + k3
    k4 = solve(fun(t1, y4, rows) + (k1 - k2 - 8.0 / 3.0 * k3) / hc)
    y1 = y4 + k4
    if linearize is None:
        f1, J1, T1 = jacobian(fun, t1, y1, rows, h)
        blocks1 = J1, T1
    else:
        f1, blocks1 = fun(t1, y1, rows), None
    scale = atol + rtol * np.maximum(np.abs(y), np.abs(y1))
    err = rms(k4 / scale, sizes)
    finite = np.isfinite(y1).all(axis=1) & np.isfinite(f1).all(axis=1)
    return y1, f1, np.where(finite & np.isfinite(err), err, math.inf), blocks1


def rms(x: np.ndarray, sizes: np.ndarray | None = None) -> np.ndarray:
    """Root mean square of each row of x over its ``sizes`` real components (default all; the
    others must be 0)."""
    if sizes is None:
        return np.sqrt(np.mean(x * x, axis=1))
    return np.sqrt(np.sum(x * x, axis=1) / sizes)


def next_step(
    h: np.ndarray, err: np.ndarray, h_acc: np.ndarray | None = None, err_acc=None
) -> np.ndarray:
    """The step after one of size h with error norm err: h 0.9 err^(-1/3), in [h / 5, 6 h].

    After an accepted step (err <= 1) that followed an accepted one, of size ``h_acc`` and error
    norm ``err_acc`` (NaN where there was none), it is no larger than the step of Gustafsson's
    predictive controller, 0.9 h (h / h_acc) (err_acc / err^2)^(1/3) (in the same bounds): where
    the error grows from step to step, as it does while a pressure drop speeds up, it steers
    below the limit instead of stepping over it and being rejected every other step
    (Gustafsson 1994; Hairer & Wanner II, IV.8)."""
    err = np.maximum(err, 1e-30)
    factor = SAFETY * err ** (-1.0 / 3.0)
    if h_acc is not None:  # the predictive step is factor (h / h_acc) (err_acc / err)^(1/3)
        slower = (h / h_acc) * (err_acc / err) ** (1.0 / 3.0)  # NaN without an h_acc
        factor = np.where((err <= 1.0) & (slower < 1.0), factor * slower, factor)
    return h * np.minimum(np.maximum(factor, SHRINK_MIN), GROW_MAX)


def first_step(fun: RowFunction, t, y, F0, rows, rtol: float, atol: np.ndarray, span, sizes=None):
    """A first step per row (Hairer, Norsett & Wanner, Solving ODEs I, II.4): h0, 1 % of the
    time over which the state changes by its own size; then, from f after an Euler step of h0,
    the step whose error h^3 max(|f|, |f'|) would be 1 % of the tolerance, at most 100 h0 and
    1 % of ``span``."""
    scale = atol + rtol * np.abs(y)
    d0 = rms(y / scale, sizes)
    d1 = rms(F0 / scale, sizes)
    with np.errstate(divide="ignore", invalid="ignore"):
        h0 = np.where((d0 > 1e-5) & (d1 > 1e-5), 0.01 * d0 / d1, 1e-6 * span)
        h0 = np.minimum(h0, 0.01 * span)
        d2 = rms((fun(t + h0, y + h0[:, None] * F0, rows) - F0) / scale, sizes) / h0
        most = np.maximum(d1, d2)
        h1 = np.where(
            most > 1e-15, (0.01 / most) ** (1.0 / 3.0), np.maximum(1e-6 * span, 1e-3 * h0)
        )
    h = np.minimum(np.minimum(100.0 * h0, h1), 0.01 * span)
    return np.where(np.isfinite(h) & (h > 0.0), h, h0)
