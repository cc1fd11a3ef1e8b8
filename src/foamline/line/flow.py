"""Pressure-driven flow of a shear-thinning melt through tubes and slits.

The wall shear rate follows the Weissenberg-Rabinowitsch-Mooney correction of the apparent
(Newtonian) wall shear rate, with the *local* power-law index of the viscosity curve,
n = 1 + d ln(eta) / d ln(gamma_dot), taken at the wall shear rate itself:

- tube of diameter D:  gamma_a = 32 Q / (pi D^3),  gamma_w = gamma_a (3n + 1) / (4n),
  tau_w = eta(gamma_w) gamma_w,  -dP/dz = 4 tau_w / D;
- slit of width W >> gap H:  gamma_a = 6 Q / (W H^2),  gamma_w = gamma_a (2n + 1) / (3n),
  tau_w = eta(gamma_w) gamma_w,  -dP/dz = 2 tau_w / H.

Both are exact for a Newtonian melt (Hagen-Poiseuille; -dP/dz = 12 eta Q / (W H^3)) and for a
power-law melt (-dP/dz = (2K/H) [2(2n+1)/n Q/(W H^2)]^n, foam-models.md section 2.2). For the
Cross model, whose index changes across the gap, the error against the exact integral over the
stress profile is below 1 % where the melt shear-thins and about 2 % in the bend from the
Newtonian plateau (tests/line/test_flow.py). Edge effects of a wide slit are neglected
(W/H > 100 in a membrane die). References: Macosko, *Rheology* (1994), ch. 5; Tadmor & Gogos,
*Principles of Polymer Processing*, 2nd ed. (2006), ch. 12.
"""

from __future__ import annotations

import math
from collections.abc import Callable

ViscosityCurve = Callable[[float], float]
"""eta(gamma_dot): viscosity, Pa s, at shear rate gamma_dot, 1/s."""


def local_power_law_index(eta: ViscosityCurve, shear_rate: float) -> float:
    """n = 1 + d ln(eta) / d ln(gamma_dot) at ``shear_rate`` (1/s), by a central difference;
    1 (Newtonian) where eta has underflowed to 0 (a trial state far below vacuum)."""
    h = 1e-3
    up, down = eta(shear_rate * math.exp(h)), eta(shear_rate * math.exp(-h))
    if up == 0.0 or down == 0.0:
        return 1.0
    return 1.0 + (math.log(up) - math.log(down)) / (2.0 * h)


def _wall_shear_rate(eta: ViscosityCurve, apparent: float, correction: Callable[[float], float]):
    """Fixed point gamma_w = apparent * correction(n(gamma_w)); returns (gamma_w, n)."""
    gamma, n = apparent, 1.0
    for _ in range(50):
        n = min(1.0, max(0.05, local_power_law_index(eta, gamma)))
        new = apparent * correction(n)
        if abs(new - gamma) <= 1e-10 * new:
            return new, n
        gamma = new
    return gamma, n


def tube_gradient(volume_flow: float, diameter: float, eta: ViscosityCurve) -> tuple[float, float]:
    """-dP/dz (Pa/m) and wall shear rate (1/s) for ``volume_flow`` (m3/s) in a tube."""
    apparent = 32.0 * volume_flow / (math.pi * diameter**3)
    gamma_w, _ = _wall_shear_rate(eta, apparent, lambda n: (3.0 * n + 1.0) / (4.0 * n))
    return 4.0 * eta(gamma_w) * gamma_w / diameter, gamma_w


def slit_gradient(
    volume_flow: float, width: float, gap: float, eta: ViscosityCurve
) -> tuple[float, float]:
    """-dP/dz (Pa/m) and wall shear rate (1/s) for ``volume_flow`` (m3/s) in a wide slit."""
    apparent = 6.0 * volume_flow / (width * gap**2)
    gamma_w, _ = _wall_shear_rate(eta, apparent, lambda n: (2.0 * n + 1.0) / (3.0 * n))
    return 2.0 * eta(gamma_w) * gamma_w / gap, gamma_w
