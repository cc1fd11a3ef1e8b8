"""Properties of the gas-laden melt at a :class:`MeltState`, and how the fluids dissolve.

One object per line run holds the polymer, the plasticisation model and small caches, so that
the units ask for "viscosity here" or "saturation pressure here" without repeating arguments.

Dissolution model (stated once, used by every unit). Injected fluid forms layers of thickness s
(the striation thickness) in the melt. Diffusion levels a lamellar structure with its slowest
Fourier mode, so the part still undissolved decays as d(u)/dt = -(pi^2 D / s^2) u, with D the
fluid's diffusivity in the melt at the local temperature (Crank, *The Mathematics of Diffusion*,
2nd ed. 1975, section 4.3). Mixing thins the layers: simple shear of total strain gamma gives
s = s0 / (1 + gamma / 2) (Erwin, Polym. Eng. Sci. 18 (1978) 1044; Tadmor & Gogos 2006, ch. 7);
each static-mixer element divides s by its striation-reduction factor. The melt can hold at most
its equilibrium share: with the mixture saturation pressure P_sat of the whole loading, each fluid
is dissolved at most up to (P / P_sat) of its loading (proportional split, ideal mixing); above
that, the excess separates at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from foamline.errors import InfeasibleProcess
from foamline.line.state import MeltState
from foamline.materials import (
    diffusivity,
    fluid_density,
    glass_transition,
    saturation_pressure,
    swollen_density,
    viscosity,
)
from foamline.materials.library import Polymer

P_ATM = 101_325.0


class Melt:
    """The polymer of a recipe with its fluids: property functions of a :class:`MeltState`."""

    def __init__(self, polymer: Polymer, plasticisation: str = "exponential") -> None:
        self.polymer = polymer
        self.plasticisation = plasticisation

    # -- thermal --------------------------------------------------------------------------
    @property
    def cp(self) -> float:
        """Specific heat of the melt, J/(kg K)."""
        return self.polymer["cp_melt"]

    @property
    def conductivity(self) -> float:
        """Thermal conductivity of the melt, W/(m K)."""
        return self.polymer["k_melt"]

    def diffusivity_thermal(self, state: MeltState) -> float:
        """Thermal diffusivity k / (rho cp), m2/s."""
        return self.conductivity / (self.density(state) * self.cp)

    # -- volumetric -----------------------------------------------------------------------
    def density(self, state: MeltState) -> float:
        """Density of the melt with its dissolved fluids, kg/m3."""
        return swollen_density(self.polymer, state.T, state.P, state.dissolved)

    def mass_flow(self, state: MeltState) -> float:
        """Total mass flow, polymer plus all fluid, kg/s."""
        return state.polymer_flow * (
            1.0 + sum(state.dissolved.values()) + sum(state.undissolved.values())
        )

    def volume_flow(self, state: MeltState) -> float:
        """Volume flow of melt plus any undissolved fluid at the local T and P, m3/s."""
        melt = state.polymer_flow * (1.0 + sum(state.dissolved.values())) / self.density(state)
        free = sum(
            state.polymer_flow * w / fluid_density(name, state.T, max(state.P, P_ATM))
            for name, w in state.undissolved.items()
            if w > 0.0
        )
        return melt + free

    # -- rheology -------------------------------------------------------------------------
    def viscosity_curve(self, state: MeltState):
        """eta(gamma_dot), Pa s, of the plasticised melt at the state's T, P and dissolved gas."""
        polymer, T, P, dissolved = self.polymer, state.T, state.P, dict(state.dissolved)
        model = self.plasticisation
        return lambda rate: viscosity(polymer, T, rate, P, dissolved, model)

    # -- phase behaviour ------------------------------------------------------------------
    def totals(self, state: MeltState) -> dict[str, float]:
        return {name: state.total(name) for name in state.fluids}

    def saturation_pressure(self, state: MeltState) -> float:
        """Saturation pressure of the whole loading (dissolved + undissolved), Pa."""
        totals = self.totals(state)
        return saturation_pressure(self.polymer, totals, state.T) if totals else 0.0

    def glass_transition(self, state: MeltState) -> float:
        """Tg of the melt with its dissolved fluids (Chow), K."""
        return glass_transition(self.polymer, state.dissolved)

    def freeze_temperature(self, state: MeltState) -> float:
        """Temperature below which the melt freezes off, K: Tg of the laden melt (Chow), or the
        crystallisation temperature of a semicrystalline polymer where that is higher."""
        tg = self.glass_transition(state)
        if self.polymer.semicrystalline:
            return max(tg, self.polymer.get("T_crystallisation", tg))
        return tg

    def dissolve(
        self, state: MeltState, rate_integral: Mapping[str, float], separate: bool = True
    ) -> MeltState:
        """Advance dissolution: each fluid's deficit to equilibrium shrinks by exp(-I_i).

        ``rate_integral[fluid]`` = integral of pi^2 D / s^2 dt over the step (dimensionless).
        Where the pressure is below the saturation pressure, dissolved fluid above the
        equilibrium share separates at once, unless ``separate`` is False: in the die the melt
        stays supersaturated until cells nucleate, which is the foaming model's business.
        """
        totals = self.totals(state)
        try:
            p_sat = self.saturation_pressure(state)
        except InfeasibleProcess:
            p_sat = math.inf
        share = 1.0 if p_sat <= state.P else state.P / p_sat
        dissolved, undissolved = {}, {}
        for name, total in totals.items():
            eq = share * total
            now = state.dissolved.get(name, 0.0)
            if now < eq:
                now = eq - (eq - now) * math.exp(-rate_integral.get(name, 0.0))
            elif separate:
                now = eq
            dissolved[name] = now
            undissolved[name] = total - now
        return state.evolve(dissolved=dissolved, undissolved=undissolved)

    def dissolution_rates(self, state: MeltState) -> dict[str, float]:
        """pi^2 D_i / s^2 for each fluid at the state's T and striation thickness, 1/s."""
        s = state.striation
        if not math.isfinite(s) or s <= 0.0:
            return {name: 0.0 for name in state.fluids}
        return {
            name: math.pi**2 * diffusivity(self.polymer, name, state.T) / s**2
            for name in state.fluids
        }
