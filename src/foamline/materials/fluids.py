"""Thermodynamic state of the blowing fluids, from CoolProp.

Reference-quality equations of state: CO2 (Span-Wagner), water (IAPWS-95), N2 (Span et al.),
ethanol (Schroeder), air (Lemmon et al.), helium (Ortiz-Vega).

References
----------
Bell, I.H., Wronski, J., Quoilin, S., Lemort, V. Pure and pseudo-pure fluid thermophysical
property evaluation and the open-source thermophysical property library CoolProp.
Ind. Eng. Chem. Res. 53 (2014) 2498-2508.
IAPWS R1-76(2014), Revised release on surface tension of ordinary water substance.
"""

from __future__ import annotations

import math

import CoolProp.CoolProp as CP

from foamline.errors import MaterialError
from foamline.materials.library import Fluid, fluid


def _fluid(name_or_fluid: str | Fluid) -> Fluid:
    return name_or_fluid if isinstance(name_or_fluid, Fluid) else fluid(name_or_fluid)


def density(fluid_name: str | Fluid, T: float, P: float) -> float:
    """Density of the pure fluid, kg/m3, at temperature ``T`` (K) and pressure ``P`` (Pa).

    >>> round(density("CO2", 298.15, 100e5), 2)   # CoolProp documentation example
    817.63
    """
    f = _fluid(fluid_name)
    try:
        return float(CP.PropsSI("D", "T", T, "P", P, f.coolprop_name))
    except ValueError as exc:
        raise MaterialError(
            f"CoolProp cannot evaluate the density of {f.name} at {T - 273.15:.1f} C and "
            f"{P / 1e5:.3g} bar ({str(exc).splitlines()[0]})"
        ) from None


def vapour_pressure(fluid_name: str | Fluid, T: float) -> float:
    """Saturation (vapour) pressure, Pa, at ``T`` (K); ``math.inf`` at or above the critical T.

    Above its critical temperature a fluid cannot condense, so no partial pressure caps it.

    >>> round(vapour_pressure("H2O", 373.15) / 1e5, 3)
    1.014
    """
    f = _fluid(fluid_name)
    if f["Tc"] <= T:
        return math.inf
    if CP.PropsSI("Ttriple", f.coolprop_name) > T:
        raise MaterialError(
            f"{f.name} has no vapour pressure at {T - 273.15:.1f} C (below its triple point)"
        )
    return float(CP.PropsSI("P", "T", T, "Q", 0, f.coolprop_name))


def phase(fluid_name: str | Fluid, T: float, P: float) -> str:
    """CoolProp's phase name at (T, P): 'liquid', 'gas', 'supercritical', ... ."""
    f = _fluid(fluid_name)
    try:
        return str(CP.PhaseSI("T", T, "P", P, f.coolprop_name))
    except ValueError as exc:
        raise MaterialError(f"CoolProp cannot evaluate the phase of {f.name}: {exc}") from None


def is_dense(fluid_name: str | Fluid, T: float, P: float) -> bool:
    """True where the fluid is liquid or dense (density above its critical density).

    A metering pump meters a volume; only a liquid or dense fluid gives a stable mass flow,
    which is why the patent's pump heads are cooled (claim 16).
    """
    f = _fluid(fluid_name)
    rho_c = float(CP.PropsSI("rhocrit", f.coolprop_name))
    return density(f, T, P) >= rho_c


def water_surface_tension(T: float) -> float:
    """Surface tension of water against its vapour, N/m, IAPWS R1-76(2014).

    sigma = B tau^mu (1 + b tau), tau = 1 - T/Tc, B = 235.8 mN/m, b = -0.625, mu = 1.256,
    Tc = 647.096 K; valid from the triple point to the critical point (0 above it).

    >>> round(water_surface_tension(298.15) * 1e3, 2)
    71.97
    """
    tau = 1.0 - T / 647.096
    if tau <= 0.0:
        return 0.0
    return 235.8e-3 * tau**1.256 * (1.0 - 0.625 * tau)
