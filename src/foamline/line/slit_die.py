"""The wide-slit die (claim 17): pressure profile along the land, exit velocity, the pressure-drop
rate that drives nucleation, and where the melt crosses its saturation pressure.

The land is a slit of width W, gap H and length L; the melt marches along it as in
:mod:`foamline.line.channel` with the shear-thinning, plasticised, pressure-dependent viscosity
(:mod:`foamline.line.flow`): -dP/dz = 2 tau_w / H. The die walls hold the die temperature with the
laminar parallel-plate Nusselt number for constant wall temperature, thermally developing
(Shah & London 1978): Nu = [7.541^3 + (1.233 / x*^(1/3))^3]^(1/3) on the hydraulic diameter 2H,
averaged over each step;
without a die temperature the land is adiabatic and the melt heats by its own dissipation. The
inlet pressure is what drives the flow out against the ambient pressure: it is found by shooting
(the drop depends on pressure through the viscosity).

A melt parcel at the mean velocity v = Q / (W H) sees dP/dt = v dP/dz; foam-models.md section 2.2
and Park, Baldwin & Suh, Polym. Eng. Sci. 35 (1995) 432 use this rate as the nucleation driver.
The flow into the slit from the manifold is not modelled: its pressure drop adds to that of the
land, so the computed die pressure is a lower bound. Dies other than a wide slit are treated as a
slit of the same width and gap (annular: width = circumference).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from foamline.line.channel import Channel, MarchResult, march
from foamline.line.flow import slit_gradient
from foamline.line.heat_exchanger import entry_nusselt
from foamline.line.melt import P_ATM, Melt
from foamline.line.state import MeltState
from foamline.recipe import DieSpec

NU_SLIT = 7.541
LEVEQUE_SLIT = 1.233
MAX_DIE_PRESSURE = 3000e5  # Pa: beyond any melt pump (ratings reach about 1000 bar)
SECANT_STEPS = 30  # secant steps of the inlet-pressure search before it bisects


@dataclass(frozen=True)
class DieResult:
    """The die's march plus the figures foaming needs."""

    march: MarchResult
    inlet_pressure: float
    exit_velocity: float
    exit_dPdt: float  # Pa/s, positive for a falling pressure
    max_dPdt: float
    wall_shear_rate: float
    onset_position: float | None  # m from the die inlet where P first falls below P_sat
    onset_time: float | None
    onset_pressure: float | None


def slit_channel(spec: DieSpec) -> Channel:
    return Channel(spec.land_length, spec.width * spec.gap, 2.0 * spec.width, 1, spec.temperature)


def _march_die(spec: DieSpec, melt: Melt, inlet: MeltState, steps: int, final: bool):
    channel = slit_channel(spec)
    hydraulic = 2.0 * spec.gap

    def gradient(state: MeltState, q: float) -> tuple[float, float]:
        return slit_gradient(q, spec.width, spec.gap, melt.viscosity_curve(state))

    def heat_transfer(state: MeltState, x0: float, x1: float, q: float) -> float:
        peclet = q / channel.area * hydraulic / melt.diffusivity_thermal(state)
        nu = entry_nusselt(NU_SLIT, LEVEQUE_SLIT, x0, x1, hydraulic, peclet)
        return nu * melt.conductivity / hydraulic

    return march(
        melt,
        inlet,
        channel,
        gradient,
        heat_transfer,
        steps=steps,
        with_saturation=final,
        separate=False,
        floor=-math.inf,
        max_drop=MAX_DIE_PRESSURE,
    )


def run_slit_die(
    spec: DieSpec, melt: Melt, inlet: MeltState, ambient: float = P_ATM, steps: int = 120
) -> DieResult:
    """The die with the inlet pressure that pushes the melt out to ``ambient`` pressure (Pa)."""

    def miss(p: float) -> tuple[float, str | None]:
        """Residual of the inlet pressure, and why the trial stopped early (if it did)."""
        trial = _march_die(spec, melt, inlet.evolve(P=p), steps, final=False)
        why = "frozen" if trial.frozen_at is not None else None
        why = "blocked" if trial.stalled_at is not None else why
        return ambient + trial.pressure_drop - p, why

    def bounded(p: float) -> float:
        return min(max(p, 2.0 * ambient), MAX_DIE_PRESSURE)

    p0 = bounded(inlet.P)
    f0, why = miss(p0)
    p_in = MAX_DIE_PRESSURE if why == "blocked" else bounded(p0 + f0)
    tried = [(p0, f0)]
    while why is None and abs(f0) > 1e-7 * p_in:  # secant on p - (ambient + drop(p)) = 0
        f1, why = miss(p_in)
        if why == "blocked":
            p_in = MAX_DIE_PRESSURE
        if why is not None or abs(f1) <= 1e-7 * p_in or f1 == f0:
            break
        tried.append((p_in, f1))
        if len(tried) > SECANT_STEPS:
            # the drop jumps where free water flashes across a march step: bisect instead
            p_in = _bisect(miss, tried, 1e-7 * p_in)
            break
        p0, f0, p_in = p_in, f1, bounded(p_in - f1 * (p_in - p0) / (f1 - f0))
    result = _march_die(spec, melt, inlet.evolve(P=p_in), steps, final=True)
    prof = result.profile
    dz = np.diff(prof.z)
    velocity = dz / np.maximum(np.diff(prof.t), 1e-300)
    rate = -np.diff(prof.P) / dz * velocity
    if rate.size == 0:  # blocked in the first step (run_line says why)
        velocity = rate = np.zeros(1)
    onset = _onset(prof.z, prof.t, prof.P, prof.P_sat)
    return DieResult(
        march=result,
        inlet_pressure=p_in,
        exit_velocity=float(velocity[-1]),
        exit_dPdt=float(rate[-1]),
        max_dPdt=float(rate.max()),
        wall_shear_rate=result.max_wall_shear_rate,
        onset_position=onset[0],
        onset_time=onset[1],
        onset_pressure=onset[2],
    )


def _bisect(miss, tried: list[tuple[float, float]], tol: float) -> float:
    """Inlet pressure (Pa) by bisection between the tried pressures whose residuals are the
    nearest to zero on either side, to ``tol`` (Pa) in pressure or residual; without such a
    bracket, the tried pressure of the smallest residual."""
    positive = [pf for pf in tried if pf[1] > 0.0]
    negative = [pf for pf in tried if pf[1] < 0.0]
    if not positive or not negative:
        return min(tried, key=lambda pf: abs(pf[1]))[0]
    a, b = min(positive, key=lambda pf: pf[1]), max(negative, key=lambda pf: pf[1])
    while abs(a[0] - b[0]) > tol:
        p = 0.5 * (a[0] + b[0])
        f, why = miss(p)
        if why is not None or abs(f) <= tol:
            return p
        a, b = ((p, f), b) if f > 0.0 else (a, (p, f))
    return min(a, b, key=lambda pf: abs(pf[1]))[0]


def _onset(z, t, P, P_sat) -> tuple[float | None, float | None, float | None]:
    """First point where P falls to P_sat, by linear interpolation of P - P_sat."""
    excess = P - P_sat
    if excess[0] <= 0.0:
        return 0.0, 0.0, float(P[0])
    below = np.nonzero(excess <= 0.0)[0]
    if below.size == 0:
        return None, None, None
    i = below[0]
    f = excess[i - 1] / (excess[i - 1] - excess[i])
    lerp = lambda a: float(a[i - 1] + f * (a[i] - a[i - 1]))  # noqa: E731
    return lerp(z), lerp(t), lerp(P)
