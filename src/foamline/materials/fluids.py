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
from functools import cache

import numpy as np
from scipy.interpolate import CubicSpline

from foamline.errors import MaterialError
from foamline.materials.library import Fluid, fluid


@cache
def _cp():
    """CoolProp.CoolProp, imported at the first fluid property: the import loads every fluid of
    CoolProp's library (4.0 s with CoolProp 8.0, 0.9 s with 7.0, on the development machine),
    which commands that need none (help, analyze, materials) do not wait for."""
    import CoolProp.CoolProp

    return CoolProp.CoolProp


def _fluid(name_or_fluid: str | Fluid) -> Fluid:
    return name_or_fluid if isinstance(name_or_fluid, Fluid) else fluid(name_or_fluid)


def density(fluid_name: str | Fluid, T: float, P: float) -> float:
    """Density of the pure fluid, kg/m3, at temperature ``T`` (K) and pressure ``P`` (Pa).

    >>> round(density("CO2", 298.15, 100e5), 2)   # CoolProp documentation example
    817.63
    """
    f = _fluid(fluid_name)
    state = _state(f.coolprop_name)
    try:
        state.update(_cp().PT_INPUTS, P, T)
        return float(state.rhomass())
    except ValueError as exc:
        # within 1e-6 of the saturation pressure CoolProp will not choose the phase: the
        # sign of P - p_sat(T) does (compressed liquid at or above it, vapour below)
        try:
            p_sat = _cp().PropsSI("P", "T", T, "Q", 0, f.coolprop_name)
            state.specify_phase(_cp().iphase_liquid if P >= p_sat else _cp().iphase_gas)
            state.update(_cp().PT_INPUTS, P, T)
            return float(state.rhomass())
        except ValueError:
            pass
        finally:
            state.unspecify_phase()
        raise MaterialError(
            f"CoolProp cannot evaluate the density of {f.name} at {T - 273.15:.1f} C and "
            f"{P / 1e5:.3g} bar ({str(exc).splitlines()[0]})"
        ) from None


@cache
def _state(coolprop_name: str):
    """CoolProp's state of a fluid (its Helmholtz equation of state, the backend PropsSI uses),
    kept and updated in place: a density costs about 20 us this way, 80 us through PropsSI."""
    return _cp().AbstractState("HEOS", coolprop_name)


def vapour_pressure(fluid_name: str | Fluid, T: float) -> float:
    """Saturation (vapour) pressure, Pa, at ``T`` (K); ``math.inf`` at or above the critical T.

    Above its critical temperature a fluid cannot condense, so no partial pressure caps it.

    >>> round(vapour_pressure("H2O", 373.15) / 1e5, 3)
    1.014
    """
    f = _fluid(fluid_name)
    if T >= critical_temperature(f):
        return math.inf
    t_triple, t_table, curve = _vapour_curve(f.coolprop_name)
    if t_triple > T:
        raise MaterialError(
            f"{f.name} has no vapour pressure at {T - 273.15:.1f} C (below its triple point)"
        )
    if T < t_table:
        return float(math.exp(curve(1.0 / T)))
    return float(_cp().PropsSI("P", "T", T, "Q", 0, f.coolprop_name))


def critical_temperature(fluid_name: str | Fluid) -> float:
    """The temperature, K, at and above which the fluid has no vapour pressure: the library's
    Tc, or CoolProp's own critical point where that lies lower (ethanol's, 514.70928 K, lies
    7e-4 K below the rounded 514.71 K, and CoolProp has no saturation state between them)."""
    f = _fluid(fluid_name)
    return min(f["Tc"], _coolprop_critical(f.coolprop_name))


@cache
def _coolprop_critical(coolprop_name: str) -> float:
    return float(_cp().PropsSI("Tcrit", coolprop_name))


@cache
def _vapour_curve(coolprop_name: str) -> tuple[float, float, CubicSpline]:
    """ln p_sat against 1/T, a cubic spline through 800 CoolProp points from the triple point to
    1 K below the critical point (relative error < 3e-5 for ethanol, < 3e-7 for the
    others; tests/materials/test_fluids.py); a
    CoolProp call costs about 0.1 ms, the spline about 2 us. Returns (T_triple, T_end, spline)."""
    t_triple = float(_cp().PropsSI("Ttriple", coolprop_name))
    t_end = _coolprop_critical(coolprop_name) - 1.0
    inverse = np.linspace(1.0 / t_end, 1.0 / t_triple, 800)
    ln_p = [math.log(_cp().PropsSI("P", "T", 1.0 / x, "Q", 0, coolprop_name)) for x in inverse]
    return t_triple, t_end, CubicSpline(inverse, ln_p)


def phase(fluid_name: str | Fluid, T: float, P: float) -> str:
    """CoolProp's phase name at (T, P): 'liquid', 'gas', 'supercritical', ... ."""
    f = _fluid(fluid_name)
    try:
        return str(_cp().PhaseSI("T", T, "P", P, f.coolprop_name))
    except ValueError as exc:
        raise MaterialError(f"CoolProp cannot evaluate the phase of {f.name}: {exc}") from None


def is_dense(fluid_name: str | Fluid, T: float, P: float) -> bool:
    """True where the fluid is liquid or dense (density above its critical density).

    A metering pump meters a volume; only a liquid or dense fluid gives a stable mass flow,
    which is why the patent's pump heads are cooled (claim 16).
    """
    f = _fluid(fluid_name)
    rho_c = float(_cp().PropsSI("rhocrit", f.coolprop_name))
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
