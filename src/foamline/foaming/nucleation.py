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

import numpy as np
from scipy.interpolate import CubicSpline

from foamline.materials import (
    critical_temperature,
    diffusivity,
    fluid,
    partial_pressures,
    surface_tension,
    swollen_density,
    vapour_pressure,
)
from foamline.materials.library import Polymer

K_B = 1.380649e-23  # J/K
N_A = 6.02214076e23  # 1/mol
#: Spacing of the temperature nodes of :class:`NucleationTable`, K (its nodes are multiples).
TABLE_SPACING_K = 4.0
_MAX_CACHED_ROWS = 100_000
_ROW_CACHE: dict[tuple, list[float]] = {}


def heterogeneous_factor(contact_angle_rad: float) -> float:
    """F(theta) = (2 + cos theta)(1 - cos theta)^2 / 4: barrier reduction on a flat substrate."""
    c = math.cos(contact_angle_rad)
    return (2.0 + c) * (1.0 - c) ** 2 / 4.0


def critical_radius(sigma: float, supersaturation: float) -> float:
    """R* = 2 sigma / dP, m."""
    return 2.0 * sigma / supersaturation


def barrier(sigma, supersaturation):
    """Homogeneous nucleation work W* = 16 pi sigma^3 / (3 dP^2), J (numbers or arrays)."""
    return 16.0 * math.pi * sigma**3 / (3.0 * supersaturation**2)


def classical_rate(
    sigma,
    supersaturation,
    T,
    molecules_per_m3,
    molecule_mass_kg: float,
    barrier_factor: float = 1.0,
    prefactor_scale: float = 1.0,
):
    """J = s N (2 sigma / (pi m))^(1/2) exp(-F W* / kT), 1/(m^3 s); 0 without supersaturation.

    sigma (N/m), supersaturation (Pa), T (K) and N (1/m^3): numbers, or arrays of one shape."""
    sigma, dP = np.asarray(sigma, dtype=float), np.asarray(supersaturation, dtype=float)
    live = (dP > 0.0) & (sigma > 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        exponent = barrier_factor * barrier(sigma, dP) / (K_B * T)
        kinetic = np.sqrt(2.0 * sigma / (np.pi * molecule_mass_kg))
        J = prefactor_scale * molecules_per_m3 * kinetic * np.exp(-exponent)
    J = np.where(live & (exponent <= 700.0), J, 0.0)
    return float(J) if J.ndim == 0 else J


def dissolved_molecules(dissolved: Mapping[str, float]) -> tuple[float, float]:
    """Molecules of dissolved fluid per kg of swollen melt, and their mean mass, kg, for
    ``dissolved`` (fluid -> kg per kg polymer, all > 0)."""
    moles_per_kg_polymer = sum(w / fluid(n)["M"] for n, w in dissolved.items())
    loading = sum(dissolved.values())
    return moles_per_kg_polymer / (1.0 + loading) * N_A, loading / moles_per_kg_polymer / N_A


def bubble_pressure(polymer: Polymer, dissolved: Mapping[str, float], T: float) -> float:
    """p_b = sum of the equilibrium partial pressures, condensable fluids capped at p_vap, Pa."""
    total = 0.0
    for name, p in partial_pressures(polymer, dissolved, T).items():
        total += min(p, vapour_pressure(name, T))
    return total


def mean_diffusivity(polymer: Polymer, dissolved: Mapping[str, float], T: float) -> float:
    """Diffusivity of the dissolved fluids weighted by their (uncapped) partial pressures, m2/s,
    at T (K): the D of the influence volumes and of the skin (:mod:`.foam`)."""
    pressures = partial_pressures(polymer, dissolved, T)
    total = sum(pressures.values())
    return sum(p / total * diffusivity(polymer, n, T) for n, p in pressures.items())


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
    per_kg, mass = dissolved_molecules(active)
    return classical_rate(
        surface_tension(polymer, T, active),
        supersaturation,
        T,
        swollen_density(polymer, T, P, active) * per_kg,
        mass,
        barrier_factor,
        prefactor_scale,
    )


class NucleationTable:
    """The temperature-dependent parts of :func:`nucleation_rate` for one loading, tabulated.

    A foam asks for the nucleation rate at a thousand (T, P) points of one melt parcel, and each
    exact call costs about 0.3 ms (CoolProp gas densities inside the surface tension). Here the
    surface tension sigma(T), ln p_i(T) and ln D_i(T) of each fluid and ln p_vap(T) of each
    condensable fluid are evaluated exactly on the multiples of ``TABLE_SPACING_K`` that cover
    [T_min, T_max] (kept, so that the passes of a foam and the recipes of a sweep share them)
    and interpolated by cubic splines; the cap min(p_i, p_vap,i) is applied after
    the interpolation, so its kink is exact, and lifted at and above the fluid's critical
    temperature (where its ln p_vap column is continued linearly in 1/T to keep the spline
    smooth). The rate then follows :func:`classical_rate` at each
    point (tests/foaming/test_nucleation.py: within 5e-7 of the exact function for PES with CO2
    and water over 450-590 K).

    Parameters
    ----------
    polymer : the melt. dissolved : fluid -> kg per kg polymer.
    T_min, T_max : temperature range, K (the table clamps to it).
    """

    def __init__(
        self, polymer: Polymer, dissolved: Mapping[str, float], T_min: float, T_max: float
    ) -> None:
        self.polymer = polymer
        self.active = {n: w for n, w in dissolved.items() if w > 0.0}
        names = list(self.active)
        self.condensable = [
            math.isfinite(vapour_pressure(name, T_min))
            or math.isfinite(vapour_pressure(name, T_max))
            for name in names
        ]
        if T_max > T_min:  # the multiples of the spacing that cover [T_min, T_max]
            lo = math.floor(T_min / TABLE_SPACING_K)
            hi = max(math.ceil(T_max / TABLE_SPACING_K), lo + 1)
            nodes = TABLE_SPACING_K * np.arange(lo, hi + 1)
        else:
            nodes = np.array([float(T_min)])
        n = len(nodes)
        key = (polymer.key, tuple(self.active.items()), tuple(self.condensable))
        rows = [self._row(key, float(T)) for T in nodes]
        table = np.array(rows)
        # above its critical temperature a fluid has no vapour pressure (no cap): there its
        # column continues ln p_vap linearly in 1/T (Clausius-Clapeyron) from the last two nodes
        # below, so that the spline stays smooth, and the cap is lifted after the interpolation
        self._critical = np.array(
            [
                critical_temperature(name) if cond else np.inf
                for name, cond in zip(names, self.condensable, strict=True)
            ]
        )
        for i in np.nonzero(self.condensable)[0]:
            column = table[:, 1 + len(names) + i]
            below = np.isfinite(column)
            if not below.all():
                x, y = 1.0 / nodes[below][-2:], column[below][-2:]
                slope = (y[-1] - y[0]) / (x[-1] - x[0]) if len(x) == 2 else 0.0
                column[~below] = y[-1] + slope * (1.0 / nodes[~below] - x[-1])
        self.T_min, self.T_max = float(nodes[0]), float(nodes[-1])
        if n > 1:
            self._spline = CubicSpline(nodes, table, axis=0, bc_type="not-a-knot")
        else:  # one temperature
            self._spline = lambda T: np.tile(rows[0], (len(T), 1))
        self._names = names
        if self.active:  # the composition is fixed
            self._molecules_per_kg, self._molecule_mass = dissolved_molecules(self.active)

    def _row(self, key: tuple, T: float) -> list[float]:
        """sigma, ln p_i, ln p_vap,i (inf at and above the critical T) and ln D_i at T (K), kept
        per melt and loading (``key``), so the passes and recipes of a sweep share them."""
        row = _ROW_CACHE.get((key, T))
        if row is None:
            if len(_ROW_CACHE) > _MAX_CACHED_ROWS:
                _ROW_CACHE.clear()
            names, polymer = list(self.active), self.polymer
            pressures = partial_pressures(polymer, self.active, T)
            caps = [
                vapour_pressure(name, T) if cond else 1.0
                for name, cond in zip(names, self.condensable, strict=True)
            ]
            row = _ROW_CACHE[(key, T)] = [
                surface_tension(polymer, T, self.active),
                *(math.log(pressures[name]) for name in names),
                *(math.log(c) for c in caps),
                *(math.log(diffusivity(polymer, name, T)) for name in names),
            ]
        return row

    def _columns(self, T: np.ndarray):
        values = self._spline(np.clip(T, self.T_min, self.T_max))
        nf = len(self._names)
        sigma = np.maximum(values[:, 0], 0.0)
        p = np.exp(values[:, 1 : 1 + nf])
        condensing = np.asarray(self.condensable) & (T[:, None] < self._critical)
        caps = np.where(condensing, np.exp(values[:, 1 + nf : 1 + 2 * nf]), np.inf)
        D = np.exp(values[:, 1 + 2 * nf :])
        return sigma, p, caps, D

    def surface_tension(self, T: np.ndarray) -> np.ndarray:
        """Surface tension of the laden melt, N/m, at each T (K)."""
        return self._columns(np.atleast_1d(T))[0]

    def bubble_pressure(self, T: np.ndarray) -> np.ndarray:
        """p_b, Pa, at each T (K): as :func:`bubble_pressure`."""
        _, p, caps, _ = self._columns(np.atleast_1d(T))
        return np.minimum(p, caps).sum(axis=1)

    def mean_diffusivity(self, T: np.ndarray) -> np.ndarray:
        """:func:`mean_diffusivity`, m2/s, at each T (K)."""
        _, p, _, D = self._columns(np.atleast_1d(T))
        return (p * D).sum(axis=1) / p.sum(axis=1)

    def rate(
        self,
        T: np.ndarray,
        P: np.ndarray,
        barrier_factor: float = 0.1,
        prefactor_scale: float = 1.0,
    ) -> np.ndarray:
        """Nucleation rate, cells per m^3 of melt per s, at each (T, P): :func:`nucleation_rate`."""
        T, P = np.atleast_1d(T).astype(float), np.atleast_1d(P).astype(float)
        sigma, p, caps, _ = self._columns(T)
        dP = np.minimum(p, caps).sum(axis=1) - P
        J = np.zeros(len(T))
        live = (dP > 0.0) & (sigma > 0.0)
        if not self.active or not live.any():
            return J
        T, P = T[live], P[live]
        N = swollen_density(self.polymer, T, P, self.active) * self._molecules_per_kg
        J[live] = classical_rate(
            sigma[live], dP[live], T, N, self._molecule_mass, barrier_factor, prefactor_scale
        )
        return J
