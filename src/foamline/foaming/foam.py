"""The foam of a recipe: nucleation, cohorts, growth, cooling, freezing and wall rupture.

The melt parcel follows the line's die history P(t), T(t) (``LineProfile.die_history``), then
leaves the die into the ambient pressure and cools with the sheet (:mod:`.cooling`, mid-plane).
The sheet cools as a foam of void fraction phi_c: heat capacity (1 - phi_c) rho c_p,
conductivity and thickness follow from it (``_cool``). The foam's own void fraction phi(t)
changes as it cools (cells still growing, gas contracting), so phi_c must be the foam's phi(t)
in effect over the cooling: the constant phi_eff whose faces per unit of polymer,
a = 1 / ((1 - phi) e) with e the sheet's expansion in thickness, are the mean of a(phi(t)) from
the exit to freezing (``_cooling_void_fraction``). That is exact for a sheet that cools evenly
through its thickness, rho_s c_p gap dT/dt = -2 h a(t) (T - T_inf) per unit of the unfoamed
sheet's face, and within 0.05 % in freezing time of the sheet's conduction solved with phi(t)
on the examples, where the final void fraction had been up to 8 % off (docs/foaming.md).
The foam is therefore made in passes, in u = ln(1 - phi). The first cools with the whole loading
expanded as ideal gas at the ambient pressure and the neat melt's freezing temperature. The
passes stop when |u_eff - u_c| <= ``COOLING_VOID_TOL`` = 2e-3. The freezing time moves by about
as much or less: the sheet's heat capacity per area goes as (1 - phi)^(2/3), or as 1 - phi
where its thickness is held (phi > ``THICKEST`` = 0.95). Each next u_c is the secant's fixed
point through the last two passes (slope at most 0.8), or the middle of the bracket of the
fixed point where the secant leaves it (a u_c whose foam came out with less void than it
assumed lies below the fixed point, with more above; u_c <= 0). The passes are fast until they
agree; a full foam then goes on with full passes from the fast fixed point, the first stepped
with the fast passes' slope. At most ``COOLING_PASSES`` = 8 of each; a foam that still
disagrees says so in its notes. On the bundled examples the map u_c -> u_eff is a strong
contraction and every example takes two fast passes (and one full); the fidelities' u_eff
differ by about 1e-3. Where the cells still grow as the sheet freezes, the map is steeper and
may oscillate (slope about -0.6 for (a) with 0.4 times its loading, a 0.9 mm gap and
50 W/(m2 K)): up to 6 passes in 80 foaming variants of the examples (docs/foaming.md).

1. Nucleation (:mod:`.nucleation`) in the undepleted melt, which still holds the loading w0.
   Depletion by influence volume (Shafi, Lee & Flumerfelt, Polym. Eng. Sci. 36 (1996) 1950):
   a cell born at t' has stripped the gas from a sphere of radius sqrt(pi D (t - t')), so
   the undepleted fraction of the melt is X(t) = exp(-sum_i dN_i v(t, t_i)) and the number
   nucleated is dN = J(t) X(t) f(t) dt per m^3 of melt. D is the partial-pressure-weighted mean
   of the fluids' diffusivities. f is the share of heterogeneous nucleation sites still free:
   with a finite density C of sites (``knobs.nucleation_site_density``: additive or rubber
   particles, impurities; Colton & Suh, Polym. Eng. Sci. 27 (1987) 485, their C1), each used
   once, a site nucleates at the rate J / C, so f = exp(-integral J dt / C) (a site in
   undepleted melt has been in undepleted melt all along), and at most C cells form. Without a
   site density f = 1 (the Blander-Katz prefactor counts gas molecules: the sites never run
   out). Nucleation stops where X f falls below 1e-6, or when the melt freezes.
2. Cohorts: the cumulative number N(t), resolved on at least 8 K time steps across the burst,
   is split into K classes of equal count (K = 100 in ``full`` fidelity, 20 in ``fast``), each
   born at its count-weighted mean time. Each cell owns the melt its depletion front reaches
   before any other front does (the Johnson-Mehl rule; Meijering, Philips Res. Rep. 8 (1953)
   270, and Moller, Adv. Appl. Prob. 24 (1992) 814, citations recalled, not checked), with the
   undepleted fraction X of item 1: a cell born at t_j owns
   V_j = integral from t_j to infinity of X(t) dv(t - t_j), with the fronts going on after
   nucleation has stopped (D averaged over the burst, weighted by dN). The shares sum to
   1 - X(inf) = 1 (to 1e-3 by the quadrature; then scaled to fill the melt exactly), and they
   do not depend on where nucleation is cut off. A cohort owns the mean share of its cells.
3. Growth: each cohort grows from 1.2 times the critical radius 2 sigma / (p_b - P) in its shell
   (:func:`.growth.advance_cells`, Amon-Denson cell model, one diffusion equation per fluid), at
   a relative tolerance ``GROWTH_RTOL`` of 1e-4 in full fidelity and 1e-3 in fast fidelity,
   with free steps, each of them reported. Against an integration at rtol 1e-6, the full foams
   of (a), (b) and (e) are within 3.8e-5 in mean diameter, 3.4e-6 in void fraction, 1.9e-5 in
   freezing time and 2.0e-4 in each cohort's peak wall stress, the fast foams of the examples
   within 3.3e-4, 2.0e-5, 8.9e-4 and 3.6e-3 (docs/foaming.md, verification). Every cooling pass
   runs at the tolerance of the fidelity asked.
4. Freezing: the structure freezes where the mid-plane temperature falls below the glass
   transition of the melt with the gas still dissolved in the shells (Chow), or below the
   crystallisation temperature of a semicrystalline polymer: the first root of
   T(t) - T_freeze(w(t)), with the dissolved gas w linear between the cohorts' reports and T
   as the parcel has it. Radii and walls are read there.
5. Skin: gas leaves the sheet surfaces from the die exit until the surface freezes; where the
   dissolved gas has fallen to half (c/c0 = erf(x / 2 sqrt(D t)) = 1/2, x = 0.954 sqrt(D t))
   no cells grow (Goel & Beckman, Polym. Eng. Sci. 34 (1994) 1148; Krause et al.,
   Macromolecules 34 (2001) 874).
6. Walls: between cells of diameters d_k and d_l the wall is
   delta_kl = (1 - f_s)(1 - phi)(d_k + d_l) / 6 (foam-models.md 2.7; f_s the strut fraction).
   ``critical_thickness``: a wall ruptures if delta_kl < delta_c at freezing; ``wall_stress``:
   if the biaxial viscous stress of its stretching, 6 eta R'/R (Newtonian biaxial extension),
   exceeded the rupture stress before freezing; by the momentum balance of item 3 it equals
   1.5 (p_g - P - 2 sigma / R)(1 + R^3 / Y), read from the state at each step. The fraction of
   walls ruptured weights each pair by n_k n_l.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.optimize import brentq

from foamline.errors import FoamlineError
from foamline.foaming.cooling import cool_sheet, foam_conductivity
from foamline.foaming.growth import FOUR_PI_3, CellHistory, PausedCells, advance_cells
from foamline.foaming.nucleation import NucleationTable, mean_diffusivity
from foamline.foaming.properties import MeltProperties, Timeline, Track
from foamline.line import LineProfile
from foamline.materials import glass_transition, melt_density
from foamline.materials.glass_transition import glass_transitions
from foamline.materials.library import fluid
from foamline.materials.solubility import R_GAS
from foamline.recipe import Recipe

P_ATM = 101_325.0
COHORTS = {"full": 100, "fast": 20}
NUCLEUS_FACTOR = 1.2  # initial radius / critical radius
DEPLETED = 1e-6  # X f (undepleted melt times free sites) at which nucleation is over
BURST_POINTS = 400  # time steps across the nucleation burst (tests/foaming/test_foam.py)
DEPLETION_BLOCK = 64  # times whose influence volumes are computed together
GROWTH_RTOL = {"full": 1e-4, "fast": 1e-3}  # relative tolerance of the growth (docstring, item 3)
FEWEST_CELLS = 1e9  # cells per m3 of melt (one per mm3) below which nothing foams
COOLING_VOID_TOL = 2e-3  # |ln((1 - phi_eff) / (1 - phi_c))|, foam against cooling (docstring)
COOLING_PASSES = 8  # at most
THICKEST = 0.95  # void fraction beyond which the sheet grows in its plane only (_gap_per_thickness)


@dataclass(frozen=True)
class Foam:
    """The frozen foam: cohorts, morphology, walls, skin and bookkeeping (SI arrays)."""

    birth_times: np.ndarray  # s, from the die inlet
    counts: np.ndarray  # cells per m^3 of unfoamed melt, per cohort
    radii: np.ndarray  # m, at freezing (0 for collapsed cohorts)
    void_fraction: float
    cell_density_per_cm3_polymer: float
    cell_density_per_cm3_foam: float
    mean_cell_diameter_um: float
    cell_diameter_std_um: float
    ruptured_fraction: float
    ruptured_pairs: np.ndarray  # K x K, 1 where the wall between cohorts k and l ruptured
    wall_thickness_um: float  # count-weighted mean wall thickness at freezing
    skin_thickness_um: float
    sheet_thickness_um: float
    freeze_time_s: float  # after the die exit
    cooling_void_fraction: float  # the sheet's mean over its cooling (_cooling_void_fraction)
    gas_mass_rel_error: float
    nucleation_t: np.ndarray
    nucleation_rate: np.ndarray  # 1/(m^3 s)
    undepleted: np.ndarray
    histories: tuple[CellHistory, ...] = ()
    fidelity: str = "full"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The ``foam`` object of result.json."""
        return {
            "fidelity": self.fidelity,
            "cell_density_per_cm3": self.cell_density_per_cm3_foam,
            "cell_density_per_cm3_polymer": self.cell_density_per_cm3_polymer,
            "mean_cell_diameter_um": self.mean_cell_diameter_um,
            "cell_diameter_std_um": self.cell_diameter_std_um,
            "void_fraction": self.void_fraction,
            "ruptured_fraction": self.ruptured_fraction,
            "wall_thickness_um": self.wall_thickness_um,
            "skin_thickness_um": self.skin_thickness_um,
            "sheet_thickness_um": self.sheet_thickness_um,
            "freeze_time_s": self.freeze_time_s,
            "cooling_void_fraction": self.cooling_void_fraction,
            "gas_mass_rel_error": self.gas_mass_rel_error,
            "cohorts": {
                "birth_time_s": self.birth_times.tolist(),
                "count_per_cm3_polymer": (self.counts * 1e-6).tolist(),
                "diameter_um": (2e6 * self.radii).tolist(),
            },
            "notes": list(self.notes),
        }


class _Parcel:
    """T(t) and P(t) of the melt parcel: the die land, then the ambient and the cooling sheet.

    ``T`` and ``P`` are :class:`~foamline.foaming.properties.Track` s: callables of one time for
    the integrators, with ``many`` for arrays of times.
    """

    def __init__(self, line: LineProfile, sheet, t_exit: float) -> None:
        h = line.die_history
        self.t_die, self.T_die, self.P_die = h.t, h.T, h.P
        self.sheet, self.t_exit = sheet, t_exit
        # the mid-plane temperature tabulated against log(time after the exit): the growth
        # solver asks for T(t) thousands of times
        self._log_age = np.linspace(math.log(1e-9), math.log(sheet.t_end), 1500)
        self._T_mid = sheet.mid_temperature(np.exp(self._log_age))
        # both are linear in t between the die's knots (and where P crosses the ambient) and in
        # log(age) between the sheet's: the coordinate x of the timeline
        die = self.t_die
        crossing = np.nonzero(np.diff(np.sign(self.P_die - P_ATM)) != 0)[0]
        if len(crossing):
            P0, P1 = self.P_die[crossing], self.P_die[crossing + 1]
            at = die[crossing] + (P_ATM - P0) / (P1 - P0) * (die[crossing + 1] - die[crossing])
            die = np.union1d(die, at)
        timeline = Timeline(
            np.concatenate([die[die <= t_exit], t_exit + np.exp(self._log_age)]), self._coordinate
        )
        self.T = Track(self._T_one, self._T_many, timeline)
        self.P = Track(self._P_one, self._P_many, timeline)

    def _coordinate(self, t: np.ndarray) -> np.ndarray:
        """t in the die; after the exit, t_exit + 1 + ln(age / 1 ns), at least t_exit + 1."""
        age = np.log(np.maximum(t - self.t_exit, 1e-300)) - self._log_age[0]
        return np.where(t <= self.t_exit, t, self.t_exit + 1.0 + np.maximum(age, 0.0))

    def _T_one(self, t: float) -> float:
        if t <= self.t_exit:
            return float(np.interp(t, self.t_die, self.T_die))
        return float(np.interp(math.log(t - self.t_exit), self._log_age, self._T_mid))

    def _T_many(self, t: np.ndarray) -> np.ndarray:
        age = np.log(np.maximum(t - self.t_exit, 1e-300))
        after = np.interp(age, self._log_age, self._T_mid)
        return np.where(t <= self.t_exit, np.interp(t, self.t_die, self.T_die), after)

    def _P_one(self, t: float) -> float:
        if t <= self.t_exit:
            return max(float(np.interp(t, self.t_die, self.P_die)), P_ATM)
        return P_ATM

    def _P_many(self, t: np.ndarray) -> np.ndarray:
        inside = np.maximum(np.interp(t, self.t_die, self.P_die), P_ATM)
        return np.where(t <= self.t_exit, inside, P_ATM)


def simulate_foam(
    recipe: Recipe, line: LineProfile, fidelity: str = "full", cohorts: int | None = None
) -> Foam:
    """Nucleate, grow, cool and freeze the foam of ``recipe`` from its line profile."""
    if fidelity not in COHORTS:
        raise ValueError(f"fidelity must be 'full' or 'fast', not {fidelity!r}")
    if line.die_history is None:
        raise FoamlineError(
            "the line does not reach the die, so nothing foams: see its diagnostics"
        )
    polymer = recipe.polymer_material
    history = line.die_history
    w0 = {n: float(history.dissolved[n][0] + history.undissolved[n][0]) for n in history.dissolved}
    w0 = {n: w for n, w in w0.items() if w > 0.0}
    t_exit = float(history.t[-1])
    T_exit = float(history.T[-1])

    # the sheet cools as a foam of void fraction phi_c, which must be the foam's own: passes from
    # an estimate until they agree, in u = ln(1 - phi) (module docstring), fast ones first, which
    # share the die where they can (_foam), then those of the fidelity asked
    u_c = math.log1p(-_void_estimate(polymer, w0))
    rtol, die, s = GROWTH_RTOL[fidelity], None, 0.0
    phases = ("fast",) if fidelity == "fast" else ("fast", fidelity)
    for phase in phases:
        size = (cohorts or COHORTS[phase]) if phase == fidelity else COHORTS[phase]
        last, lo, hi = None, -math.inf, 0.0  # bracket: less void than assumed at lo, more at hi
        for _ in range(COOLING_PASSES):
            sheet, t_cool = _cool(recipe, polymer, T_exit, -math.expm1(u_c))
            parcel = _Parcel(line, sheet, t_exit)
            foam, die = _foam(recipe, polymer, w0, parcel, t_exit, t_cool, phase, size, rtol, die)
            u = math.log1p(-foam.cooling_void_fraction)
            gap = abs(u - u_c)
            # next: the fixed point of the line through this pass and the last (secant; its slope
            # s at most 0.8, a step at most 5 times the pass's own change; the first pass of a
            # phase takes the last phase's slope), or, if that leaves the bracket (lo, hi] of the
            # fixed point, the bracket's middle
            if u > u_c:
                lo = u_c
            else:
                hi = u_c
            if last is not None and u_c != last[0]:
                s = (u - last[1]) / (u_c - last[0])
            last, u_c = (u_c, u), u_c + (u - u_c) / max(1.0 - s, 0.2)
            if not lo < u_c <= hi:
                u_c = 0.5 * (lo + hi)
            if gap <= COOLING_VOID_TOL:  # the next phase, if any, starts from u_c
                break
    if gap <= COOLING_VOID_TOL:
        return foam
    return replace(
        foam,
        notes=(
            *foam.notes,
            f"the sheet's cooling and the foam's void fraction still differ by {gap:.1e} in "
            f"ln(1 - void fraction) after {COOLING_PASSES} passes: the freezing time, and the "
            "cell sizes where cells still grow as the sheet freezes, are uncertain by about as "
            "much",
        ),
    )


def _void_estimate(polymer, w0: dict[str, float]) -> float:
    """The void fraction of the whole loading w0 (kg/kg polymer) expanded as ideal gas at the
    ambient pressure and the neat melt's freezing temperature: where the cooling passes start."""
    T = float(_freeze_temperature(polymer, {name: 0.0 for name in w0}))
    gas = sum(w / fluid(name)["M"] for name, w in w0.items()) * R_GAS * T / P_ATM  # m3/kg
    return gas / (gas + 1.0 / melt_density(polymer, T))


def _gap_per_thickness(phi):
    """The die gap over the thickness of the sheet at the void fraction(s) phi: (1 - phi)^(1/3)
    (isotropic expansion) up to phi = ``THICKEST``, beyond which the sheet grows in its plane
    only."""
    return (1.0 - np.minimum(phi, THICKEST)) ** (1.0 / 3.0)


def _cooling_void_fraction(histories, counts, t_exit: float, t_freeze: float) -> float:
    """The constant void fraction that cools the sheet as the foam's phi(t) does, from the die
    exit to freezing (module docstring): the one whose faces per face of the unfoamed sheet,
    a = (gap / thickness) / (1 - phi) (:func:`_gap_per_thickness`), are their mean under phi(t)
    over that time. phi(t) is that of the cohorts' radii (counts per m3 of melt) at the times
    of their steps."""
    t = np.concatenate([[t_exit, t_freeze], *(h.t for h in histories)])
    t = np.unique(t[(t >= t_exit) & (t <= t_freeze)])
    bubble = np.zeros(len(t))
    for n, h in zip(counts, histories, strict=True):
        bubble += n * FOUR_PI_3 * np.interp(t, h.t, h.R, left=0.0, right=h.R[-1]) ** 3
    phi = bubble / (1.0 + bubble)
    area = _gap_per_thickness(phi) / (1.0 - phi)
    mean = float(np.trapezoid(area, t) / (t[-1] - t[0])) if len(t) > 1 else float(area[0])
    # invert: area = (1 - phi)^(-2/3) up to THICKEST, (1 - THICKEST)^(1/3) / (1 - phi) beyond
    if mean <= (1.0 - THICKEST) ** (-2.0 / 3.0):
        return 1.0 - mean**-1.5
    return 1.0 - (1.0 - THICKEST) ** (1.0 / 3.0) / mean


def _cool(recipe: Recipe, polymer, T_exit: float, phi: float):
    """The cooling of the sheet after the die as a foam of void fraction phi (its thickness
    :func:`_gap_per_thickness`), and how long it is followed (s)."""
    thickness = recipe.die.gap / float(_gap_per_thickness(phi))
    k = foam_conductivity(polymer["k_melt"], phi)
    rho_cp = (1.0 - phi) * melt_density(polymer, T_exit) * polymer["cp_melt"]
    h = recipe.post_die.htc
    ambient = recipe.post_die.ambient_temperature
    alpha = k / rho_cp
    t_cool = min(
        600.0, 8.0 * (rho_cp * thickness / (2.0 * h) + thickness**2 / (math.pi**2 * alpha))
    )
    sheet = cool_sheet(thickness, T_exit, ambient, h, k, rho_cp, t_cool)
    return sheet, t_cool


def _freeze_temperature(polymer, dissolved: dict):
    """Where the melt holding ``dissolved`` (fluid -> kg/kg, numbers or arrays of states) freezes,
    K: its glass transition, or its crystallisation where that lies higher."""
    if any(isinstance(w, np.ndarray) for w in dissolved.values()):
        tg = glass_transitions(polymer, dissolved)
    else:
        tg = glass_transition(polymer, dissolved)
    if polymer.semicrystalline:
        return np.maximum(tg, polymer.get("T_crystallisation", tg))
    return tg


def _range(values: np.ndarray) -> tuple[float, float]:
    return float(values.min()), float(values.max())


def _time_grid(parcel: _Parcel, t_on: float, t_exit: float, t_end: float) -> np.ndarray:
    die = np.linspace(t_on, t_exit, 40) if t_on < t_exit else np.array([t_exit])
    after = t_exit + np.geomspace(1e-7, max(t_end - t_exit, 2e-7), 260)
    return np.unique(np.concatenate([die, after]))


@dataclass(frozen=True)
class _Nuclei:
    """The nucleation of one pass: its time grid, rate, undepleted fraction and cohorts."""

    times: np.ndarray
    J: np.ndarray
    X: np.ndarray
    births: np.ndarray
    counts: np.ndarray
    shells: np.ndarray  # m3 of melt per cell
    R0: np.ndarray  # m
    shell_kg: np.ndarray  # polymer per cell, kg
    in_die: bool  # nucleation ended (the melt depleted) before the die exit


def _nucleate(recipe, polymer, w0, parcel: _Parcel, t_exit, t_upper, cohorts: int) -> _Nuclei:
    """Nucleation along the parcel, depletion, and the cohorts with their nuclei and shells."""
    knobs = recipe.knobs
    # T(t), sigma(T), p_b(T) and D(T) of the parcel, tabulated over every time asked below
    table = NucleationTable(
        polymer, w0, *_range(parcel.T.many(_time_grid(parcel, parcel.t_die[0], t_exit, t_upper)))
    )
    # onset: the first point where the supersaturation is positive
    grid0 = np.concatenate([parcel.t_die, [t_exit + 1e-7]])
    onset = np.nonzero(table.bubble_pressure(parcel.T.many(grid0)) > parcel.P.many(grid0))[0]
    if not len(onset):
        raise FoamlineError("the melt is not supersaturated anywhere after the die: no cells form")
    times = _time_grid(parcel, float(grid0[onset[0]]), t_exit, t_upper)
    scale, factor = knobs.nucleation_prefactor_scale, knobs.heterogeneous_factor
    sites = knobs.nucleation_site_density or math.inf

    def nucleate(times: np.ndarray):
        T = parcel.T.many(times)
        J = table.rate(T, parcel.P.many(times), factor, scale)
        D = table.mean_diffusivity(T)
        return (J, D, *_deplete(times, J, D, sites))

    J, D, dN, X, ended = nucleate(times)
    # refine: resolve the burst (0.01 % to 99.99 % of the cells) on a fine grid of its own
    cumulative = np.cumsum(dN) / max(dN.sum(), 1e-300)
    i0 = max(int(np.searchsorted(cumulative, 1e-4)) - 1, 0)
    i1 = min(int(np.searchsorted(cumulative, 1.0 - 1e-4)) + 1, len(times) - 1)
    if dN.sum() > 0.0 and i1 > i0:
        fine = np.linspace(times[i0], times[i1], max(BURST_POINTS, 8 * cohorts))
        times = np.unique(np.concatenate([times[: i0 + 1], fine, times[i1:]]))
        J, D, dN, X, ended = nucleate(times)
    total = float(dN.sum())
    if total < FEWEST_CELLS:
        if sites < FEWEST_CELLS:
            raise FoamlineError(
                f"knobs.nucleation_site_density ({sites * 1e-6:.3g} per cm3) allows fewer than "
                "one cell per mm3 of melt: raise it"
            )
        raise FoamlineError(
            f"hardly any cells nucleate ({total * 1e-6:.3g} per cm3): the supersaturation is too "
            "low; raise the loading or the pressure-drop rate, or calibrate "
            "knobs.heterogeneous_factor and knobs.nucleation_prefactor_scale"
        )
    births, counts, shells = _cohorts(times, dN, D, cohorts)
    T_b, P_b = parcel.T.many(births), parcel.P.many(births)
    r_crit = 2.0 * table.surface_tension(T_b) / np.maximum(table.bubble_pressure(T_b) - P_b, 1.0)
    R0 = np.minimum(NUCLEUS_FACTOR * r_crit, 0.3 * np.cbrt(shells / FOUR_PI_3))
    density = melt_density(polymer, T_b, P_b)
    in_die = ended is not None and times[ended] <= t_exit
    return _Nuclei(times, J, X, births, counts, shells, R0, density * shells, in_die)


def _foam(recipe, polymer, w0, parcel, t_exit, t_cool, fidelity, cohorts, rtol, die=None):
    """One pass: the foam under this parcel's cooling, grown at the tolerance ``rtol``, and what
    a next pass may reuse of it.

    ``die`` is the previous pass's (cohort count, nuclei, paused die integration): in fast
    fidelity, when nucleation ended inside the die, the next pass shares them and grows only
    the part after the exit again.
    """
    knobs = recipe.knobs
    notes: list[str] = []
    t_end = t_exit + t_cool
    # latest possible freezing: T reaches the freeze temperature of the fully laden melt
    T_freeze_laden = _freeze_temperature(polymer, w0)
    probe = np.linspace(t_exit, t_end, 400)
    below = probe[parcel.T.many(probe) < T_freeze_laden]
    t_upper = float(below[0]) if len(below) else t_end
    if not len(below):
        notes.append(
            f"the sheet has not frozen {t_cool:.0f} s after the die: the structure is read then"
        )
    reuse = die is not None and fidelity == "fast" and die[0] == cohorts
    nuclei = die[1] if reuse else _nucleate(recipe, polymer, w0, parcel, t_exit, t_upper, cohorts)
    births, counts, R0, shell_kg = nuclei.births, nuclei.counts, nuclei.R0, nuclei.shell_kg
    melt = MeltProperties(polymer, list(w0))
    evals = [None] * len(births)  # the cohorts report every step
    paused = die[2] if reuse else None
    if fidelity == "fast" and nuclei.in_die:
        if paused is None:
            paused = PausedCells(
                melt, w0, R0, shell_kg, parcel.T, parcel.P, births, t_exit, evals, rtol
            )
        histories = paused.finish(parcel.T, parcel.P, t_upper, evals)
    else:
        histories = advance_cells(
            melt, w0, R0, shell_kg, parcel.T, parcel.P, births, t_upper,
            t_eval=evals, fidelity=fidelity, rtol=rtol,
        )  # fmt: skip
    times, J, X = nuclei.times, nuclei.J, nuclei.X
    radii = np.zeros(len(births))
    t_freeze = _freeze_time(polymer, histories, counts, parcel, t_upper)
    for k, h in enumerate(histories):
        radii[k] = 0.0 if h.collapsed else float(np.interp(t_freeze, h.t, h.R))
    bubble = float(np.sum(counts * FOUR_PI_3 * radii**3))
    phi = bubble / (bubble + 1.0)
    alive = radii > 0.0
    n_alive = float(counts[alive].sum())
    d = 2.0 * radii[alive]
    w = counts[alive] / n_alive
    mean_d = float(np.sum(w * d))
    std_d = float(np.sqrt(np.sum(w * (d - mean_d) ** 2)))
    pairs, wall = _walls(knobs, histories, radii, counts, phi, t_freeze)
    weight = np.outer(counts * alive, counts * alive)
    ruptured = float((pairs * weight).sum() / weight.sum()) if weight.sum() else 0.0
    thickness = recipe.die.gap / float(_gap_per_thickness(phi))
    skin = _skin(recipe, polymer, w0, parcel, t_exit, thickness)
    return Foam(
        birth_times=births,
        counts=counts,
        radii=radii,
        void_fraction=phi,
        cell_density_per_cm3_polymer=n_alive * 1e-6,
        cell_density_per_cm3_foam=n_alive / (1.0 + bubble) * 1e-6,
        mean_cell_diameter_um=mean_d * 1e6,
        cell_diameter_std_um=std_d * 1e6,
        ruptured_fraction=ruptured,
        ruptured_pairs=pairs,
        wall_thickness_um=wall * 1e6,
        skin_thickness_um=skin * 1e6,
        sheet_thickness_um=thickness * 1e6,
        freeze_time_s=t_freeze - t_exit,
        cooling_void_fraction=_cooling_void_fraction(histories, counts, t_exit, t_freeze),
        gas_mass_rel_error=float(_gas_error(histories, counts, t_freeze)),
        nucleation_t=times,
        nucleation_rate=J,
        undepleted=X,
        histories=tuple(histories),
        fidelity=fidelity,
        notes=tuple(notes),
    ), (cohorts, nuclei, paused) if paused is not None else None


def _influence_volume(D, age, out=None):
    """v = (4 pi / 3)(pi D age)^(3/2), m3: the melt a cell's depletion front has reached ``age``
    (s) after its birth, with D in m2/s (module docstring, items 1 and 2); into ``out`` if
    given (an array of age's shape, which may be age itself)."""
    x = np.multiply(np.pi * D, age, out=out)
    root = np.sqrt(x)
    x *= root
    x *= FOUR_PI_3
    return x


def _deplete(
    times: np.ndarray, J: np.ndarray, D: np.ndarray, sites: float = math.inf
) -> tuple[np.ndarray, np.ndarray, int | None]:
    """Cells nucleated per interval (per m3 of melt), the undepleted fraction X by influence
    volume, and the index where nucleation ended (X f < DEPLETED; None if it goes on), with
    ``sites`` heterogeneous sites per m3 of melt (inf: unlimited; module docstring, item 1)."""
    n = len(times)
    dN, X = np.zeros(n), np.ones(n)
    rate = 0.5 * (J[1:] + J[:-1]) * np.diff(times)  # nuclei per m3 of undepleted melt, per step
    free = 1.0  # share of the sites still free, f
    for j0 in range(1, n, DEPLETION_BLOCK):
        # the fronts of all earlier births at the times of a block, v(t_j - t_i) (0 for i >= j,
        # where dN is still 0 when X_j is taken)
        j1 = min(j0 + DEPLETION_BLOCK, n)
        age = times[j0:j1, None] - times[None, :j1]
        fronts = _influence_volume(D[j0:j1, None], np.maximum(age, 0.0, out=age), out=age)
        for j in range(j0, j1):
            X[j] = math.exp(-float(fronts[j - j0] @ dN[:j1]))
            if math.isinf(sites):
                dN[j] = rate[j - 1] * X[j]
            else:  # the sites used in the step, exactly for a constant J: C f (1 - e^(-J dt / C))
                used = -math.expm1(-rate[j - 1] / sites)
                dN[j] = sites * free * used * X[j]
                free *= 1.0 - used
            if X[j] * free < DEPLETED:
                X[j + 1 :] = X[j]
                return dN, X, j
    return dN, X, None


def _cohorts(times, dN, D, k: int):
    """Split the nucleated cells into k classes of equal count, each with its melt share.

    A cell born at t_j owns the melt its depletion front reaches before any other front
    (Johnson-Mehl ownership; module docstring, item 2):
    V_j = integral from t_j of X(t) dv(t - t_j), with v(a) = (4 pi / 3)(pi D a)^(3/2) and
    X = exp(-sum_i dN_i v(t - t_i)). A class owns the mean V of its cells. The shares sum to
    1 - X(inf) = 1 (to the quadrature) and are scaled to fill the melt exactly.
    """
    cumulative = np.cumsum(dN)
    total = cumulative[-1]
    # the classes as runs of the time grid: their first indices, then sums over each run
    starts = np.unique(np.searchsorted(cumulative, np.linspace(0.0, total, k + 1)[:-1]))
    counts = np.add.reduceat(dN, starts)
    born = np.nonzero(dN)[0]
    D_burst = float(np.average(D, weights=dN))
    shares = np.zeros(len(times))
    shares[born], filled = _ownership(times[born], dN[born], D_burst)
    births = np.add.reduceat(dN * times, starts)
    shells = np.add.reduceat(dN * shares, starts)
    some = counts > 0.0
    return births[some] / counts[some], counts[some], shells[some] / counts[some] / filled


def _ownership(births: np.ndarray, dN: np.ndarray, D: float) -> tuple[np.ndarray, float]:
    """Melt volume owned per cell born at each of ``births`` (s), with dN cells per m3 of melt
    born there and a depletion front of radius sqrt(pi D age) (D in m2/s), m3 per m3 of melt,
    and the melt they fill together (module docstring, item 2)."""
    span = max(float(births[-1] - births[0]), 1e-12)
    t = np.union1d(births, births[0] + span * np.geomspace(1e-3, 1.0, 200))

    def fronts(t: np.ndarray) -> np.ndarray:  # v(t - t_j), rows t, columns births
        age = t[:, None] - births
        return _influence_volume(D, np.maximum(age, 0.0, out=age), out=age)

    # extend the time grid until the melt is depleted to exp(-50) (40 steps per e-fold of age;
    # at most 2^200 times the burst)
    for _ in range(200):
        if float((fronts(t[-1:]) @ dN)[0]) >= 50.0:
            break
        t = np.append(t, births[0] + (t[-1] - births[0]) * np.geomspace(1.025, 2.0, 28))
    v = fronts(t)
    X = np.exp(-(v @ dN))
    # trapezoid in X against the exact increments of each cell's front volume,
    # sum_i Xm_i (v_i+1 - v_i) with Xm_i = (X_i + X_i+1) / 2, summed by parts
    Xm = 0.5 * (X[1:] + X[:-1])
    shares = -(np.diff(Xm, prepend=0.0, append=0.0) @ v)
    return shares, float(np.dot(dN, shares))


def _freeze_time(polymer, histories, counts, parcel, t_upper: float) -> float:
    """First time the parcel's T falls below the freeze temperature of the gas left in the melt
    (the count-weighted mean over the cohorts born by then)."""
    grid = np.unique(np.concatenate([h.t for h in histories]))
    polymer_kg = np.zeros_like(grid)
    fluid_kg = {name: np.zeros_like(grid) for name in histories[0].fluids}
    for n, h in zip(counts, histories, strict=True):
        born = grid >= h.t[0]
        polymer_kg += n * h.polymer_kg * born
        for name in fluid_kg:
            fluid_kg[name] += n * np.interp(grid, h.t, h.dissolved_kg[name]) * born
    dissolved = {name: kg / polymer_kg for name, kg in fluid_kg.items()}
    margin = parcel.T.many(grid) - _freeze_temperature(polymer, dissolved)  # K above freezing
    below = np.nonzero(margin < 0.0)[0]
    if not len(below):
        return t_upper
    i = int(below[0])
    if i == 0:
        return float(grid[0])
    # the crossing between the report times: the gas left in the melt is linear there (a sum of
    # the cohorts' linear interpolations), the parcel's T is taken as it is
    t0, t1 = float(grid[i - 1]), float(grid[i])

    def margin_at(t: float) -> float:
        f = (t - t0) / (t1 - t0)
        w = {name: (1.0 - f) * x[i - 1] + f * x[i] for name, x in dissolved.items()}
        return float(parcel.T(t) - _freeze_temperature(polymer, w))

    m0, m1 = margin_at(t0), margin_at(t1)
    if m0 <= 0.0 or m1 >= 0.0:  # the root is at an end of the bracket, to the rounding
        return t0 if m0 <= 0.0 else t1
    return brentq(margin_at, t0, t1, xtol=1e-12 * max(t1, 1.0), rtol=1e-12)


def _walls(knobs, histories, radii, counts, phi: float, t_freeze: float):
    """Which walls ruptured (K x K) and the count-weighted mean wall thickness, m."""
    d = 2.0 * radii
    thickness = (1.0 - knobs.strut_fraction) * (1.0 - phi) * (d[:, None] + d[None, :]) / 6.0
    alive = (radii > 0.0)[:, None] & (radii > 0.0)[None, :]
    if knobs.rupture_criterion == "critical_thickness":
        pairs = (thickness < knobs.critical_wall_thickness) & alive
    else:
        stress = np.array([_max_wall_stress(h, t_freeze) for h in histories])
        pairs = (np.maximum(stress[:, None], stress[None, :]) > knobs.rupture_stress) & alive
    weight = np.outer(counts, counts) * alive
    mean_wall = float((thickness * weight).sum() / weight.sum()) if weight.sum() else 0.0
    return pairs.astype(float), mean_wall


def _max_wall_stress(h: CellHistory, t_freeze: float) -> float:
    """Largest biaxial viscous stress 6 eta R'/R of the stretching walls before freezing, Pa.

    From the state at each reported step, not from differences of R: the momentum balance gives
    R'/R = (p_g - P - 2 sigma / R)(1 + R^3 / Y) / (4 eta), so 6 eta R'/R =
    1.5 (p_g - P - 2 sigma / R)(1 + R^3 / Y), and 0 where the melt is a glass (eta = inf)."""
    keep = (h.t <= t_freeze) & np.isfinite(h.viscosity)
    if not keep.any():
        return 0.0
    R = h.R[keep]
    drive = h.p_gas[keep] - h.P[keep] - 2.0 * h.surface_tension[keep] / R
    stress = 1.5 * drive * (1.0 + FOUR_PI_3 * R**3 / h.shell_volume)
    return float(max(stress.max(), 0.0))


def _skin(recipe, polymer, w0, parcel: _Parcel, t_exit: float, thickness: float) -> float:
    """Depth that loses half its gas through the surface before the surface freezes, m."""
    limit = _freeze_temperature(polymer, w0)
    sheet = parcel.sheet
    probe = np.geomspace(1e-6, sheet.t_end, 300)
    surface = sheet.temperature(probe)[0]
    frozen = next((t for t, T in zip(probe, surface, strict=True) if T < limit), sheet.t_end)
    D = mean_diffusivity(polymer, w0, 0.5 * (parcel.T(t_exit) + limit))
    return min(0.954 * math.sqrt(D * frozen), 0.5 * thickness)


def _gas_error(histories, counts, t_freeze: float) -> float:
    """Relative drift of the total gas mass (all fluids, all cohorts) up to freezing."""
    start = end = 0.0
    for n, h in zip(counts, histories, strict=True):
        for name in h.fluids:
            total = h.total_kg(name)
            if not np.all(np.isfinite(total)):
                continue
            start += n * total[0]
            end += n * float(np.interp(t_freeze, h.t, total))
    return abs(end - start) / start if start else 0.0
