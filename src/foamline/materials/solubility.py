"""Solubility of the blowing fluids in the melt and the saturation pressure of a loaded melt.

Henry's law per fluid, w_i = H_i(T) p_i, with w_i in kg fluid per kg polymer and p_i the fluid's
partial pressure (Pa). Solubility is linear in pressure up to about 15-20 MPa in melts (Sato et al.
1996, 1999; Hasan et al. 2010). Two temperature laws:

- ``model = "henry"`` (gases): van 't Hoff, H(T) = H_ref exp[-(dH_sol / R)(1/T - 1/T_ref)].
  With an exothermic heat of solution (dH_sol < 0, CO2: about -10 kJ/mol) solubility falls with
  temperature as measured (Sato 1996); N2 (dH_sol > 0) rises with T, as measured too.
  (materials.md section 6b prints the exponent with the opposite sign; the sign here is the one
  that reproduces its own SL numbers: PS 0.67 wt%/MPa at 150 C and 0.49 at 200 C.)
- ``model = "activity"`` (condensable fluids, water and ethanol): the uptake follows the fluid's
  activity a = p / p_vap(T): w = w_sat,RT f a, so H(T) = w_sat,RT f / p_vap(T). The activity cannot
  exceed 1: more fluid than w_sat,RT f stays a separate liquid phase at any pressure. Above the
  fluid's critical temperature p_vap is replaced by the critical pressure (no cap).

The mixture saturation pressure (ideal mixing) is P_sat = sum_i w_i / H_i(T); the melt stays one
phase while P > P_sat (Park, Baldwin, Suh sheet-extrusion design; foam-models.md section 2.1).

References
----------
Sato, Y. et al. Fluid Phase Equilib. 125 (1996) 129; 162 (1999) 261.
Hasan, M.M. et al. J. Chem. Eng. Data 55 (2010) 4885.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from foamline.errors import InfeasibleProcess
from foamline.materials.fluids import vapour_pressure
from foamline.materials.library import Polymer, fluid, pair

R_GAS = 8.314462618  # J/(mol K)


def henry_constant(polymer: Polymer, fluid_name: str, T: float) -> float:
    """Henry constant H, (kg fluid / kg polymer) / Pa, of ``fluid_name`` in the melt at T (K)."""
    data = pair(polymer.name, fluid_name)
    if data.info.get("model", "henry") == "activity":
        return data["w_sat_RT"] * data["sorption_factor"] / _reference_pressure(fluid_name, T)
    h_ref = data["henry_ref"]
    return h_ref * math.exp(-data["dH_sol"] / R_GAS * (1.0 / T - 1.0 / data["henry_T_ref"]))


def _reference_pressure(fluid_name: str, T: float) -> float:
    p_vap = vapour_pressure(fluid_name, T)
    return p_vap if math.isfinite(p_vap) else fluid(fluid_name)["pc"]


def max_dissolved(polymer: Polymer, fluid_name: str, T: float) -> float:
    """Most fluid the melt can hold at T (K), kg/kg polymer; ``inf`` without an activity cap."""
    data = pair(polymer.name, fluid_name)
    if data.info.get("model", "henry") != "activity":
        return math.inf
    if not math.isfinite(vapour_pressure(fluid_name, T)):
        return math.inf
    return data["w_sat_RT"] * data["sorption_factor"]


def solubility(polymer: Polymer, fluid_name: str, T: float, p: float) -> float:
    """Equilibrium uptake, kg fluid per kg polymer, at T (K) and fluid partial pressure p (Pa)."""
    p_cap = vapour_pressure(fluid_name, T) if _is_activity(polymer, fluid_name) else math.inf
    return henry_constant(polymer, fluid_name, T) * min(p, p_cap)


def _is_activity(polymer: Polymer, fluid_name: str) -> bool:
    return pair(polymer.name, fluid_name).info.get("model", "henry") == "activity"


def partial_pressures(
    polymer: Polymer, dissolved: Mapping[str, float], T: float
) -> dict[str, float]:
    """Partial pressure, Pa, in equilibrium with each dissolved fluid (kg/kg polymer) at T (K).

    Raises :class:`InfeasibleProcess` where a condensable fluid exceeds what the melt can hold.
    """
    out = {}
    for name, w in dissolved.items():
        limit = max_dissolved(polymer, name, T)
        if w > limit * (1.0 + 1e-9):
            raise InfeasibleProcess(
                f"{100 * w:.3g} wt% {name} cannot dissolve in {polymer.name} at "
                f"{T - 273.15:.0f} C at any pressure: the melt holds at most "
                f"{100 * limit:.3g} wt% (fluid activity 1); lower the {name} loading"
            )
        out[name] = w / henry_constant(polymer, name, T)
    return out


def saturation_pressure(polymer: Polymer, dissolved: Mapping[str, float], T: float) -> float:
    """Mixture saturation pressure, Pa: the lowest melt pressure that keeps all fluids dissolved.

    P_sat = sum_i w_i / H_i(T) (ideal mixing of Henry partial pressures).

    >>> from foamline.materials import polymer
    >>> round(saturation_pressure(polymer("PS"), {"CO2": 0.045}, 473.15) / 1e6, 1)
    10.0
    """
    return sum(partial_pressures(polymer, dissolved, T).values())


def require_dissolved(
    polymer: Polymer, dissolved: Mapping[str, float], T: float, P: float, where: str
) -> None:
    """Raise :class:`InfeasibleProcess` unless pressure P (Pa) keeps every fluid dissolved at T."""
    p_sat = saturation_pressure(polymer, dissolved, T)
    if p_sat > P:
        loading = " + ".join(f"{100 * w:.3g} wt% {n}" for n, w in dissolved.items())
        raise InfeasibleProcess(
            f"{where}: the melt pressure {P / 1e5:.0f} bar is below the saturation pressure "
            f"{p_sat / 1e5:.0f} bar of {loading} in {polymer.name} at {T - 273.15:.0f} C: "
            f"raise the pressure or lower the loading"
        )
