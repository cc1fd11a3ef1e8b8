"""Sanchez-Lacombe (SL) lattice-fluid equation of state: melt and gas densities, gas solubility.

Pure component with characteristic pressure P* (Pa), temperature T* (K), close-packed density
rho* (kg/m3) and r = M P* / (R T* rho*) lattice sites per molecule (r -> inf for a polymer):

    rho~^2 + P~ + T~ [ln(1 - rho~) + (1 - 1/r) rho~] = 0,   rho~ = rho/rho*, P~ = P/P*, T~ = T/T*

Binary gas (1) + polymer (2) with r2 -> inf (Sanchez & Lacombe 1978): close-packed volume fractions
phi_i = (m_i/rho*_i) / sum_j (m_j/rho*_j); v*_i = R T*_i / P*_i (m3/mol of sites);
    P*  = phi1^2 P*1 + 2 phi1 phi2 P*12 + phi2^2 P*2,   P*12 = (1 - k12) sqrt(P*1 P*2)
    v* = sum_i phi_i^0 v*_i, phi_i^0 = (phi_i/v*_i) / sum_j (phi_j/v*_j)  (sites conserved)
    T*  = P* v* / R,   1/r = phi1/r1 with r1 = r1^0 v*1/v* (close-packed volume conserved)
The mixture obeys the EOS above with these P*, T*, r. Minimising the Gibbs energy over rho~ and
differentiating by the number of gas molecules gives (T~1 = T/T*1, P~1 = P/P*1)
    mu1/RT = ln phi1 + phi2 + r1^0 rho~ phi2^2 (P*1 + P*2 - 2 P*12) v*1 / (R T)
             + r1^0 [-rho~/T~1 + P~1/(rho~ T~1) + (1/rho~ - 1) ln(1 - rho~) + ln(rho~)/r1^0],
which with phi1 = 1, phi2 = 0 is the chemical potential of the pure gas (same constant dropped).

References
----------
Sanchez, I.C., Lacombe, R.H. J. Phys. Chem. 80 (1976) 2352 and 2568 (pure fluid EOS).
Sanchez, I.C., Lacombe, R.H. Macromolecules 11 (1978) 1145 (mixtures, mixing rules, mu1).
Condo, P.D., Sanchez, I.C., Panayiotou, C.G., Johnston, K.P. Macromolecules 25 (1992) 6119.
McHugh, M.A., Krukonis, V.J. Supercritical Fluid Extraction, 2nd ed., Butterworth-Heinemann
(1994), ch. 4 (SL applied to gas-polymer equilibria).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from foamline.errors import MaterialError
from foamline.materials.library import Material

R_GAS = 8.314462618  # J/(mol K)
_RHO_MAX = 1.0 - 1e-15  # reduced density just below close packing


def _eos(rho: float, T: float, P: float, inv_r: float) -> float:
    return rho * rho + P + T * (math.log1p(-rho) + (1.0 - inv_r) * rho)


def _eos_slope(rho: float, T: float, P: float, inv_r: float) -> float:
    return 2.0 * rho - T / (1.0 - rho) + T * (1.0 - inv_r)


def _roots(T: float, P: float, inv_r: float) -> tuple[float, float]:
    """Smallest and largest root in [0, 1) of the SL EOS, each from a proven bracket.

    f(0) = P~ >= 0, f -> -inf as rho~ -> 1, and f'' = 2 - T~/(1 - rho~)^2 decreases, so f' is
    concave: f has at most one local minimum (rho_a) and one local maximum (rho_b).
    """
    if not (T > 0.0 and P >= 0.0 and 0.0 <= inv_r <= 1.0 and math.isfinite(T + P)):
        raise ValueError(f"SL EOS needs T~ > 0, P~ >= 0, 0 <= 1/r <= 1; got {T}, {P}, {inv_r}")
    args = (T, P, inv_r)
    if _eos(_RHO_MAX, *args) > 0.0:
        raise ValueError(f"SL EOS has no root below close packing at T~ = {T}, P~ = {P}")
    rho_i = min(max(1.0 - math.sqrt(T / 2.0), 0.0), _RHO_MAX)  # inflection point of f
    if _eos_slope(rho_i, *args) <= 0.0:  # f decreases monotonically: a single root
        root = brentq(_eos, 0.0, _RHO_MAX, args=args, xtol=1e-15)
        return root, root
    rho_a = 0.0 if _eos_slope(0.0, *args) >= 0.0 else brentq(_eos_slope, 0.0, rho_i, args=args)
    rho_b = brentq(_eos_slope, rho_i, _RHO_MAX, args=args, xtol=1e-15)
    f_a, f_b = _eos(rho_a, *args), _eos(rho_b, *args)  # local min <= local max
    if f_b <= 0.0:  # then f < 0 on (rho_a, 1): the only root lies in [0, rho_a]
        root = brentq(_eos, 0.0, rho_a, args=args, xtol=1e-15)
        return root, root
    large = brentq(_eos, rho_b, _RHO_MAX, args=args, xtol=1e-15)
    if f_a > 0.0:  # f > 0 on [0, rho_b]: the only root lies beyond rho_b
        return large, large
    return brentq(_eos, 0.0, rho_a, args=args, xtol=1e-15), large


def reduced_density(T_red: float, P_red: float, r: float) -> float:
    """Liquid-like (largest) root rho~ of the pure SL EOS, dimensionless.

    Solves rho~^2 + P~ + T~ [ln(1 - rho~) + (1 - 1/r) rho~] = 0 with brentq in a bracket found
    from the extrema of the left-hand side (see module docstring).

    Parameters
    ----------
    T_red : reduced temperature T/T*, dimensionless, > 0.
    P_red : reduced pressure P/P*, dimensionless, >= 0.
    r : lattice sites per molecule, dimensionless, >= 1; ``math.inf`` for a polymer.

    Returns
    -------
    Reduced density rho/rho* in [0, 1).

    >>> round(reduced_density(0.6877, 2.69e-4, math.inf), 4)  # PS at 200 C, 0.1 MPa
    0.8512
    """
    return _roots(T_red, P_red, 1.0 / r)[1]


def _stable(T: float, P: float, inv_r: float) -> float:
    """The root of lower Gibbs energy G/(r N eps*) = -rho~ + P~/rho~ + T~[(1/rho~-1)ln(1-rho~)
    + ln(rho~)/r] (vapour below the SL saturation pressure, liquid above it)."""

    def g(rho: float) -> float:
        return -rho + P / rho + T * ((1 / rho - 1) * math.log1p(-rho) + inv_r * math.log(rho))

    return 0.0 if P == 0.0 else min(_roots(T, P, inv_r), key=g)


def _sl(material: Material, *keys: str) -> list[float]:
    """SI values of ``keys``, or a MaterialError if ``material`` lacks any of them."""
    if not all(k in material for k in keys):
        raise MaterialError(f"{material.name} has no Sanchez-Lacombe parameters in the library")
    return [material[k] for k in keys]


def density(material: Material, T: float, P: float) -> float:
    """SL density rho = rho~ rho* of a pure polymer melt or gas, kg/m3.

    A polymer (``sl_V_star`` given) has r = inf and rho* = 1/V*; a gas has r = M P*/(R T* rho*)
    and takes the root of lower Gibbs energy (the vapour below its SL saturation pressure).

    Parameters
    ----------
    material : library polymer (sl_P_star Pa, sl_T_star K, sl_V_star m3/kg) or fluid
        (sl_P_star Pa, sl_T_star K, sl_rho_star kg/m3, M kg/mol).
    T : temperature, K.
    P : pressure, Pa (> 0 for a gas).
    """
    if "sl_V_star" in material:
        P_s, T_s, V_s = _sl(material, "sl_P_star", "sl_T_star", "sl_V_star")
        return reduced_density(T / T_s, P / P_s, math.inf) / V_s
    P_s, T_s, rho_s, M = _sl(material, "sl_P_star", "sl_T_star", "sl_rho_star", "M")
    return _stable(T / T_s, P / P_s, R_GAS * T_s * rho_s / (M * P_s)) * rho_s


def solubility(
    polymer: Material,
    fluid: Material,
    T: float,
    p: float,
    k12: float = 0.0,
    *,
    segments: str = "sl1978",
) -> float:
    """Equilibrium gas uptake w, kg gas per kg polymer, by the SL model with r2 -> inf.

    Parameters
    ----------
    polymer : library polymer with SL parameters (sl_P_star Pa, sl_T_star K, sl_V_star m3/kg).
    fluid : library gas with SL parameters (sl_P_star Pa, sl_T_star K, sl_rho_star kg/m3, M).
    T : temperature, K.
    p : gas pressure, Pa (> 0).
    k12 : binary interaction parameter, dimensionless, < 1 (P*12 = (1 - k12) sqrt(P*1 P*2)).
    segments : segment rule of the mixture EOS, "sl1978" (default) or "pure" (see below).

    Solves mu1(polymer phase; phi1, rho~(phi1)) = mu1(pure gas) for the gas volume fraction phi1
    (module docstring), the polymer phase obeying the mixture EOS at p; then
    w = phi1 rho*1 / ((1 - phi1) rho*2). The first root of mu1 - mu1_gas above phi1 -> 0 is
    taken, bracketed on a log grid of phi1 up to 0.99 (phi1 = 1 is the trivial root: the pure
    gas), then refined by brentq.

    ``segments="sl1978"`` uses 1/r = phi1 v*/(r1^0 v*1), the mixture size r1 of SL 1978;
    ``segments="pure"`` the simpler 1/r = phi1/r1^0 printed in many applications. The second
    reproduces materials.md section 6b to its rounding (PA6: 2 %); the first gives 0-4 % more
    gas and makes mu1 the exact derivative of the SL Gibbs energy. MaterialError if no root.
    """
    P1, T1, rho1, M1 = _sl(fluid, "sl_P_star", "sl_T_star", "sl_rho_star", "M")
    P2, T2, V2 = _sl(polymer, "sl_P_star", "sl_T_star", "sl_V_star")
    if not (T > 0.0 and p > 0.0 and k12 < 1.0 and math.isfinite(T + p + k12)):
        raise ValueError(f"SL solubility needs T > 0 K, p > 0 Pa, k12 < 1; got {T}, {p}, {k12}")
    if segments not in ("sl1978", "pure"):
        raise ValueError(f"segments must be 'sl1978' or 'pure', not '{segments}'")
    v1, v2 = R_GAS * T1 / P1, R_GAS * T2 / P2  # m3 per mol of lattice sites
    r1_0 = M1 / (rho1 * v1)  # sites per gas molecule in the pure gas
    t1, p1 = T / T1, p / P1
    rho_g = _stable(t1, p1, 1.0 / r1_0)
    pure_part = -rho_g / t1 + p1 / (rho_g * t1) + (1 / rho_g - 1) * math.log1p(-rho_g)
    mu_gas = r1_0 * pure_part + math.log(rho_g)
    P12 = (1.0 - k12) * math.sqrt(P1 * P2)
    chi = (P1 + P2 - 2.0 * P12) * v1 / (R_GAS * T)

    def excess(phi1: float) -> float:
        phi2 = 1.0 - phi1
        P_mix = phi1 * phi1 * P1 + 2.0 * phi1 * phi2 * P12 + phi2 * phi2 * P2
        v_mix = 1.0 / (phi1 / v1 + phi2 / v2)
        inv_r = phi1 / r1_0 * (v_mix / v1 if segments == "sl1978" else 1.0)
        rho = reduced_density(R_GAS * T / (P_mix * v_mix), p / P_mix, 1.0 / inv_r)
        pure = -rho / t1 + p1 / (rho * t1) + (1 / rho - 1) * math.log1p(-rho)
        mu = math.log(phi1) + phi2 + r1_0 * (rho * phi2 * phi2 * chi + pure) + math.log(rho)
        return mu - mu_gas

    grid = np.geomspace(1e-15, 0.99, 121)
    values = [excess(x) for x in grid]
    for i in range(len(grid) - 1):
        if values[i] < 0.0 <= values[i + 1]:
            phi1 = brentq(excess, grid[i], grid[i + 1], xtol=1e-300, rtol=1e-13)
            return phi1 * rho1 * V2 / (1.0 - phi1)
    raise MaterialError(
        f"the Sanchez-Lacombe model finds no {fluid.name}-swollen {polymer.name} phase in "
        f"equilibrium with the gas at {T:.1f} K and {p / 1e6:.3g} MPa (k12 = {k12})"
    )


def henry_slope(
    polymer: Material, fluid: Material, T: float, p: float = 10e6, k12: float = 0.0
) -> float:
    """Secant Henry constant H = solubility(p)/p, (kg gas/kg polymer)/Pa.

    T in K, p in Pa (default 10 MPa, as in materials.md section 6b), k12 dimensionless.
    1 wt%/MPa (g gas per 100 g polymer per MPa) = 1e-8 (kg/kg)/Pa.
    """
    return solubility(polymer, fluid, T, p, k12) / p
