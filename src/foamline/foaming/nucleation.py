"""Classical nucleation theory with the supersaturation of all dissolved fluids together.

A spherical nucleus of radius R* = 2 sigma / dP needs the work (Gibbs 1876; Colton & Suh,
Polym. Eng. Sci. 27 (1987) 485)

    W*_hom = 16 pi sigma^3 / (3 dP^2),    dP = p_b - P,   p_b = sum_i p_i,

where p_i is the partial pressure in equilibrium with the dissolved amount w_i of fluid i
(Henry, :mod:`foamline.materials.solubility`; water capped at its vapour pressure, since a
nucleus cannot hold water above it) and P the melt pressure. The surface tension sigma of the
gas-laden melt falls with the dissolved gas (Macleod, :mod:`foamline.materials.surface_tension`).
The rate, in the Blander-Katz form (Blander & Katz, AIChE J. 21 (1975) 833), per volume of melt:

    J = s N (2 sigma / (pi m))^(1/2) exp(-F W*_hom / (k T))      [1/(m^3 s)]

with N the number density of dissolved gas molecules, m their mean molecular mass, and the two
knobs every practical code fits (foam-models.md section 2.3; Moldflow's fitted CNT): the
prefactor scale s (``knobs.nucleation_prefactor_scale``) and the heterogeneous barrier factor F
(``knobs.heterogeneous_factor``; F(theta) = (2 + cos theta)(1 - cos theta)^2 / 4 for a flat
substrate with contact angle theta).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from foamline.materials import (
    fluid,
    partial_pressures,
    surface_tension,
    swollen_density,
    vapour_pressure,
)
from foamline.materials.library import Polymer

K_B = 1.380649e-23  # J/K
N_A = 6.02214076e23  # 1/mol


def heterogeneous_factor(contact_angle_rad: float) -> float:
    """F(theta) = (2 + cos theta)(1 - cos theta)^2 / 4: barrier reduction on a flat substrate."""
    c = math.cos(contact_angle_rad)
    return (2.0 + c) * (1.0 - c) ** 2 / 4.0


def critical_radius(sigma: float, supersaturation: float) -> float:
    """R* = 2 sigma / dP, m."""
    return 2.0 * sigma / supersaturation


def barrier(sigma: float, supersaturation: float) -> float:
    """Homogeneous nucleation work W* = 16 pi sigma^3 / (3 dP^2), J."""
    return 16.0 * math.pi * sigma**3 / (3.0 * supersaturation**2)


def classical_rate(
    sigma: float,
    supersaturation: float,
    T: float,
    molecules_per_m3: float,
    molecule_mass_kg: float,
    barrier_factor: float = 1.0,
    prefactor_scale: float = 1.0,
) -> float:
    """J = s N (2 sigma / (pi m))^(1/2) exp(-F W* / kT), 1/(m^3 s); 0 without supersaturation."""
    if supersaturation <= 0.0 or sigma <= 0.0:
        return 0.0
    exponent = barrier_factor * barrier(sigma, supersaturation) / (K_B * T)
    if exponent > 700.0:
        return 0.0
    kinetic = math.sqrt(2.0 * sigma / (math.pi * molecule_mass_kg))
    return prefactor_scale * molecules_per_m3 * kinetic * math.exp(-exponent)


def bubble_pressure(polymer: Polymer, dissolved: Mapping[str, float], T: float) -> float:
    """p_b = sum of the equilibrium partial pressures, condensable fluids capped at p_vap, Pa."""
    total = 0.0
    for name, p in partial_pressures(polymer, dissolved, T).items():
        total += min(p, vapour_pressure(name, T))
    return total


def nucleation_rate(
    polymer: Polymer,
    dissolved: Mapping[str, float],
    T: float,
    P: float,
    barrier_factor: float = 0.1,
    prefactor_scale: float = 1.0,
) -> float:
    """Nucleation rate, cells per m^3 of melt per s, at T (K) and melt pressure P (Pa)."""
    active = {n: w for n, w in dissolved.items() if w > 0.0}
    if not active:
        return 0.0
    supersaturation = bubble_pressure(polymer, active, T) - P
    if supersaturation <= 0.0:
        return 0.0
    rho = swollen_density(polymer, T, P, active)
    moles = {n: rho / (1.0 + sum(active.values())) * w / fluid(n)["M"] for n, w in active.items()}
    total = sum(moles.values())
    mass = sum(moles[n] * fluid(n)["M"] for n in moles) / total / N_A
    return classical_rate(
        surface_tension(polymer, T, active),
        supersaturation,
        T,
        total * N_A,
        mass,
        barrier_factor,
        prefactor_scale,
    )
