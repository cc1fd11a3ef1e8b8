"""Melt and gas properties of a growing cell, tabulated so the growth solver can call them cheaply.

The growth equations need, at every right-hand-side evaluation, the Henry constant H_i(T), the
diffusivity D_i(T) and the vapour-pressure cap of each fluid, the surface tension sigma(T, w) and
the zero-shear viscosity eta_0(T, P, w) at the bubble wall. The materials functions give them, but
some cost up to 0.5 ms per call (CoolProp behind ``henry_constant`` of water, ``vapour_pressure``
and ``surface_tension``). :class:`MeltProperties` therefore

- evaluates H, D and the cap once per temperature node (2 K apart) and interpolates
  ln H, ln D and ln p_vap linearly between nodes (error < 1e-4 relative for the steam curve);
  at a constant temperature it evaluates them once, exactly;
- replaces the generalised Macleod surface tension by the same law with its inner ratio a
  quadratic in the dissolved amounts,

      sigma(T, w) = sigma_0(T) [1 + sum_i (a_i(T) + b_i(T) w_i) w_i]^4,

  a_i, b_i fitted at each node through two calls of :func:`foamline.materials.surface_tension`
  with fluid i alone, at 1 and 4 wt% (for a condensable fluid at most 1/2 and 0.95 of what the
  melt holds). The Macleod ratio (rho_mix - rho_gas) / rho_melt is nearly linear in w: the
  quadratic is within 0.7 % of the materials function for PES with up to 4 wt% CO2 and 0.9 wt%
  water together and for PS with up to 6 wt% CO2 (docs/foaming.md);
- computes :func:`foamline.materials.zero_shear_viscosity` from its neat-melt part and its
  exponential plasticisation, ln eta = ln eta_neat(T, P) - sum_i beta_i w_i (about 1 us; for
  many cells at once the sum is a dot product), so d ln eta / d w_i = -beta_i exactly.

Nodes are cached per polymer grade and fluid set, so the many cohorts of one recipe share them.

References
----------
Park, H., Park, C.B., Tzoganakis, C., Tan, K.H., Chen, P. Ind. Eng. Chem. Res. 45 (2006) 1650
(generalised Macleod surface tension of PS-CO2).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from foamline.errors import MaterialError
from foamline.materials import (
    Polymer,
    diffusivity,
    fluid,
    henry_constant,
    max_dissolved,
    melt_density,
    neat_surface_tension,
    pair,
    surface_tension,
    vapour_pressure,
)
from foamline.materials import polymer as library_polymer
from foamline.materials.viscosity import ln_neat_zero_shear_viscosity, plasticisation_coefficients

#: Spacing of the temperature nodes, K.
NODE_SPACING_K = 2.0
#: Loadings at which the surface-tension law is fitted, kg/kg polymer (at most 1/2 and 0.95 of
#: what the melt holds of a condensable fluid).
SIGMA_REFERENCE_LOADING = (0.01, 0.04)
#: ln of the "no cap" vapour pressure used in the tables (exp(700) ~ 1e304 Pa).
_LN_NO_CAP = 700.0
_MAX_CACHED_NODES = 200_000
_NODE_CACHE: dict[tuple, np.ndarray] = {}


class MeltProperties:
    """Properties of one polymer grade holding a set of blowing fluids, for the growth solver.

    Parameters
    ----------
    polymer : a library name (``"PES"``) or a :class:`~foamline.materials.Polymer`.
    fluids : names of the dissolved fluids (library names or aliases).
    viscosity_Pa_s : a constant zero-shear viscosity, Pa s, instead of the materials model.
    surface_tension_N_m : a constant surface tension, N/m, instead of the materials model.
    diffusivity_m2_s : constant diffusivities, m2/s, of some fluids (calibration and tests).

    Build one per recipe and reuse it: its temperature tables are shared by every cell grown
    with it.
    """

    def __init__(
        self,
        polymer: str | Polymer,
        fluids: tuple[str, ...] | list[str],
        viscosity_Pa_s: float | None = None,
        surface_tension_N_m: float | None = None,
        diffusivity_m2_s: Mapping[str, float] | None = None,
    ) -> None:
        self.polymer = polymer if isinstance(polymer, Polymer) else library_polymer(polymer)
        names = tuple(fluid(name).name for name in fluids)
        if not names:
            raise ValueError("a cell needs at least one dissolved fluid")
        if len(set(names)) != len(names):
            raise ValueError(f"fluids {list(fluids)} name the same fluid twice")
        self.fluids = names
        pairs = [pair(self.polymer.name, name) for name in names]  # MaterialError if no data
        self.molar_mass = np.array([fluid(name)["M"] for name in names])
        self.condensable = np.array([p.info.get("model", "henry") == "activity" for p in pairs])
        self.fixed_viscosity = _positive_or_none(viscosity_Pa_s, "viscosity_Pa_s")
        if surface_tension_N_m is not None and not (
            math.isfinite(surface_tension_N_m) and surface_tension_N_m >= 0.0
        ):
            raise ValueError(
                f"surface_tension_N_m must be a finite value >= 0 N/m, not {surface_tension_N_m}"
            )
        self.fixed_surface_tension = surface_tension_N_m
        self.fixed_diffusivity = np.full(len(names), np.nan)
        for name, value in (diffusivity_m2_s or {}).items():
            key = fluid(name).name
            if key not in names:
                raise ValueError(f"diffusivity_m2_s names {name}, which is not a fluid of the cell")
            self.fixed_diffusivity[names.index(key)] = _positive_or_none(
                value, f"diffusivity_m2_s[{name!r}]"
            )
        self._fixed_D_columns = np.nonzero(~np.isnan(self.fixed_diffusivity))[0]
        #: beta_i of ln eta = ln eta_neat - sum_i beta_i w_i, 1/(kg/kg) (0 for a fixed viscosity)
        self.plasticisation = (
            np.array(plasticisation_coefficients(self.polymer, names))
            if self.fixed_viscosity is None
            else np.zeros(len(names))
        )
        self._key = (self.polymer.key, names, surface_tension_N_m is None)

    # -- properties at the wall ----------------------------------------------------------------
    def melt_density(self, T, P):
        """Density of the neat melt, kg polymer per m3 of melt, at T (K) and P (Pa), numbers or
        arrays of one shape."""
        return melt_density(self.polymer, T, P)

    def ln_neat_viscosities(self, T, P) -> np.ndarray:
        """ln of the zero-shear viscosity (Pa s) of the neat melt at T (K) and P (Pa), arrays of
        one shape (the fixed viscosity if one was given); ``inf`` for a glass."""
        if self.fixed_viscosity is not None:
            return np.full(np.shape(T), math.log(self.fixed_viscosity))
        return ln_neat_zero_shear_viscosity(self.polymer, T, P)

    def ln_viscosities(self, neat: np.ndarray, wall: np.ndarray) -> np.ndarray:
        """ln of the zero-shear viscosity (Pa s) of melt holding ``wall`` (rows, fluids) kg/kg,
        from that of the neat melt (:meth:`ln_neat_viscosities`, one per row):
        :func:`foamline.materials.zero_shear_viscosity` by its exponential plasticisation (none
        for a fixed viscosity: its coefficients are 0)."""
        return neat - wall @ self.plasticisation

    def surface_tensions(self, node: NodeArrays, wall: np.ndarray) -> np.ndarray:
        """Surface tension, N/m, of the melt holding ``wall`` (cells, fluids) kg/kg at the node's T
        (a :class:`NodeArrays` gives one temperature per row)."""
        if self.fixed_surface_tension is not None:
            return np.full(len(wall), self.fixed_surface_tension)
        ratio = 1.0 + ((node.sigma_slope + node.sigma_curvature * wall) * wall).sum(axis=1)
        ratio = np.maximum(ratio, 0.0)
        ratio *= ratio
        return node.sigma0 * (ratio * ratio)

    # -- temperature tables -------------------------------------------------------------------
    def at(self, T: float) -> NodeArrays:
        """The temperature-dependent properties evaluated exactly at T (K), arrays (fluids,)."""
        return self._unpack_many(self._row(T)[None, :]).row(0)

    def at_many(self, T: np.ndarray, node: NodeArrays | None = None) -> NodeArrays:
        """Properties at each of the temperatures T (K), as arrays (times, fluids).

        With ``node`` given, all temperatures are taken to be the node's (a constant T).
        """
        if node is None:
            return self._unpack_many(np.array([self._row(float(x)) for x in T]))
        n = len(T)
        return NodeArrays(
            np.tile(node.henry, (n, 1)),
            np.tile(node.diffusivity, (n, 1)),
            np.tile(node.cap, (n, 1)),
            np.full(n, node.sigma0),
            np.tile(node.sigma_slope, (n, 1)),
            np.tile(node.sigma_curvature, (n, 1)),
        )

    def table(self, T_min: float, T_max: float) -> TemperatureTable:
        """A table of the properties on nodes covering [T_min, T_max] (K), for interpolation."""
        lo = math.floor(T_min / NODE_SPACING_K)
        hi = math.ceil(T_max / NODE_SPACING_K) + 1
        rows = [self._row(k * NODE_SPACING_K) for k in range(lo + 1, hi + 1)]
        try:
            first = self._row(lo * NODE_SPACING_K)
        except MaterialError:  # the node below T_min lies below the triple point of a fluid
            first = self._row(T_min)
        return TemperatureTable(self, lo * NODE_SPACING_K, np.array([first, *rows]))

    def _row(self, T: float) -> np.ndarray:
        """ln H, ln D, ln cap of each fluid, sigma_0, then a_i and b_i of sigma, at T (K)."""
        key = (self._key, T)
        row = _NODE_CACHE.get(key)
        if row is None:
            if len(_NODE_CACHE) > _MAX_CACHED_NODES:
                _NODE_CACHE.clear()
            row = _compute_row(self.polymer, self.fluids, self.condensable, T, self._key[-1])
            _NODE_CACHE[key] = row
        return row

    def _unpack_many(self, rows: np.ndarray) -> NodeArrays:
        n = len(self.fluids)
        values = np.exp(rows[:, : 2 * n])  # H, D
        D = values[:, n:]
        fixed = self._fixed_D_columns
        if len(fixed):
            D[:, fixed] = self.fixed_diffusivity[fixed]
        ln_cap = rows[:, 2 * n : 3 * n]
        return NodeArrays(
            values[:, :n],
            D,
            np.where(ln_cap < _LN_NO_CAP - 1.0, np.exp(ln_cap), math.inf),
            rows[:, 3 * n],
            rows[:, 3 * n + 1 : 4 * n + 1],
            rows[:, 4 * n + 1 :],
        )


class TemperatureTable:
    """Linear interpolation of :class:`MeltProperties` rows between temperature nodes."""

    def __init__(self, melt: MeltProperties, T_first: float, rows: np.ndarray) -> None:
        self._melt = melt
        self._T_first = T_first
        self._intervals, self._last = _intervals(rows), len(rows) - 2
        self.T_min = T_first
        self.T_max = T_first + (len(rows) - 1) * NODE_SPACING_K

    def at_many(self, T: np.ndarray) -> NodeArrays:
        """Properties at each of the temperatures T (K), as arrays (times, fluids)."""
        return self._melt._unpack_many(self.rows_at(T))

    def rows_at(self, T: np.ndarray) -> np.ndarray:
        """The interpolated rows (ln H, ln D, ln cap, sigma_0, a_i, b_i) at the temperatures T."""
        x = (np.asarray(T, dtype=float) - self._T_first) / NODE_SPACING_K
        k = np.minimum(np.maximum(x, 0.0), self._last).astype(np.intp)
        f = np.minimum(np.maximum(x - k, 0.0), 1.0)[:, None]
        return _interpolate(self._intervals, k, f)


def _intervals(rows: np.ndarray) -> np.ndarray:
    """Per interval between consecutive rows: the row at its start, then the step to its end,
    side by side, so that a lookup is one gather (:func:`_interpolate`)."""
    return np.hstack([rows[:-1], np.diff(rows, axis=0)])


def _interpolate(intervals: np.ndarray, k: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The rows at fractions f (n, 1) of the intervals k (n,) of :func:`_intervals`."""
    interval = intervals[k]
    width = interval.shape[1] // 2
    return interval[:, :width] + f * interval[:, width:]


class Timeline:
    """Knots of a melt history: times at which T(t) and P(t) are exact and between which both
    are linear in a coordinate x(t) (t itself, or the log of the time since an event).

    Parameters
    ----------
    times : the knots, s, increasing.
    coordinate : x(t) for an array of times, non-decreasing.
    """

    def __init__(self, times: np.ndarray, coordinate: Callable[[np.ndarray], np.ndarray]):
        self.times, self.coordinate = np.asarray(times, dtype=float), coordinate


class Conditions:
    """T (K), P (Pa), the properties (:class:`NodeArrays`) and ln of the neat melt's viscosity
    (Pa s) along a melt history, at arrays of times: what a growing cell needs at each
    right-hand side.

    By default T(t) and P(t) are sampled and the properties follow (``nodes_at``, and the neat
    viscosity exactly). Where both are :class:`Track` s with one :class:`Timeline` and a
    :class:`TemperatureTable` ``table`` is given, all of it is tabulated once on the knots in
    [t0, t1], refined so that T moves by at most ``REFINE_K`` between them, and interpolated
    linearly in the timeline's coordinate: T and P as the tracks have them (exactly: both are
    linear in it between knots), the property rows from ``table`` and the neat ln viscosity,
    exact at the knots, to their second derivatives times REFINE_K^2 / 8. Over the parcels of
    the bundled examples, against sampling: H and D within 4.3e-5, ln eta within 5.9e-4 where
    eta < 1e12 Pa s (a glass is stored as ln eta = GLASS_LN); tests/foaming/test_foam.py. A
    call then costs 22 us instead of 34 us for 20 times (ad-hoc).
    """

    #: Largest change of T between two knots of the tabulated conditions, K.
    REFINE_K = 0.5
    #: ln viscosity stored for a glass (exp(-GLASS_LN) is 0.0 in floating point).
    GLASS_LN = 1e3

    def __init__(self, melt, T_of_t, P_of_t, nodes_at, table=None, t0=0.0, t1=0.0) -> None:
        self._melt, self._T, self._P, self._nodes_at = melt, T_of_t, P_of_t, nodes_at
        timeline = getattr(T_of_t, "timeline", None)
        self.tabulated = (
            table is not None
            and timeline is not None
            and timeline is getattr(P_of_t, "timeline", None)
        )
        if self.tabulated:
            self._x = timeline.coordinate
            self._tabulate(timeline, table, t0, t1)

    def _tabulate(self, timeline: Timeline, table, t0: float, t1: float) -> None:
        times = timeline.times
        lo = max(int(np.searchsorted(times, t0, "right")) - 1, 0)
        hi = min(int(np.searchsorted(times, t1, "left")) + 1, len(times))
        knots = times[lo:hi] if hi - lo >= 2 else times[max(lo - 1, 0) : lo + 2]
        x, T, P = self._x(knots), sample(self._T, knots), sample(self._P, knots)
        # refine: T and P are linear in x between the knots, so the points added are exact
        parts = np.maximum(np.ceil(np.abs(np.diff(T)) / self.REFINE_K), 1).astype(int)
        interval = np.repeat(np.arange(len(parts)), parts)  # of each point but the last
        fraction = (np.arange(len(interval)) - np.repeat(np.cumsum(parts) - parts, parts)) / (
            parts[interval]
        )
        x, T, P = (
            np.append(v[interval] + fraction * np.diff(v)[interval], v[-1]) for v in (x, T, P)
        )
        neat = np.minimum(self._melt.ln_neat_viscosities(T, P), self.GLASS_LN)
        rows = np.column_stack([T, P, neat, table.rows_at(T)])
        keep = np.append(np.diff(x) > 0.0, True)  # no interval of zero width
        self._xk, rows = x[keep], rows[keep]
        self._intervals = _intervals(rows)
        self._inv_dx = 1.0 / np.diff(self._xk)
        self._inner = self._xk[1:-1]

    def __call__(self, t: np.ndarray):
        """T, P, the properties and ln eta_neat at the times t (s)."""
        if not self.tabulated:
            T, P = sample(self._T, t), sample(self._P, t)
            return T, P, self._nodes_at(T), self._melt.ln_neat_viscosities(T, P)
        x = self._x(t)
        k = np.searchsorted(self._inner, x, "right")  # the interval, 0 to len(knots) - 2
        f = np.minimum(np.maximum((x - self._xk[k]) * self._inv_dx[k], 0.0), 1.0)[:, None]
        row = _interpolate(self._intervals, k, f)
        return row[:, 0], row[:, 1], self._melt._unpack_many(row[:, 3:]), row[:, 2]


class NodeArrays:
    """Temperature-dependent properties of the fluids of a melt: arrays (times, fluids) and
    (times,) at many temperatures, or (fluids,) and a number at one.

    Attributes
    ----------
    henry : Henry constant of each fluid, (kg/kg polymer) / Pa.
    diffusivity : diffusion coefficient of each fluid in the melt, m2/s.
    cap : vapour pressure of each condensable fluid, Pa; ``inf`` for gases and above Tc.
    sigma0 : surface tension of the neat melt, N/m.
    sigma_slope, sigma_curvature : a_i and b_i of the surface-tension law (module docstring).
    """

    __slots__ = ("henry", "diffusivity", "cap", "sigma0", "sigma_slope", "sigma_curvature")

    def __init__(self, henry, diffusivity, cap, sigma0, sigma_slope, sigma_curvature) -> None:
        self.henry = henry
        self.diffusivity = diffusivity
        self.cap = cap
        self.sigma0 = sigma0
        self.sigma_slope = sigma_slope
        self.sigma_curvature = sigma_curvature

    def row(self, i: int) -> NodeArrays:
        """The properties at the i-th of the temperatures."""
        return NodeArrays(*(getattr(self, name)[i] for name in self.__slots__))


def _compute_row(
    polymer: Polymer, fluids: tuple[str, ...], condensable: np.ndarray, T: float, sigma: bool
) -> np.ndarray:
    ln_h = [math.log(henry_constant(polymer, name, T)) for name in fluids]
    ln_d = [math.log(diffusivity(polymer, name, T)) for name in fluids]
    ln_cap = []
    for name, cond in zip(fluids, condensable, strict=True):
        p_vap = vapour_pressure(name, T) if cond else math.inf
        ln_cap.append(math.log(p_vap) if math.isfinite(p_vap) else _LN_NO_CAP)
    sigma0 = neat_surface_tension(polymer, T) if sigma else 0.0
    slopes, curvatures = [], []
    for name in fluids:
        if not sigma or sigma0 <= 0.0:
            slopes.append(0.0)
            curvatures.append(0.0)
            continue
        # (sigma / sigma0)^(1/4) = 1 + a w + b w^2 through two loadings of the fluid alone
        most = max_dissolved(polymer, name, T)
        w1 = min(SIGMA_REFERENCE_LOADING[0], 0.5 * most)
        w2 = min(SIGMA_REFERENCE_LOADING[1], 0.95 * most)
        r1 = (surface_tension(polymer, T, {name: w1}) / sigma0) ** 0.25 - 1.0
        r2 = (surface_tension(polymer, T, {name: w2}) / sigma0) ** 0.25 - 1.0
        b = (r2 / w2 - r1 / w1) / (w2 - w1)
        slopes.append(r1 / w1 - b * w1)
        curvatures.append(b)
    return np.array([*ln_h, *ln_d, *ln_cap, sigma0, *slopes, *curvatures])


def _positive_or_none(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0.0):
        raise ValueError(f"{name} must be a finite positive number, not {value!r}")
    return float(value)


def constant_or_callable(value: float | Callable[[float], float], name: str, unit: str):
    """A callable of time (s) from a number or a callable; numbers are checked to be finite."""
    if callable(value):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(
            f"{name} must be a finite number in {unit} or a callable of t, not {value!r}"
        )
    constant = float(value)
    return _Constant(constant)


class _Constant:
    """A constant function of time that says it is constant (the solver skips interpolation)."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = value

    def __call__(self, t: float) -> float:
        return self.value

    def many(self, times: np.ndarray) -> np.ndarray:
        return np.full(len(times), self.value)


class Track:
    """A function of time (s) that can also be sampled on many times at once.

    ``one(t)`` serves single calls, ``many(times)`` arrays (see :func:`sample`); a ``timeline``
    says where it is exact and in what it is linear between (:class:`Conditions`).
    """

    __slots__ = ("one", "many", "timeline")

    def __init__(
        self,
        one: Callable[[float], float],
        many: Callable[[np.ndarray], np.ndarray],
        timeline: Timeline | None = None,
    ) -> None:
        self.one, self.many, self.timeline = one, many, timeline

    def __call__(self, t: float) -> float:
        return self.one(t)


def sample(function: Callable[[float], float], times: np.ndarray) -> np.ndarray:
    """``function`` at each of ``times``: in one call where it offers ``many``, else one by one."""
    many = getattr(function, "many", None)
    if many is not None:
        return np.asarray(many(times), dtype=float)
    return np.array([function(t) for t in times], dtype=float)


def is_constant(function: Callable[[float], float]) -> bool:
    """True for the constants made by :func:`constant_or_callable`."""
    return isinstance(function, _Constant)


__all__ = [
    "Conditions",
    "MeltProperties",
    "NodeArrays",
    "TemperatureTable",
    "Timeline",
    "Track",
    "constant_or_callable",
    "is_constant",
    "sample",
]
