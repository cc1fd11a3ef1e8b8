"""March a melt along a heated or cooled flow channel (tube bundle or slit).

Over each step dz the local state fixes the volume flow Q, the pressure gradient G = -dP/dz and
the heat-transfer coefficient h. The bulk temperature obeys the energy balance of a channel with
wall temperature T_w, wetted perimeter p and viscous dissipation Q G per unit length:

    m cp dT/dz = h p (T_w - T) + Q G,

integrated exactly over the step with frozen coefficients:
T(z + dz) = T_eq + (T - T_eq) exp(-h p dz / (m cp)), T_eq = T_w + Q G / (h p); with h = 0 (an
adiabatic channel) the melt heats by dT = G dz / (rho cp). Pressure falls by G dz, time advances by
dz / v with the mean velocity v = Q / A, the striation thickness shrinks inside mixer elements,
and the fluids dissolve as in :mod:`foamline.line.melt`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from foamline.errors import InfeasibleProcess
from foamline.line.melt import P_ATM, Melt
from foamline.line.state import MeltState, Profile


@dataclass(frozen=True)
class Channel:
    """Geometry and wall of one flow path; ``channels`` identical paths share the flow."""

    length: float
    area: float
    perimeter: float
    channels: int = 1
    wall_temperature: float | None = None  # None: adiabatic


@dataclass(frozen=True)
class MixerSection:
    """Static-mixer elements filling the channel from its inlet up to ``length`` (m)."""

    length: float
    element_length: float
    z_factor: float
    heat_transfer_enhancement: float
    striation_reduction: float


Gradient = Callable[[MeltState, float], tuple[float, float]]
"""(state, per-channel volume flow) -> (-dP/dz in Pa/m, wall shear rate in 1/s)."""
HeatTransfer = Callable[[MeltState, float, float, float], float]
"""(state, step start, step end (m from the inlet), per-channel volume flow) -> the mean h over
the step in W/(m2 K)."""


@dataclass(frozen=True)
class MarchResult:
    outlet: MeltState
    profile: Profile
    max_wall_shear_rate: float
    frozen_at: float | None  # position (m from inlet) where the melt froze off, if it did
    stalled_at: float | None  # position where the pressure ran out (fell to ambient), if it did
    length: float
    stall_gradient: float | None = None  # -dP/dz where it stalled, Pa/m

    @property
    def pressure_drop(self) -> float:
        """Inlet-to-outlet pressure drop, Pa; if the march stalled, extrapolated to the full
        length from the part marched, or with the gradient at the inlet where it stalled in
        its first step (lower bounds, since the melt cools further)."""
        z, P = self.profile.z, self.profile.P
        if self.stalled_at is None:
            return float(P[0] - P[-1])
        if z[-1] <= 0.0:
            return float(self.stall_gradient) * self.length
        return float(P[0] - P[-1]) * self.length / float(z[-1])


def march(
    melt: Melt,
    inlet: MeltState,
    channel: Channel,
    gradient: Gradient,
    heat_transfer: HeatTransfer,
    *,
    mixer: MixerSection | None = None,
    steps: int = 120,
    with_saturation: bool = True,
    separate: bool = True,
    floor: float = P_ATM,
    max_drop: float = math.inf,
) -> MarchResult:
    """Integrate the melt state from the channel inlet to its outlet in ``steps`` equal steps.

    ``separate`` as in :meth:`Melt.dissolve`; ``with_saturation`` False skips the saturation
    pressure in the profile (NaN), for the trial marches of a pressure search. The march stalls
    where the pressure would fall below ``floor`` (Pa), or where the pressure drop from the inlet
    would exceed ``max_drop`` (Pa); a pressure search that must be smooth in the inlet pressure
    passes ``floor = -inf``.
    """
    dz = channel.length / steps
    state = inlet
    rows: list[tuple[float, ...]] = []
    dissolved: dict[str, list[float]] = {n: [] for n in inlet.fluids}
    undissolved: dict[str, list[float]] = {n: [] for n in inlet.fluids}
    max_shear, frozen_at, stalled_at, stall_gradient = 0.0, None, None, None

    def record(z: float, s: MeltState) -> None:
        p_sat = saturation_or_inf(melt, s) if with_saturation else math.nan
        rows.append((z, s.time - inlet.time, s.T, s.P, p_sat, melt.freeze_temperature(s)))
        for n in dissolved:
            dissolved[n].append(s.dissolved.get(n, 0.0))
            undissolved[n].append(s.undissolved.get(n, 0.0))

    record(0.0, state)

    def gradient_at(s: MeltState, q: float, mixed: float) -> tuple[float, float]:
        g, shear = gradient(s, q)
        return g * (1.0 + mixed * (mixer.z_factor - 1.0)) if mixer else g, shear

    for i in range(steps):
        z = i * dz
        q = melt.volume_flow(state) / channel.channels
        # share of this step inside the mixer elements (they fill the channel from its inlet)
        mixed = 0.0 if mixer is None else min(1.0, max(0.0, (mixer.length - z) / dz))
        g, shear = gradient_at(state, q, mixed)
        if not math.isfinite(g):
            frozen_at = z
            break
        if inlet.P - (state.P - g * dz) > max_drop:
            stalled_at, stall_gradient = z, g
            break
        m_cp = melt.mass_flow(state) / channel.channels * melt.cp
        h = 0.0
        if channel.wall_temperature is not None:
            h = heat_transfer(state, z, z + dz, q)
            if mixer is not None:
                h *= 1.0 + mixed * (mixer.heat_transfer_enhancement - 1.0)

        def advance(g: float, T0=state.T, h=h, q=q, m_cp=m_cp) -> float:  # noqa: B008
            if channel.wall_temperature is None:
                return T0 + q * g * dz / m_cp
            hp = h * channel.perimeter
            T_eq = channel.wall_temperature + q * g / hp  # q g: dissipation, W/m
            return T_eq + (T0 - T_eq) * math.exp(-hp * dz / m_cp)

        # Heun: gradient at the predicted end of the step, then the average of both ends
        predicted = state.evolve(T=advance(g), P=state.P - g * dz)
        g_end, shear_end = gradient_at(predicted, q, mixed)
        if math.isfinite(g_end):
            g = 0.5 * (g + g_end)
        max_shear = max(max_shear, shear, shear_end)
        T_next = advance(g)
        if state.P - g * dz < floor or inlet.P - (state.P - g * dz) > max_drop:
            stalled_at, stall_gradient = z, g
            break
        dt = dz * channel.area / q
        s_next = state.striation
        if mixed > 0.0 and math.isfinite(s_next):
            s_next *= mixer.striation_reduction ** (-mixed * dz / mixer.element_length)
        mid = state.evolve(striation=math.sqrt(state.striation * s_next))
        rates = melt.dissolution_rates(mid)
        state = state.evolve(
            T=T_next,
            P=state.P - g * dz,
            striation=s_next,
            time=state.time + dt,
            position=state.position + dz,
        )
        state = melt.dissolve(state, {n: r * dt for n, r in rates.items()}, separate)
        record(z + dz, state)
        if state.T < melt.freeze_temperature(state) and frozen_at is None:
            frozen_at = z + dz
    arr = np.array(rows)
    profile = Profile(
        z=arr[:, 0],
        t=arr[:, 1],
        T=arr[:, 2],
        P=arr[:, 3],
        P_sat=arr[:, 4],
        Tg=arr[:, 5],
        dissolved={n: np.array(v) for n, v in dissolved.items()},
        undissolved={n: np.array(v) for n, v in undissolved.items()},
    )
    return MarchResult(
        state, profile, max_shear, frozen_at, stalled_at, channel.length, stall_gradient
    )


def saturation_or_inf(melt: Melt, state: MeltState) -> float:
    """Saturation pressure, Pa, or inf where no pressure keeps the loading dissolved."""
    try:
        return melt.saturation_pressure(state)
    except InfeasibleProcess:
        return math.inf
