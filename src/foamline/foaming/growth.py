"""Growth of one cell: a bubble in its melt shell (Amon-Denson cell model), several fluids.

A bubble of radius R(t) sits at the centre of a spherical shell of melt, R < r < S(t). The melt
is incompressible, so the shell volume is fixed: S^3 - R^3 = S0^3 - R0^3 (``S = inf``: an isolated
bubble in an infinite melt). Fluids i (CO2, H2O, ...) are dissolved in the shell as w_i(r, t), kg
fluid per kg polymer, initially uniform; they diffuse to the bubble and fill it.

Momentum (creeping Newtonian flow in the shell, no inertia; Amon & Denson 1984, Arefmanesh &
Advani 1991; MoDeNa drops the R^3/S^3 term)::

    p_g - P - 2 sigma / R = (4 eta dR/dt / R) (1 - R^3 / S^3),        p_g = sum_i p_i

eta is the zero-shear viscosity at the wall temperature T(t), ambient pressure P(t) and wall
composition w_i(R) (``foamline.materials.zero_shear_viscosity``); sigma the surface tension of
the melt holding w_i(R) (``foamline.materials.surface_tension``, tabulated, see ``properties``).

Gas in the bubble, ideal gas (adequate below a few MPa, foam-models.md 2.1; steam near its
saturation line deviates by up to 30 % at 300 C, which is accepted here)::

    d m_i / dt = 4 pi R^2 rho_p D_i (dw_i/dr)|_R,        m_i = p_i V M_i / (R_g T),  V = 4/3 pi R^3

with rho_p the polymer mass per melt volume (the neat melt density at the start; the swelling by
the dissolved fluids and the thermal contraction of the shell are neglected).

Interface (Henry's law, ``foamline.materials.henry_constant``)::

    w_i(R, t) = H_i(T) p_i

Condensable fluids (pair model "activity": water, ethanol) cannot exceed their vapour pressure:
m_i counts all of fluid i in the cell, p_i = min(m_i R_g T / (M_i V), p_vap,i(T)), and the rest,
m_i - p_vap,i V M_i / (R_g T) when positive, is liquid condensed on the cell wall (its volume is
neglected: water at 1 bar and 100 C is 1600 times denser than its vapour). The wall is then in
equilibrium with the liquid: w_i(R) = H_i p_vap,i, the most the melt holds (activity 1). On
cooling the cap falls steeply with T, vapour condenses, p_g falls and the cell shrinks unless
the melt has vitrified (eta = inf stops the wall).

Diffusion in the shell (Fick, constant D_i(T)) in the Lagrangian volume coordinate
y = r^3 - R^3, in which a melt particle keeps its y, so the radial convection disappears. With
dy = 3 r^2 dr and the flux 4 pi r^2 rho_p D dw/dr = (4 pi / 3) rho_p 9 D r^4 dw/dy::

    dw_i/dt = 9 D_i d/dy ( r^4 dw_i/dy ),    r = (y + R^3)^(1/3),    0 < y < Y = S0^3 - R0^3
    w_i(0, t) = H_i p_i,    dw_i/dy (Y, t) = 0,    d m_i/dt = (4 pi / 3) rho_p 9 D_i R^4 dw_i/dy|_0

(MoDeNa bubbleGrowth ``odesystem``, foam-models.md 2.4. A viscoelastic melt would replace the
right-hand side of the momentum balance by the stress integral -2 int_R^S (tau_rr - tau_tt)/r dr,
Arefmanesh & Advani 1991, Everitt, Harlen & Wilson 2006; not done here.)

fidelity="full": finite volumes on a grid in y whose widths grow geometrically (ratio about 1.15)
from a first cell 1/20 of the wall layer sqrt(pi tau) (tau below) at 1e-4 of the run, or when
the bubble has grown by 1e-6 of its final growth if earlier; the wall gradient is one-sided
second order; the method of lines is integrated by the Rosenbrock method RODAS3 of
:mod:`.rosenbrock` (the linear algebra by the Jacobian's structure, :class:`.cell.FullCells`),
all the cells of a foam at once. The fluxes telescope, so each fluid's total is conserved to
round-off. For an isolated bubble the melt is cut at a finite Y beyond both 10 sqrt(tau_i) and
(1.2 R_end + 8 sqrt(D_max t_end))^3 - (1.2 R_end)^3, several diffusion lengths beyond the
bubble, with R_end and tau from a fast run first: the far end stays undepleted to < 1e-6.

fidelity="fast": an integral closure with two ODEs per fluid. The depleted amount
Q_i = int_0^Y (w_i,0 - w_i) dy equals the fluid gained by the cell, and the wall flux is that of
the Epstein-Plesset sphere written in the Lagrangian coordinate, plus a shell term::

    dQ_i/dt = 9 D_i R^4 (wbar_i - H_i p_i) [1 / (3 R^3) + 1 / sqrt(pi tau_i) + pi^2 / (4 Y)]
    dtau_i/dt = 9 D_i R^4,      wbar_i = w_i,0 - Q_i / Y

1/(3R^3) is the quasi-steady sphere, 1/sqrt(pi tau) the penetrating layer (erfc in y with the
Lagrangian diffusion age tau, exact for a thin layer around a growing bubble), pi^2/(4Y) the
slowest mode of a fully penetrated shell, driven by the shell mean wbar. For an isolated bubble
at constant supersaturation the closure gives R within 2.3 % of Scriven's exact similarity
solution for Jakob numbers 0.01 to 100 (exact in both limits); against "full" the final radius
differs by < 3 % on the test cases of tests/foaming (docs/foaming.md has the figures). It
ignores the history of the wall concentration (no Duhamel integral), so it is less accurate
under fast pressure ramps.

Both fidelities are integrated by RODAS3, with steps ending at the report times, or free and
each reported where none are given. Many cells (the cohorts of a foam): :func:`advance_cells`
integrates them as rows of one array, each from its birth with steps of its own, until it ends
or collapses, and :class:`PausedCells` pauses that integration (fast fidelity), at the die
exit, to finish it under several later conditions.

References
----------
Amon, M., Denson, C.D. A study of the dynamics of foam growth: analysis of the growth of closely
spaced spherical bubbles. Polym. Eng. Sci. 24 (1984) 1026-1034.
Arefmanesh, A., Advani, S.G. Diffusion-induced growth of a gas bubble in a viscoelastic fluid.
Rheol. Acta 30 (1991) 274-283.
Scriven, L.E. On the dynamics of phase growth. Chem. Eng. Sci. 10 (1959) 1-13.
Epstein, P.S., Plesset, M.S. On the stability of gas bubbles in liquid-gas solutions.
J. Chem. Phys. 18 (1950) 1505-1509.
Everitt, S.L., Harlen, O.G., Wilson, H.J. Bubble growth in a two-dimensional viscoelastic foam.
J. Non-Newton. Fluid Mech. 137 (2006) 60-71.
MoDeNa-EUProject/MoDeNa, applications/PUfoam/MoDeNaModels/bubbleGrowth/src/src/model.f90.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from foamline.errors import FoamlineError
from foamline.foaming import rosenbrock
from foamline.foaming.cell import FOUR_PI_3, FastCells, FullCells, gas
from foamline.foaming.grid import ShellGrid, stretched_grid
from foamline.foaming.properties import (
    Conditions,
    MeltProperties,
    constant_or_callable,
    is_constant,
    sample,
)
from foamline.materials import Polymer, partial_pressures

FIDELITIES = ("full", "fast")
#: A bubble that shrinks below this fraction of its initial radius has dissolved.
COLLAPSE_FRACTION = 0.1
COLLAPSE_L = math.log(COLLAPSE_FRACTION)  # the same as l = ln(R / R0)
DEFAULT_RTOL = {"full": 1e-5, "fast": 1e-4}
#: Loadings below this (kg/kg, 1e-10 wt%) are taken as zero.
TRACE_LOADING = 1e-12
#: Tolerance of the fast run that sizes the full-fidelity grid.
SIZING_RTOL = 1e-3
#: The first cell is this fraction of the wall layer sqrt(pi tau) at the early time below.
FIRST_CELL_FRACTION = 0.05
EARLY_FRACTION = 1e-4
GROWN_FRACTION = 1e-6


class GrowthSolverError(FoamlineError):
    """The growth integrator could not advance (a step size collapsed)."""


@dataclass(frozen=True)
class ShellProfile:
    """Dissolved fluids across the shell at the end of a full-fidelity run.

    Attributes
    ----------
    y : cell centres in the volume coordinate y = r^3 - R^3, m3.
    r : radius of the cell centres, m.
    w : fluid -> dissolved amount in each cell, kg per kg polymer.
    """

    y: np.ndarray
    r: np.ndarray
    w: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class CellHistory:
    """History of one growing cell. Arrays run over the times ``t``; mappings are per fluid.

    Attributes
    ----------
    t : time, s.
    R : bubble radius, m.
    p : partial pressure of each fluid in the bubble, Pa.
    gas_kg : mass of each fluid as gas (vapour) in the bubble, kg.
    condensed_kg : mass of each fluid condensed as liquid in the cell, kg (0 for gases).
    dissolved_kg : mass of each fluid dissolved in the shell, kg. For an isolated bubble: in the
        finite numerical shell (full fidelity) or ``inf`` (fast fidelity).
    wall : dissolved amount at the bubble wall, kg per kg polymer.
    T : temperature, K.  P : ambient melt pressure, Pa.
    viscosity : zero-shear viscosity at the wall, Pa s.
    surface_tension : surface tension at the wall, N/m.
    shell_volume : melt volume of the shell, m3 (``inf`` for an isolated bubble).
    polymer_kg : polymer mass of the shell, kg (``inf`` for an isolated bubble).
    melt_density : polymer mass per melt volume, kg/m3.
    fidelity : "full" or "fast".
    collapsed : True if the bubble dissolved (R fell below a tenth of R0); the arrays end there.
    profile : the final dissolved profile (full fidelity), else None.
    """

    t: np.ndarray
    R: np.ndarray
    p: Mapping[str, np.ndarray]
    gas_kg: Mapping[str, np.ndarray]
    condensed_kg: Mapping[str, np.ndarray]
    dissolved_kg: Mapping[str, np.ndarray]
    wall: Mapping[str, np.ndarray]
    T: np.ndarray
    P: np.ndarray
    viscosity: np.ndarray
    surface_tension: np.ndarray
    shell_volume: float
    polymer_kg: float
    melt_density: float
    fidelity: str
    collapsed: bool
    profile: ShellProfile | None = None

    @property
    def fluids(self) -> tuple[str, ...]:
        return tuple(self.p)

    @property
    def p_gas(self) -> np.ndarray:
        """Total gas pressure in the bubble, Pa."""
        return np.sum([self.p[name] for name in self.p], axis=0)

    @property
    def S(self) -> np.ndarray:
        """Outer radius of the shell, m (``inf`` for an isolated bubble)."""
        return np.cbrt(self.R**3 + self.shell_volume / FOUR_PI_3)

    @property
    def porosity(self) -> np.ndarray:
        """Void fraction of the cell, V_bubble / (V_bubble + V_shell); 0 for an isolated bubble."""
        v = FOUR_PI_3 * self.R**3
        return v / (v + self.shell_volume)

    def total_kg(self, fluid_name: str) -> np.ndarray:
        """All of one fluid in the cell (gas + condensed + dissolved), kg."""
        return (
            self.gas_kg[fluid_name] + self.condensed_kg[fluid_name] + self.dissolved_kg[fluid_name]
        )

    def mass_balance_error(self) -> dict[str, float]:
        """Largest relative drift of each fluid's total mass over the history.

        ``nan`` for an isolated bubble in fast fidelity (no finite melt to count), 0 for a fluid
        the cell does not hold.
        """
        out = {}
        for name in self.p:
            total = self.total_kg(name)
            if not np.isfinite(total[0]):
                out[name] = math.nan
            elif total[0] == 0.0:
                out[name] = 0.0
            else:
                out[name] = float(np.max(np.abs(total - total[0])) / total[0])
        return out


def grow_cell(
    polymer: str | Polymer,
    dissolved_wt_pct: Mapping[str, float],
    T_K: float | Callable[[float], float],
    P_Pa: float | Callable[[float], float],
    t_end_s: float,
    R0_m: float,
    shell_radius_m: float = math.inf,
    viscosity_Pa_s: float | None = None,
    surface_tension_N_m: float | None = None,
    fidelity: str = "full",
) -> CellHistory:
    """Grow one bubble of initial radius R0 in its melt shell from t = 0 to ``t_end_s``.

    Parameters
    ----------
    polymer : library name (``"PES"``) or :class:`~foamline.materials.Polymer`.
    dissolved_wt_pct : fluid -> dissolved amount, wt% of polymer (g per 100 g), uniform at t = 0.
    T_K : temperature, K, constant or a callable of t (s).
    P_Pa : ambient melt pressure, Pa, constant or a callable of t (s).
    t_end_s : end time, s.
    R0_m : initial bubble radius, m. The bubble starts with each fluid at the partial pressure
        in equilibrium with the melt, p_i = w_i / H_i(T) (a nucleus at the saturation pressure).
    shell_radius_m : initial outer radius S0 of the melt shell, m; ``inf`` for an isolated bubble
        (a cell density N per melt volume gives S0 = (3 / (4 pi N))^(1/3)).
    viscosity_Pa_s : a constant viscosity, Pa s, instead of the materials model at the wall.
    surface_tension_N_m : a constant surface tension, N/m, instead of the materials model.
    fidelity : "full" (finite volumes across the shell) or "fast" (integral closure).

    Returns
    -------
    CellHistory with t, R, the partial pressures and the mass of each fluid as gas, condensate
    and dissolved.

    Examples
    --------
    3 wt% CO2 and 0.5 wt% water in PES at 300 C and 1 bar: a 1 um bubble in a 20 um shell grows
    in 1 s to its equilibrium, where the shell holds only what 1 bar keeps dissolved.

    >>> h = grow_cell("PES", {"CO2": 3.0, "H2O": 0.5}, 573.15, 1e5, 1.0, 1e-6, 20e-6)
    >>> print(f"R = {h.R[-1] * 1e6:.1f} um, porosity {h.porosity[-1]:.2f}")
    R = 77.1 um, porosity 0.98
    """
    if fidelity not in FIDELITIES:
        raise ValueError(f"fidelity must be one of {FIDELITIES}, not {fidelity!r}")
    if not isinstance(dissolved_wt_pct, Mapping) or not dissolved_wt_pct:
        raise ValueError("dissolved_wt_pct must map at least one fluid to its wt% of polymer")
    _check_positive(t_end_s, "t_end_s", "s")
    _check_positive(R0_m, "R0_m", "m")
    if not (shell_radius_m > R0_m):
        raise ValueError(
            f"shell_radius_m = {shell_radius_m} m must exceed R0_m = {R0_m} m (or be math.inf)"
        )
    for name, value in dissolved_wt_pct.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0.0):
            raise ValueError(f"dissolved_wt_pct[{name!r}] must be a finite wt% >= 0, not {value!r}")
    melt = MeltProperties(polymer, list(dissolved_wt_pct), viscosity_Pa_s, surface_tension_N_m)
    dissolved = {
        name: value / 100.0
        for name, value in zip(melt.fluids, dissolved_wt_pct.values(), strict=True)
    }
    T = constant_or_callable(T_K, "T_K", "K")
    P = constant_or_callable(P_Pa, "P_Pa", "Pa")
    if math.isinf(shell_radius_m):
        shell_kg = math.inf
    else:
        rho = melt.melt_density(_checked_T(T(0.0)), _checked_P(P(0.0)))
        shell_kg = rho * FOUR_PI_3 * (shell_radius_m**3 - R0_m**3)
    return advance_cell(melt, dissolved, R0_m, shell_kg, T, P, 0.0, t_end_s, fidelity=fidelity)


def advance_cell(
    melt: MeltProperties,
    dissolved: Mapping[str, float],
    R0_m: float,
    shell_polymer_kg: float,
    T_K: float | Callable[[float], float],
    P_Pa: float | Callable[[float], float],
    t_start_s: float,
    t_end_s: float,
    *,
    fidelity: str = "full",
    initial_pressures_Pa: Mapping[str, float] | None = None,
    t_eval: Sequence[float] | np.ndarray | None = None,
    n_cells: int | None = None,
    rtol: float | None = None,
) -> CellHistory:
    """Advance one cell from ``t_start_s`` to ``t_end_s`` under T(t) and P(t): the growth core.

    The nucleation and cohort models call this once per cohort, with one shared ``melt``.

    Parameters
    ----------
    melt : the polymer and its fluids (:class:`~foamline.foaming.properties.MeltProperties`).
    dissolved : fluid -> dissolved amount, kg per kg polymer, uniform in the shell at the start.
    R0_m : bubble radius at the start, m.
    shell_polymer_kg : polymer mass of the shell, kg (1 / N times the melt density for N cells
        per melt volume); ``math.inf`` for an isolated bubble.
    T_K, P_Pa : temperature (K) and ambient pressure (Pa), constants or callables of t (s).
    t_start_s, t_end_s : start and end time, s.
    fidelity : "full" or "fast" (see the module docstring).
    initial_pressures_Pa : fluid -> partial pressure in the bubble at the start, Pa; by default
        the pressures in equilibrium with ``dissolved``, w_i / H_i(T).
    t_eval : times (s) at which to report; by default every step of the integrator.
    n_cells : number of finite volumes across the shell (full fidelity); by default chosen for
        a cell-width ratio near 1.15 (40 to 160 cells).
    rtol : relative tolerance of the integrator (default 1e-5 full, 1e-4 fast; the closure
        error of the fast fidelity is far larger than 1e-4).
    """
    if fidelity not in FIDELITIES:
        raise ValueError(f"fidelity must be one of {FIDELITIES}, not {fidelity!r}")
    for value, name in ((t_start_s, "t_start_s"), (t_end_s, "t_end_s")):
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{name} must be a finite time >= 0 s, not {value!r}")
    if not t_end_s > t_start_s:
        raise ValueError(f"t_end_s = {t_end_s} s must be later than t_start_s = {t_start_s} s")
    _check_positive(R0_m, "R0_m", "m")
    if not (shell_polymer_kg > 0.0):
        raise ValueError(f"shell_polymer_kg must be positive (or math.inf), not {shell_polymer_kg}")
    T, P = constant_or_callable(T_K, "T_K", "K"), constant_or_callable(P_Pa, "P_Pa", "Pa")
    run = _Run(melt, dissolved, T, P, float(t_start_s), float(t_end_s))
    times = None if t_eval is None else _check_t_eval(t_eval, t_start_s, t_end_s)
    tol = DEFAULT_RTOL[fidelity] if rtol is None else float(rtol)
    cells = run.fast_cells([R0_m], [shell_polymer_kg], [t_start_s], initial_pressures_Pa)
    if fidelity == "fast":
        return run.fast(cells, tol, [times])[0]
    return run.full(cells, run.grids(cells, n_cells), tol, [times])[0]


def advance_cells(
    melt: MeltProperties,
    dissolved: Mapping[str, float],
    R0_m: Sequence[float] | np.ndarray,
    shell_polymer_kg: Sequence[float] | np.ndarray,
    T_K: float | Callable[[float], float],
    P_Pa: float | Callable[[float], float],
    t_start_s: Sequence[float] | np.ndarray,
    t_end_s: float,
    *,
    t_eval: Sequence[Sequence[float] | np.ndarray | None] | None = None,
    fidelity: str = "fast",
    rtol: float | None = None,
) -> list[CellHistory]:
    """Advance many cells together: the cohorts of one foam.

    The cells share the melt, its loading ``dissolved`` and T(t), P(t); each has its own initial
    radius, shell and start (birth) time. They are integrated together, as rows of one array
    (vectorised over the cells), each from its birth to ``t_end_s`` with steps of its own, or until
    it collapses; in full fidelity one fast run of them first sizes every cell's grid. Each
    history equals that of :func:`advance_cell` within the integration tolerance.

    Parameters
    ----------
    R0_m, shell_polymer_kg, t_start_s : one per cell, as in :func:`advance_cell` (m, kg, s).
    t_eval : one sequence of report times (s) per cell, or None (every step); each within
        [t_start_s of the cell, t_end_s].
    fidelity, rtol : as in :func:`advance_cell`.
    """
    if fidelity not in FIDELITIES:
        raise ValueError(f"fidelity must be one of {FIDELITIES}, not {fidelity!r}")
    R0, shells, births, evals = _check_cells(R0_m, shell_polymer_kg, t_start_s, t_end_s, t_eval)
    T, P = constant_or_callable(T_K, "T_K", "K"), constant_or_callable(P_Pa, "P_Pa", "Pa")
    run = _Run(melt, dissolved, T, P, float(births.min()), float(t_end_s))
    cells = run.fast_cells(R0, shells, births)
    tol = DEFAULT_RTOL[fidelity] if rtol is None else float(rtol)
    if fidelity == "fast":
        return run.fast(cells, tol, evals)
    return run.full(cells, run.grids(cells, None), tol, evals)


class PausedCells:
    """Cells in fast fidelity advanced together up to a pause, then finished, possibly several
    times, under T(t), P(t) that agree with the first ones up to the pause.

    The foam uses it for the die: the melt parcel's history there does not depend on how the
    sheet cools afterwards, so the cooling passes share it. Arguments as
    :func:`advance_cells`; every birth must precede ``t_pause_s``, and ``t_eval`` holds each
    cell's report times up to the pause.
    """

    def __init__(
        self,
        melt: MeltProperties,
        dissolved: Mapping[str, float],
        R0_m: np.ndarray,
        shell_polymer_kg: np.ndarray,
        T_K: float | Callable[[float], float],
        P_Pa: float | Callable[[float], float],
        t_start_s: np.ndarray,
        t_pause_s: float,
        t_eval: list[np.ndarray],
        rtol: float | None = None,
    ) -> None:
        R0, shells, births, evals = _check_cells(
            R0_m, shell_polymer_kg, t_start_s, t_pause_s, t_eval
        )
        self.melt, self.dissolved, self.t_pause = melt, dissolved, float(t_pause_s)
        self._births, self._evals = births, evals
        T, P = constant_or_callable(T_K, "T_K", "K"), constant_or_callable(P_Pa, "P_Pa", "Pa")
        run = _Run(melt, dissolved, T, P, float(births.min()), self.t_pause)
        self._cells = run.fast_cells(R0, shells, births)
        tol = DEFAULT_RTOL["fast"] if rtol is None else float(rtol)
        self._state = _Cohorts(self._cells, tol, evals).advance(self.t_pause)

    def finish(
        self,
        T_K: float | Callable[[float], float],
        P_Pa: float | Callable[[float], float],
        t_end_s: float,
        t_eval: list[np.ndarray],
    ) -> list[CellHistory]:
        """Advance from the pause to ``t_end_s`` under T_K, P_Pa; ``t_eval`` per cell must begin
        with the report times given up to the pause."""
        T, P = constant_or_callable(T_K, "T_K", "K"), constant_or_callable(P_Pa, "P_Pa", "Pa")
        births = self._births
        run = _Run(self.melt, self.dissolved, T, P, float(births.min()), float(t_end_s))
        cells = self._cells.under(run.conditions)
        evals = _check_evals(t_eval, births, t_end_s)
        for k, (before, after) in enumerate(zip(self._evals, evals, strict=True)):
            if before is None and after is None:  # reports at every step
                continue
            if before is None or after is None or not np.array_equal(before, after[: len(before)]):
                raise ValueError(
                    f"t_eval of cell {k} must begin with its report times up to the pause"
                )
        state = self._state.fork(cells, evals).advance(float(t_end_s))
        return run.histories(cells, state.results())


def _check_cells(R0_m, shell_polymer_kg, t_start_s, t_end_s: float, t_eval):
    """The cells' arrays and report times, checked: one value per cell, born before t_end_s."""
    R0 = np.asarray(R0_m, dtype=float)
    shells = np.asarray(shell_polymer_kg, dtype=float)
    births = np.asarray(t_start_s, dtype=float)
    if R0.ndim != 1 or len(R0) == 0 or shells.shape != R0.shape or births.shape != R0.shape:
        raise ValueError("R0_m, shell_polymer_kg and t_start_s need one value per cell")
    if not (np.all(np.isfinite(R0)) and np.all(R0 > 0.0) and np.all(shells > 0.0)):
        raise ValueError("each R0_m must be finite and positive and each shell_polymer_kg > 0")
    if not (math.isfinite(t_end_s) and np.all(births >= 0.0) and np.all(births < t_end_s)):
        raise ValueError(f"each t_start_s must lie in [0, {t_end_s} s)")
    return R0, shells, births, _check_evals(t_eval, births, t_end_s)


def _check_evals(t_eval, births: np.ndarray, t_end_s: float) -> list:
    """One checked sequence of report times (or None) per cell born at ``births``."""
    evals = [None] * len(births) if t_eval is None else list(t_eval)
    if len(evals) != len(births):
        raise ValueError("t_eval needs one sequence (or None) per cell")
    return [
        None if e is None else _check_t_eval(e, float(t0), t_end_s)
        for e, t0 in zip(evals, births, strict=True)
    ]


# -- the drivers -----------------------------------------------------------------------------
class _Run:
    """One call: the melt, its loading and T(t), P(t) shared by the cells; their integration."""

    def __init__(
        self,
        melt: MeltProperties,
        dissolved: Mapping[str, float],
        T_of_t: Callable[[float], float],
        P_of_t: Callable[[float], float],
        t0: float,
        t1: float,
    ) -> None:
        self.melt = melt
        self.fluids = melt.fluids
        w0 = _per_fluid(melt, dissolved, "dissolved", "kg/kg")
        w0[w0 < TRACE_LOADING] = 0.0
        self.w0 = w0
        self.T_of_t, self.P_of_t, self.t0, self.t1 = T_of_t, P_of_t, t0, t1
        T0, _ = _checked_T(T_of_t(t0)), _checked_P(P_of_t(t0))
        times = np.linspace(t0, t1, 257)
        if not is_constant(P_of_t):
            # a NaN is left to the integration, which stops there and says where
            pressures = sample(P_of_t, times)
            _checked_P(pressures[~np.isnan(pressures)])
        if is_constant(T_of_t):
            node = melt.at(T0)
            self.T_max = T0
            self.conditions = Conditions(
                melt, T_of_t, P_of_t, lambda T: melt.at_many(np.full(len(T), T0), node)
            )
        else:
            samples = sample(T_of_t, times)
            _checked_T(samples)
            table = melt.table(float(samples.min()), float(samples.max()))
            self.T_max = float(samples.max())
            self.conditions = Conditions(melt, T_of_t, P_of_t, table.at_many, table, t0, t1)
        # InfeasibleProcess if a condensable fluid exceeds what the melt holds:
        partial_pressures(melt.polymer, dict(zip(self.fluids, w0.tolist(), strict=True)), T0)

    def fast_cells(self, R0s, shell_kgs, t0s, initial_pressures=None) -> FastCells:
        """Cells of initial radii R0s (m) and shells of shell_kgs polymer (kg), born at t0s (s),
        with the loading's partial pressures at birth (or ``initial_pressures``, Pa)."""
        t0s = np.asarray(t0s, dtype=float)
        T0, P0, nodes, _ = self.conditions(t0s)
        _checked_T(T0)
        _checked_P(P0)
        if initial_pressures is None:
            if not np.any(self.w0 > 0.0):
                raise ValueError("the cell holds no fluid: give a positive dissolved amount")
            p0 = np.minimum(self.w0 / nodes.henry, nodes.cap)
        else:
            p0 = np.tile(
                _per_fluid(self.melt, initial_pressures, "initial_pressures_Pa", "Pa"),
                (len(t0s), 1),
            )
        rho = self.melt.melt_density(T0, P0)
        Y = np.asarray(shell_kgs, dtype=float) / (rho * FOUR_PI_3)
        R0 = np.asarray(R0s, dtype=float)
        return FastCells(self.melt, self.w0, p0, R0, rho, Y, t0s, self.t1, self.conditions)

    def fast(self, cells: FastCells, rtol: float, t_evals: list) -> list[CellHistory]:
        return self.histories(cells, _Cohorts(cells, rtol, t_evals).advance(self.t1).results())

    def histories(self, cells: FastCells, results: list) -> list[CellHistory]:
        """The histories of fast ``cells`` from their (times, states, collapsed) results."""
        parts = [(ts, zs[:, 0], *cells.contents(k, zs)) for k, (ts, zs, _) in enumerate(results)]
        collapsed = [c for *_, c in results]
        return self._histories(cells, parts, collapsed, "fast", [None] * len(results))

    def grids(self, cells: FastCells, n_cells: int | None) -> list[ShellGrid]:
        """The shell grid of each of ``cells``, sized by one fast run (see the module docstring)."""
        runs = _Cohorts(cells, SIZING_RTOL, [None] * len(cells.R0)).advance(self.t1).results()
        return [
            self._grid(ts, cells.R0[k] * np.exp(zs[:, 0]), cells.ages(k, zs), cells.Y[k], n_cells)
            for k, (ts, zs, _) in enumerate(runs)
        ]

    def _grid(self, ts, R, tau, Y: float, n_cells: int | None) -> ShellGrid:
        t0 = ts[0]
        grown = R**3 - R[0] ** 3
        # resolve the wall layer from early on: from 1e-4 of the run, or from when the bubble
        # has grown by 1e-6 of its final growth, whichever comes first
        k = int(np.searchsorted(ts, t0 + EARLY_FRACTION * (self.t1 - t0)))
        if grown[-1] > 0.0:
            k = min(k, int(np.argmax(grown >= GROWN_FRACTION * grown[-1])))
        k = min(max(k, 1), len(ts) - 1)
        first = FIRST_CELL_FRACTION * math.sqrt(math.pi * float(tau[k].min()))
        if math.isfinite(Y):
            extent = float(Y)
        else:
            D_max = float(self.melt.at(self.T_max).diffusivity.max())
            R_end = 1.2 * float(R.max())
            reach = (R_end + 8.0 * math.sqrt(D_max * (self.t1 - t0))) ** 3 - R_end**3
            extent = max(10.0 * math.sqrt(float(tau[-1].max())), reach)
        return stretched_grid(extent, max(first, 1e-12 * extent), n_cells)

    def full(self, cells: FastCells, grids: list[ShellGrid], rtol, t_evals) -> list[CellHistory]:
        """``cells`` in full fidelity, each on its grid."""
        full = FullCells(cells, grids)
        results = _Cohorts(full, rtol, t_evals).advance(self.t1).results()
        parts, profiles = [], []
        for k, (ts, zs, _) in enumerate(results):
            b, dissolved, w = full.contents(k, zs)
            parts.append((ts, zs[:, 0], b, dissolved))
            R_end = cells.R0[k] * math.exp(zs[-1, 0])
            centres = grids[k].centres.copy()
            profiles.append(
                ShellProfile(centres, np.cbrt(centres + R_end**3), self._by_fluid(w[-1].T))
            )
        return self._histories(cells, parts, [c for *_, c in results], "full", profiles)

    def _by_fluid(self, a: np.ndarray) -> Mapping[str, np.ndarray]:
        """The columns of ``a`` (rows, fluids), copied, by fluid name."""
        return MappingProxyType({name: a[:, i].copy() for i, name in enumerate(self.fluids)})

    def _histories(self, cells: FastCells, parts, collapsed, fidelity, profiles):
        """The :class:`CellHistory` of each of ``cells`` from its (times, ln(R / R0), contents
        b (m3 kg/kg), dissolved kg), with the properties of all of them in one call."""
        lengths = [len(ts) for ts, *_ in parts]
        row = np.repeat(np.arange(len(parts)), lengths)  # the cell of each row
        ts, ell, b, dissolved = (np.concatenate(column) for column in zip(*parts, strict=True))
        R, rho = cells.R0[row] * np.exp(ell), cells.rho[row][:, None]
        T, P, nodes, neat = self.conditions(ts)
        p, condensed = gas(b, rho, (R**3)[:, None], T[:, None], nodes.cap, self.melt.molar_mass)
        condensed = np.maximum(condensed, 0.0)
        wall = nodes.henry * p
        with np.errstate(over="ignore"):
            eta = np.exp(self.melt.ln_viscosities(neat, wall))
        to_kg = rho * FOUR_PI_3
        columns = (
            ts, R, p, to_kg * (b - condensed), to_kg * condensed, dissolved, wall, T, P, eta,
            self.melt.surface_tensions(nodes, wall),
        )  # fmt: skip
        ends = np.cumsum(lengths)[:-1]
        out = []
        for k, (t, R, p, gas_kg, condensed_kg, dissolved, wall, T, P, eta, sigma) in enumerate(
            zip(*(np.split(a, ends) for a in columns), strict=True)
        ):
            out.append(
                CellHistory(
                    t=t,
                    R=R,
                    p=self._by_fluid(p),
                    gas_kg=self._by_fluid(gas_kg),
                    condensed_kg=self._by_fluid(condensed_kg),
                    dissolved_kg=self._by_fluid(dissolved),
                    wall=self._by_fluid(wall),
                    T=T,
                    P=P,
                    viscosity=eta,
                    surface_tension=sigma,
                    shell_volume=FOUR_PI_3 * cells.Y[k],
                    polymer_kg=cells.rho[k] * FOUR_PI_3 * cells.Y[k],
                    melt_density=cells.rho[k],
                    fidelity=fidelity,
                    collapsed=collapsed[k],
                    profile=profiles[k],
                )
            )
        return out


class _Cohorts:
    """Cells (:class:`.cell.FastCells` or :class:`.cell.FullCells`), each integrated from its
    birth with steps of its own (:mod:`.rosenbrock`): the state of the integration, resumable
    and forkable (PausedCells).

    A cell's steps end at its report times, where its state is written (at every accepted step
    if it has none); it leaves when its radius falls below COLLAPSE_FRACTION of R0.
    """

    def __init__(self, cells: FastCells | FullCells, rtol: float, t_evals: list) -> None:
        K = len(cells.R0)
        self.cells, self.rtol = cells, rtol
        self.atol = cells.atol(rtol)
        self.t = np.array(cells.t0, dtype=float)
        self.z = cells.z0.copy()
        self.F = np.full_like(self.z, math.nan)  # dz/dt at (t, z), made when first needed
        # small systems: the Jacobian blocks dF/dz and dF/dt at (t, z) (NaN: to be made)
        self.dense = cells.linearize is None
        width = self.z.shape[1] if self.dense else 0
        self.J, self.dFdt = np.zeros((K, width, width)), np.full((K, width), math.nan)
        self.h = np.full(K, math.nan)  # the next step of each cell, s
        # each cell's last accepted step (s) and its error norm, for the step controller
        self.h_acc, self.err_acc = np.full(K, math.nan), np.full(K, math.nan)
        self.collapsed = np.zeros(K, dtype=bool)
        # the writes, in order: (cells, times, states) each; results() sorts them by cell
        self._log: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.written = np.full(K, -math.inf)  # time of each cell's last write
        self.done = np.zeros(K, dtype=int)  # report times already written, per cell
        self._plan(t_evals)
        for k, e in enumerate(t_evals):  # the states at birth
            times = self.t[[k]] if e is None else e[: np.searchsorted(e, self.t[k], "right")].copy()
            self._write(np.full(len(times), k), times, np.repeat(self.z[k : k + 1], len(times), 0))

    def _plan(self, t_evals: list) -> None:
        """Take ``t_evals`` as the report times from now on (those written stay)."""
        self.every = np.array([e is None for e in t_evals])  # cells reporting every step
        self._timed = not self.every.all()  # some cells have report times
        # the report times padded with inf, one row per cell
        most = max((len(e) for e in t_evals if e is not None), default=0)
        self._evals = np.full((len(t_evals), 1 + most), math.inf)
        for k, e in enumerate(t_evals):
            if e is not None:
                self._evals[k, : len(e)] = e
        self.next_report = self._evals[np.arange(len(t_evals)), self.done]

    def _write(self, cells: np.ndarray, times: np.ndarray, states: np.ndarray) -> None:
        """Write the states of ``cells`` at ``times``, at most one per cell (new arrays, kept)."""
        self._log.append((cells, times, states))
        self.written[cells] = times
        if self._timed:
            timed = cells[~self.every[cells]]
            self.done[timed] += 1
            self.next_report[timed] = self._evals[timed, self.done[timed]]

    def fork(self, cells: FastCells, t_evals: list) -> _Cohorts:
        """A copy that goes on with ``cells`` (other T(t), P(t)) and report times ``t_evals``,
        which begin with those already written."""
        new = copy.copy(self)
        new.cells = cells
        new.t, new.z, new.h = self.t.copy(), self.z.copy(), self.h.copy()
        new.h_acc, new.err_acc = self.h_acc.copy(), self.err_acc.copy()
        new.collapsed, new.F = self.collapsed.copy(), np.full_like(self.z, math.nan)
        new.J, new.dFdt = self.J.copy(), np.full_like(self.dFdt, math.nan)
        new._log, new.written, new.done = list(self._log), self.written.copy(), self.done.copy()
        new._plan(t_evals)
        return new

    def results(self) -> list[tuple[np.ndarray, np.ndarray, bool]]:
        """Per cell: its report times, its states there and whether it collapsed."""
        cells, times, states = (np.concatenate(part) for part in zip(*self._log, strict=True))
        order = np.argsort(cells, kind="stable")  # each cell's writes stay in time order
        ends = np.cumsum(np.bincount(cells, minlength=len(self.t)))
        times, states = np.split(times[order], ends[:-1]), np.split(states[order], ends[:-1])
        collapsed = self.collapsed.tolist()
        return list(zip(times, states, collapsed, strict=True))

    def advance(self, t_end: float) -> _Cohorts:
        """Integrate every cell to ``t_end`` (s), or until it has collapsed."""
        # a trial state may overflow: its error norm is then inf and the step is rejected
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._start(t_end)
            while self._step(t_end):
                pass
        return self

    def _going(self, t_end: float) -> np.ndarray:
        """The cells short of ``t_end`` that have not collapsed."""
        return np.nonzero((self.t < t_end) & ~self.collapsed)[0]

    def _start(self, t_end: float) -> None:
        """f, a first step and (small systems) the Jacobian blocks of the cells going on to
        ``t_end`` that have none yet: at their birth, or after a fork."""
        fun, sizes = self.cells.rhs, self.cells.sizes
        rows = self._going(t_end)
        new = rows[np.isnan(self.F[rows, 0])]
        if len(new):
            self.F[new] = fun(self.t[new], self.z[new], new)
        fresh = rows[np.isnan(self.h[rows])]
        if len(fresh):
            t = self.t[fresh]
            self.h[fresh] = rosenbrock.first_step(
                fun, t, self.z[fresh], self.F[fresh], fresh, self.rtol, self.atol, t_end - t,
                sizes[fresh],
            )  # fmt: skip
        stale = rows[np.isnan(self.dFdt[rows, 0])] if self.dense else rows[:0]
        if len(stale):
            _, self.J[stale], self.dFdt[stale] = rosenbrock.jacobian(
                fun, self.t[stale], self.z[stale], stale, self.h[stale]
            )

    def _step(self, t_end: float) -> bool:
        """One step of every cell still going (False if there is none)."""
        fun, rtol, atol, sizes = self.cells.rhs, self.rtol, self.atol, self.cells.sizes
        rows = self._going(t_end)
        if not len(rows):
            return False
        t, y, F0, h = self.t[rows], self.z[rows], self.F[rows], self.h[rows]
        # each step ends at the next report time or t_end where it would pass them
        stop = np.minimum(self.next_report[rows], t_end)
        last = h >= stop - t
        planned, h = h, np.where(last, stop - t, h)
        blocks = (self.J[rows], self.dFdt[rows]) if self.dense else None
        y1, F1, err, blocks1 = rosenbrock.step(
            fun, t, y, F0, h, rows, rtol, atol, blocks, self.cells.linearize, sizes[rows]
        )
        ok = err <= 1.0
        # the next step: from the error; not below the one planned where a report time cut an
        # accepted step short, and smaller than this one after a rejection
        after = rosenbrock.next_step(h, err, self.h_acc[rows], self.err_acc[rows])
        self.h[rows] = np.where(
            ok, np.where(last, np.maximum(after, planned), after), np.minimum(after, h)
        )
        if not ok.all():
            stuck = ~ok & (self.h[rows] < 1e-14 * max(abs(t_end), float(np.abs(t).max())))
            if stuck.any():
                j = int(np.argmax(stuck))
                R = self.cells.R0[rows[j]] * math.exp(min(float(y[j, 0]), 700.0))
                raise GrowthSolverError(
                    f"the cell-growth integrator stopped at t = {t[j]:.4g} s "
                    f"(R = {R * 1e6:.4g} um): its step fell below round-off"
                )
            rows, t, h, err, last, stop = rows[ok], t[ok], h[ok], err[ok], last[ok], stop[ok]
            y1, F1 = y1[ok], F1[ok]
            if blocks1 is not None:
                blocks1 = blocks1[0][ok], blocks1[1][ok]
        # the accepted steps
        t1 = np.where(last, stop, t + h)
        self.t[rows], self.z[rows], self.F[rows] = t1, y1, F1
        self.h_acc[rows], self.err_acc[rows] = h, np.maximum(err, 1e-2)
        if blocks1 is not None:
            self.J[rows], self.dFdt[rows] = blocks1
        if not self._timed:  # every cell reports every step
            self._write(rows, t1, y1)
        else:
            write = self.every[rows] | (t1 == self.next_report[rows])
            if write.any():
                self._write(rows[write], t1[write], y1[write])
        gone = rows[y1[:, 0] < COLLAPSE_L]
        if len(gone):
            self.collapsed[gone] = True
            unwritten = gone[~self.every[gone] & (self.t[gone] > self.written[gone])]
            if len(unwritten):
                self._write(unwritten, self.t[unwritten], self.z[unwritten])
        return True


# -- input checks ---------------------------------------------------------------------------------
def _check_positive(value: float, name: str, unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number in {unit}, not {value!r}")
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"{name} must be finite and positive (in {unit}), not {value}")


def _checked_T(T):
    """T (K), a number or an array, refused in one sentence (its first bad value) unless every
    value is finite and positive; a number comes back as a float."""
    values = np.asarray(T, dtype=float)
    bad = ~(np.isfinite(values) & (values > 0.0))
    if bad.any():
        raise ValueError(f"the temperature must be finite and positive in K, not {values[bad][0]}")
    return float(T) if values.ndim == 0 else values


def _checked_P(P):
    """P (Pa), a number or an array, refused in one sentence (its first bad value) unless every
    value is finite and >= 0; a number comes back as a float."""
    values = np.asarray(P, dtype=float)
    bad = ~(np.isfinite(values) & (values >= 0.0))
    if bad.any():
        raise ValueError(f"the ambient pressure must be finite and >= 0 Pa, not {values[bad][0]}")
    return float(P) if values.ndim == 0 else values


def _per_fluid(melt: MeltProperties, values: Mapping[str, float], what: str, unit: str):
    """An array over the melt's fluids from a name -> value mapping (missing fluids: 0)."""
    from foamline.materials import fluid

    out = np.zeros(len(melt.fluids))
    for name, value in values.items():
        key = fluid(name).name
        if key not in melt.fluids:
            raise ValueError(
                f"{what} names {name}, which is not one of the cell's fluids {melt.fluids}"
            )
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0.0):
            raise ValueError(f"{what}[{name!r}] must be a finite value >= 0 {unit}, not {value!r}")
        out[melt.fluids.index(key)] = float(value)
    return out


def _check_t_eval(t_eval, t0: float, t1: float) -> np.ndarray:
    times = np.asarray(t_eval, dtype=float)
    if times.ndim != 1 or len(times) == 0 or np.any(np.diff(times) <= 0.0):
        raise ValueError("t_eval must be a non-empty, strictly increasing sequence of times (s)")
    if times[0] < t0 or times[-1] > t1:
        raise ValueError(f"t_eval must lie within [{t0}, {t1}] s")
    return times
