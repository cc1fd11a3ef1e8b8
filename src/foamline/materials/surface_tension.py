"""Surface tension of the melt against its gas, and its fall with dissolved gas.

Neat melt, linear in temperature (Wu 1982):
    gamma_0(T) = gamma_20C - (-d gamma/dT) (T - 293.15 K)
Gas-laden melt, generalised Macleod relation used for PS-CO2 and PLA-CO2 by Park et al.:
    gamma = gamma_0(T) [(rho_mix - rho_gas) / rho_melt]^4
rho_melt is the neat melt density, rho_mix the swollen melt (see ``density.swollen_density``) and
rho_gas the density of the gas in equilibrium, the sum over fluids of CoolProp densities at their
partial pressures. materials.md section 5 gives about 0.54 gamma_0 for PS at 200 C under 10 MPa CO2.

References
----------
Wu, S. Polymer Interface and Adhesion. Marcel Dekker (1982).
Park, H., Park, C.B., Tzoganakis, C., Tan, K.H., Chen, P. Ind. Eng. Chem. Res. 45 (2006) 1650;
J. Phys. Chem. B (2007), doi:10.1021/jp065851t.
"""

from __future__ import annotations

from collections.abc import Mapping

from foamline.materials.density import melt_density, swollen_density
from foamline.materials.fluids import density as fluid_density
from foamline.materials.library import Polymer
from foamline.materials.solubility import partial_pressures


def neat_surface_tension(polymer: Polymer, T: float) -> float:
    """Surface tension of the neat melt, N/m, at T (K); never below zero."""
    return max(polymer["gamma_20C"] - polymer["dgamma_dT"] * (T - 293.15), 0.0)


def surface_tension(
    polymer: Polymer, T: float, dissolved: Mapping[str, float] | None = None
) -> float:
    """Surface tension, N/m, of the melt at T (K) holding ``dissolved`` (fluid -> kg/kg polymer).

    The gas phase is taken at equilibrium with the dissolved amounts, so the melt pressure is the
    saturation pressure.

    >>> from foamline.materials import polymer
    >>> ps = polymer("PS")
    >>> round(surface_tension(ps, 473.15, {"CO2": 0.045}) / neat_surface_tension(ps, 473.15), 2)
    0.58
    """
    gamma0 = neat_surface_tension(polymer, T)
    if not dissolved or not any(dissolved.values()):
        return gamma0
    pressures = partial_pressures(polymer, dissolved, T)
    p_total = sum(pressures.values())
    rho_gas = sum(fluid_density(name, T, p) for name, p in pressures.items() if p > 0)
    rho_melt = melt_density(polymer, T, p_total)
    rho_mix = swollen_density(polymer, T, p_total, dissolved)
    ratio = max(rho_mix - rho_gas, 0.0) / rho_melt
    return gamma0 * min(ratio, 1.0) ** 4
