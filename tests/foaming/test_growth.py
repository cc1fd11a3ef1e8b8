"""Growth of one cell against exact solutions, conservation laws and published trends.

Each test states the physical situation, the exact or published answer, and the tolerance with
the reason for it. The figures measured when the tests were written are in docs/foaming.md.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import brentq

from foamline.errors import FoamlineError, InfeasibleProcess, MaterialError
from foamline.foaming import (
    GrowthSolverError,
    MeltProperties,
    PausedCells,
    advance_cell,
    advance_cells,
    grow_cell,
)
from foamline.foaming.cell import FullCells
from foamline.foaming.grid import stretched_grid
from foamline.foaming.growth import _Run
from foamline.materials import (
    diffusivity,
    fluid,
    henry_constant,
    melt_density,
    polymer,
    surface_tension,
    vapour_pressure,
)
from foamline.materials.solubility import R_GAS

PES = polymer("PES")
T_300C = 573.15


def saturation(fluid_name: str, w: float, T: float = T_300C) -> float:
    """Partial pressure (Pa) in equilibrium with w (kg/kg) of a fluid in PES at T."""
    return w / henry_constant(PES, fluid_name, T)


# --- Scriven (1959): diffusion-controlled growth in an infinite melt ----------------------------
def scriven_ja(beta: float) -> float:
    """Scriven's relation, for a gas bubble in an incompressible liquid (his epsilon = 1).

    With c = c(s), s = r / (2 sqrt(D t)), R = 2 beta sqrt(D t) and the radial flow
    u = R^2 dR/dt / r^2, the diffusion equation gives c' = A s^-2 exp(-s^2 - 2 beta^3 / s); the
    interface balance rho_g dR/dt = D dc/dr|_R fixes A, and c(beta) = c_s gives
        Ja = (c_inf - c_s) / rho_g
           = 2 beta^3 e^(3 beta^2) int_beta^inf x^-2 exp(-x^2 - 2 beta^3 / x) dx.
    (Scriven, Chem. Eng. Sci. 10 (1959) 1, eq. for the growth constant; the integrand, scaled by
    e^(3 beta^2), peaks at x = beta with width ~0.6, so the range beta + 12 is exact to 1e-60.)
    """

    def integrand(x: float) -> float:
        return x**-2 * math.exp(-x * x - 2.0 * beta**3 / x + 3.0 * beta * beta)

    points = [beta + 0.5, beta + 2.0, 2.0 * beta]
    return 2.0 * beta**3 * quad(integrand, beta, beta + 12.0, points=points, limit=200)[0]


def scriven_beta(ja: float) -> float:
    """Root of Ja(beta) = ja, bracketed by the two limits below (beta lies above both)."""
    limit = max(math.sqrt(ja / 2.0), math.sqrt(3.0 / math.pi) * ja)
    return brentq(lambda b: scriven_ja(b) - ja, 0.5 * limit, 2.0 * limit + 1.0, xtol=1e-13)


def test_scriven_relation_has_the_known_limits():
    # Scriven (1959): beta -> sqrt(Ja / 2) for small Ja (quasi-steady diffusion) and
    # beta -> sqrt(3 / pi) Ja for large Ja (thin layer compressed by the growth).
    assert scriven_beta(1e-4) == pytest.approx(math.sqrt(1e-4 / 2), rel=0.02)
    assert scriven_beta(300.0) == pytest.approx(math.sqrt(3 / math.pi) * 300.0, rel=0.01)


@pytest.mark.parametrize(
    ("P_Pa", "wt_pct"),
    [(1e6, 1.0), (3e5, 1.0), (1e5, 2.0)],  # Ja = 1.06, 4.3, 27: between both limits
)
@pytest.mark.parametrize(("fidelity", "tolerance"), [("full", 0.01), ("fast", 0.05)])
def test_diffusion_controlled_growth_follows_scriven(P_Pa, wt_pct, fidelity, tolerance):
    # An isolated bubble, negligible viscosity and no surface tension, at constant T and P:
    # the bubble gas stays at P, the wall at c_s = rho_p H P, and R = 2 beta sqrt(D t) exactly.
    # The model starts from a 0.5 um bubble; the offset this leaves has decayed below 0.2 %
    # after 0.3 s (measured). Tolerances: the issue asks for 2 % (full, measured 0.15 %) and
    # a stated tolerance for the fast closure (5 %, measured 2.2 %).
    w = wt_pct / 100.0
    rho_p = melt_density(PES, T_300C, P_Pa)
    rho_g = P_Pa * fluid("CO2")["M"] / (R_GAS * T_300C)
    ja = rho_p * (w - henry_constant(PES, "CO2", T_300C) * P_Pa) / rho_g
    beta = scriven_beta(ja)
    D = diffusivity(PES, "CO2", T_300C)
    melt = MeltProperties("PES", ["CO2"], viscosity_Pa_s=1e-3, surface_tension_N_m=0.0)
    t = np.array([0.3, 0.5, 1.0])
    history = advance_cell(
        melt, {"CO2": w}, 0.5e-6, math.inf, T_300C, P_Pa, 0.0, 1.0, fidelity=fidelity, t_eval=t
    )
    exact = 2.0 * beta * np.sqrt(D * t)
    assert np.max(np.abs(history.R / exact - 1.0)) < tolerance
    if fidelity == "full":  # the cut-off numerical melt must stay undepleted at its far end
        far = history.profile.w["CO2"][-1]
        assert far == pytest.approx(w, rel=1e-6)


# --- viscous exponential growth (Amon & Denson 1984; foam-models.md section 4.1) -----------------
@pytest.mark.parametrize("fidelity", ["full", "fast"])
def test_viscosity_controlled_growth_is_exponential(fidelity):
    # With a huge diffusivity the bubble gas stays at the saturation pressure p_s of the melt,
    # and with sigma = 0 in an infinite melt the momentum balance reads dR/dt = R (p_s - P)/(4 eta):
    # R = R0 exp((p_s - P) t / (4 eta)). D = 1e-4 m2/s leaves a diffusion lag R^2/D ~ 1e-6 s
    # against a growth time 4 eta/(p_s - P) = 0.05 s, so 1 % is a sharp test (measured 0.2 %).
    eta, P = 1e5, 1e5
    p_s = saturation("CO2", 0.02)
    melt = MeltProperties("PES", ["CO2"], eta, 0.0, diffusivity_m2_s={"CO2": 1e-4})
    history = advance_cell(
        melt, {"CO2": 0.02}, 10e-6, math.inf, T_300C, P, 0.0, 0.1, fidelity=fidelity
    )
    exact = 10e-6 * np.exp((p_s - P) * history.t / (4.0 * eta))
    assert exact[-1] / 10e-6 > 7.0  # the bubble really grew
    assert np.max(np.abs(history.R / exact - 1.0)) < 0.01


@pytest.mark.parametrize("fidelity", ["full", "fast"])
def test_viscous_expansion_in_a_finite_shell(fidelity):
    # A bubble of fixed gas content (no dissolved gas, no diffusion) in a shell of melt volume
    # (4 pi / 3) Y, sigma = 0: the Amon-Denson momentum balance with its finite-shell factor,
    #     p0 R0^3 / R^3 - P = (4 eta dR/dt / R)(1 - R^3 / S^3),   S^3 = R^3 + Y,
    # integrates for u = R^3, a = p0 R0^3 to the closed form
    #     (u + Y) / (a - P u) = (u0 + Y) / (a - P u0) exp(3 (a + P Y) t / (4 eta Y)).
    # Without the factor (1 - R^3/S^3) R would lag by 20 % here; 0.5 % tolerance (measured 1e-5).
    eta, P, p0, r0, y = 1e4, 1e5, 2e6, 5e-6, (8e-6) ** 3
    melt = MeltProperties("PES", ["CO2"], eta, 0.0, diffusivity_m2_s={"CO2": 1e-30})
    shell_kg = melt_density(PES, T_300C, P) * 4.0 / 3.0 * math.pi * y
    history = advance_cell(
        melt,
        {"CO2": 0.0},
        r0,
        shell_kg,
        T_300C,
        P,
        0.0,
        0.1,
        fidelity=fidelity,
        initial_pressures_Pa={"CO2": p0},
    )
    a, u0 = p0 * r0**3, r0**3
    g = (u0 + y) / (a - P * u0) * np.exp(3.0 * (a + P * y) * history.t / (4.0 * eta * y))
    exact = np.cbrt((g * a - y) / (1.0 + g * P))
    assert history.R[-1] > 2.0 * r0
    assert np.max(np.abs(history.R / exact - 1.0)) < 0.005


# --- Young-Laplace: the critical radius (Epstein & Plesset 1950) ---------------------------------
@pytest.mark.parametrize("fidelity", ["full", "fast"])
def test_critical_bubble_is_static_smaller_dissolves_larger_grows(fidelity):
    # A bubble in equilibrium with the melt, p_g = p_s, is also in mechanical equilibrium when
    # p_s = P + 2 sigma / R*: it stays (an unstable equilibrium). Below R* the Laplace pressure
    # drives the gas back into solution; above R* it grows (foam-models.md 2.3: R* = 2 sigma/dP).
    sigma = 0.03
    p_s = saturation("CO2", 0.01)
    P = p_s - 0.5e6
    r_crit = 2.0 * sigma / (p_s - P)  # 0.12 um

    def grow(factor):
        return grow_cell(
            "PES", {"CO2": 1.0}, T_300C, P, 0.1, factor * r_crit, math.inf, 100.0, sigma, fidelity
        )

    static = grow(1.0)
    assert np.max(np.abs(static.R / r_crit - 1.0)) < 1e-6
    shrinking = grow(0.9)
    assert shrinking.collapsed and shrinking.t[-1] < 0.1
    growing = grow(1.1)
    assert not growing.collapsed and growing.R[-1] > 5.0 * r_crit


# --- a finite shell: conservation and the closed-cell equilibrium --------------------------------
R0, S0, P_AMB = 0.5e-6, 10e-6, 1e5
LOADING = {"CO2": 0.02, "H2O": 0.005}


@pytest.fixture(scope="module", params=["full", "fast"])
def closed_cell(request):
    """CO2 + water in PES at 300 C, 1 bar, in a 10 um shell, with the materials' eta and sigma."""
    wt_pct = {name: 100.0 * w for name, w in LOADING.items()}
    return grow_cell("PES", wt_pct, T_300C, P_AMB, 3.0, R0, S0, fidelity=request.param)


def test_each_fluid_is_conserved_in_a_closed_cell(closed_cell):
    # Gas + condensate + dissolved of each fluid is constant: the flux leaving the shell enters
    # the bubble (the MoDeNa molar_balance invariant, foam-models.md 1.1). Issue: < 1e-3;
    # the finite-volume balance holds to round-off (measured 1e-15).
    for name, error in closed_cell.mass_balance_error().items():
        assert error < 1e-3, name
    assert closed_cell.R[-1] > 20 * R0  # and the cell did foam


def test_closed_cell_ends_at_the_mass_balance_equilibrium(closed_cell):
    # At rest (foam-models.md 4.1, closed-shell equilibrium): the bubble gas balances
    # P + 2 sigma / R, every fluid is at its Henry equilibrium w_i = H_i p_i through the shell,
    # and each fluid's total is the initial one. With m_tot,i = M_p w_i,0 + m_i(0):
    #     p_i = m_tot,i / (V M_i / (R_g T) + M_p H_i),   sum_i p_i = P + 2 sigma / R.
    # sigma is the materials' value at the final wall loading. Issue: within 2 %.
    rho = melt_density(PES, T_300C, P_AMB)
    polymer_kg = rho * 4.0 / 3.0 * math.pi * (S0**3 - R0**3)
    H = {name: henry_constant(PES, name, T_300C) for name in LOADING}
    v0 = 4.0 / 3.0 * math.pi * R0**3
    total = {
        name: polymer_kg * w + saturation(name, w) * v0 * fluid(name)["M"] / (R_GAS * T_300C)
        for name, w in LOADING.items()
    }

    def pressures(R):
        V = 4.0 / 3.0 * math.pi * R**3
        return {
            name: total[name] / (V * fluid(name)["M"] / (R_GAS * T_300C) + polymer_kg * H[name])
            for name in LOADING
        }

    wall = {name: closed_cell.wall[name][-1] for name in LOADING}
    sigma = surface_tension(PES, T_300C, wall)
    r_eq = brentq(lambda R: sum(pressures(R).values()) - P_AMB - 2 * sigma / R, R0, 1e-3)
    assert closed_cell.R[-1] == pytest.approx(r_eq, rel=0.02)
    for name, p in pressures(r_eq).items():
        assert closed_cell.p[name][-1] == pytest.approx(p, rel=0.02)


# --- numerics: grid and tolerance independence, fast against full --------------------------------
DIE_INLET_PA = 1.05 * (saturation("CO2", 0.03, 593.15) + saturation("H2O", 0.005, 593.15))


def die_pressure(t: float) -> float:
    """Pressure along a die: 5 % above saturation, falling linearly to 1 bar at 20 ms."""
    return max(1e5, DIE_INLET_PA - (DIE_INLET_PA - 1e5) * t / 0.02)


def sheet_temperature(t: float) -> float:
    """320 C in the die, then cooling at 240 K/s to 200 C (the melt vitrifies on the way)."""
    return 593.15 if t < 0.02 else max(473.15, 593.15 - 240.0 * (t - 0.02))


DIE_TIMES = np.array([0.02, 0.05, 0.1, 0.2, 0.4, 0.8])


def die_cell(fidelity="full", **options):
    """A 50 nm nucleus with CO2 + water, through a die and the cooling after it."""
    melt = MeltProperties("PES", ["CO2", "H2O"])
    shell_kg = melt_density(PES, 593.15, die_pressure(0.0)) * 4.0 / 3.0 * math.pi * (5e-6) ** 3
    return advance_cell(
        melt,
        {"CO2": 0.03, "H2O": 0.005},
        50e-9,
        shell_kg,
        sheet_temperature,
        die_pressure,
        0.0,
        0.8,
        fidelity=fidelity,
        t_eval=DIE_TIMES,
        **options,
    )


@pytest.fixture(scope="module")
def die_reference():
    return die_cell()


def test_full_fidelity_is_grid_and_step_independent(die_reference):
    # Halving the cell widths, or tightening the tolerance 100-fold, moves R(t) by < 1 %
    # (issue requirement; measured < 1e-3).
    assert die_reference.R[-1] > 50 * 50e-9
    n = len(die_reference.profile.y)
    finer = die_cell(n_cells=2 * n)
    tighter = die_cell(rtol=1e-7)
    assert np.max(np.abs(finer.R / die_reference.R - 1.0)) < 0.01
    assert np.max(np.abs(tighter.R / die_reference.R - 1.0)) < 0.01


def test_fast_fidelity_follows_full_through_die_and_cooling(die_reference):
    # The integral closure against the finite volumes on a representative history (pressure
    # ramp, two fluids, cooling to a glass): R within 10 % throughout (measured 2 %).
    fast = die_cell("fast")
    assert np.max(np.abs(fast.R / die_reference.R - 1.0)) < 0.10


# --- two fluids: the faster one fills the bubble first -------------------------------------------
@pytest.mark.parametrize("fidelity", ["full", "fast"])
@pytest.mark.parametrize("swap", [False, True])
def test_the_faster_fluid_fills_the_bubble_first(fidelity, swap):
    # foam-models.md section 4.4: with D_H2O != D_CO2 the bubble composition drifts towards the
    # faster gas early on. In the materials data water diffuses 5x faster than CO2 in PES
    # (estimates, materials.md section 7). A rigid (eta = 1e12 Pa s), nearly empty 5 um bubble
    # in a loaded melt: each partial pressure rises towards its saturation value, and the faster
    # fluid reaches half of it first. Swapping the two diffusivities must swap the order.
    D = {name: diffusivity(PES, name, T_300C) for name in LOADING}
    if swap:
        D = {"CO2": D["H2O"], "H2O": D["CO2"]}
    faster, slower = sorted(LOADING, key=lambda name: -D[name])
    melt = MeltProperties("PES", list(LOADING), 1e12, diffusivity_m2_s=D)
    history = advance_cell(
        melt,
        LOADING,
        5e-6,
        math.inf,
        T_300C,
        P_AMB,
        0.0,
        0.5,
        fidelity=fidelity,
        initial_pressures_Pa={"CO2": 1e3, "H2O": 1e3},
    )

    def half_time(name):
        fraction = history.p[name] / saturation(name, LOADING[name])
        return float(np.interp(0.5, fraction, history.t))

    assert half_time(faster) < 0.5 * half_time(slower)


def test_growing_bubble_is_enriched_in_the_faster_fluid():
    # The same trend in free growth: the bubble starts with the melt's saturation composition
    # and the mole fraction of water (the faster fluid) rises as the bubble grows.
    history = grow_cell("PES", {"CO2": 2.0, "H2O": 0.5}, T_300C, P_AMB, 0.5, 1e-6)
    x_water = history.p["H2O"] / history.p_gas
    assert history.R[-1] > 10e-6
    assert x_water[-1] > 1.2 * x_water[0]


# --- water condenses when the cell is quenched ---------------------------------------------------
def quench(t: float) -> float:
    """300 C for 0.1 s, then to 40 C within 2 ms (a chill roll), then held."""
    if t < 0.1:
        return T_300C
    return max(313.15, T_300C - 260.0 * (t - 0.1) / 0.002)


@pytest.mark.parametrize("fidelity", ["full", "fast"])
def test_water_condenses_when_the_cell_is_quenched(fidelity):
    # foam-models.md 2.1: water in a cell cannot exceed its vapour pressure; on cooling it
    # condenses and the cell pressure falls. Cooling from 300 to 40 C in 2 ms outruns the
    # re-absorption of water by the wall, so most of the cell's water condenses.
    history = grow_cell(
        "PES", {"CO2": 2.0, "H2O": 0.5}, quench, P_AMB, 0.15, 2e-6, 20e-6, fidelity=fidelity
    )
    p_vap = np.array([vapour_pressure("H2O", T) for T in history.T])
    p_water = history.p["H2O"]
    condensed = history.condensed_kg["H2O"]
    before = history.t < 0.1
    assert np.all(condensed[before] == 0.0)
    assert np.all(p_water <= p_vap * (1.0 + 2e-3))  # capped (the cap is tabulated in T)
    wet = condensed > 0.0
    assert wet.any()
    assert np.allclose(p_water[wet], p_vap[wet], rtol=2e-3)
    water_in_cell = history.gas_kg["H2O"] + condensed
    k = int(np.argmax(history.t >= 0.102))
    assert condensed[k] > 0.5 * water_in_cell[k]
    assert max(history.mass_balance_error().values()) < 1e-3


# --- invariants over random cells (fast fidelity) -------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(
    co2=st.floats(0.005, 0.04),
    water=st.floats(0.0, 0.009),
    T=st.floats(480.0, 640.0),
    P=st.floats(1e5, 5e6),
    R0=st.floats(0.05e-6, 5e-6),
    shell_factor=st.floats(2.0, 50.0),
)
def test_fast_cells_conserve_mass_and_respect_the_vapour_cap(co2, water, T, P, R0, shell_factor):
    try:
        history = grow_cell(
            "PES",
            {"CO2": 100 * co2, "H2O": 100 * water},
            T,
            P,
            0.2,
            R0,
            shell_factor * R0,
            fidelity="fast",
        )
    except InfeasibleProcess:  # more water than the melt holds at this T
        return
    for name, error in history.mass_balance_error().items():
        assert error < 1e-6, name
    assert np.all(history.R > 0.0)
    assert all(np.all(p >= 0.0) for p in history.p.values())
    cap = vapour_pressure("H2O", T)
    assert np.all(history.p["H2O"] <= cap * (1.0 + 1e-9))


def test_a_glassy_cell_with_a_trace_of_water_takes_few_steps():
    # Found by the random test above: below Tg with a trace of water, LSODA (the former fast
    # integrator) held a constant step of 1e-6 of the run (1e6 steps, 80 s). RODAS3 takes 15.
    history = grow_cell(
        "PES", {"CO2": 0.5, "H2O": 5e-6}, 480.0, 1e5, 0.2, 5e-8, 1e-7, fidelity="fast"
    )
    assert history.t[-1] == pytest.approx(0.2)
    assert len(history.t) < 100
    assert max(history.mass_balance_error().values()) < 1e-9


@pytest.mark.parametrize("fidelity", ["fast", "full"])
def test_an_integration_that_cannot_go_on_says_where_in_one_sentence(fidelity):
    # An ambient pressure that turns into NaN at 10 ms: the steps shrink below round-off there
    # and the integrator stops with the time and the radius, not a traceback or a NaN result.
    def P(t):
        return 1e6 if t < 0.01 else math.nan

    with pytest.raises(
        GrowthSolverError, match=r"stopped at t = 0\.01 s \(R = [0-9.]+ um\)"
    ) as info:
        grow_cell("PES", {"CO2": 2.0}, T_300C, P, 0.05, 1e-6, fidelity=fidelity)
    assert "\n" not in str(info.value)


# --- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"t_end_s": -1.0}, ValueError, "t_end_s"),
        ({"t_end_s": 0.0}, ValueError, "t_end_s"),
        ({"R0_m": 0.0}, ValueError, "R0_m"),
        ({"R0_m": -1e-6}, ValueError, "R0_m"),
        ({"shell_radius_m": 0.5e-6}, ValueError, "shell_radius_m"),
        ({"dissolved_wt_pct": {"argon": 1.0}}, MaterialError, "unknown fluid"),
        ({"dissolved_wt_pct": {"CO2": -1.0}}, ValueError, "wt%"),
        ({"dissolved_wt_pct": {}}, ValueError, "at least one fluid"),
        ({"dissolved_wt_pct": {"H2O": 5.0}}, InfeasibleProcess, "lower the H2O loading"),
        ({"viscosity_Pa_s": -5.0}, ValueError, "viscosity_Pa_s"),
        ({"surface_tension_N_m": -0.01}, ValueError, "surface_tension_N_m"),
        ({"fidelity": "medium"}, ValueError, "fidelity"),
        ({"T_K": float("nan")}, ValueError, "T_K"),
        # a pressure ramp that turns negative halfway, refused before it is integrated
        ({"P_Pa": lambda t: 1e6 - 2e7 * t}, ValueError, "ambient pressure must be finite"),
    ],
)
def test_bad_input_is_refused_in_one_sentence(change, error, words):
    args = {
        "polymer": "PES",
        "dissolved_wt_pct": {"CO2": 2.0},
        "T_K": T_300C,
        "P_Pa": 1e5,
        "t_end_s": 0.1,
        "R0_m": 1e-6,
        "shell_radius_m": 10e-6,
    }
    args.update(change)
    with pytest.raises(error, match=words) as info:
        grow_cell(**args)
    assert isinstance(info.value, ValueError | FoamlineError)
    assert "\n" not in str(info.value)


# --- many cells at once: the cohort integrator ---------------------------------------------------
def test_cells_advanced_together_match_cells_advanced_alone():
    # advance_cells integrates the cohorts of a foam as rows of one array, each from its birth
    # with steps of its own, until it collapses. Each cell must follow the single-cell solution
    # (measured: within 5e-7 on R; asserted 1e-5). The third cell is born after the pressure drop
    # below its critical radius 2 sigma / (p_s - P): it dissolves and leaves early.
    melt = MeltProperties("PES", ["CO2", "H2O"], surface_tension_N_m=0.03)
    dissolved = {"CO2": 0.02, "H2O": 0.004}
    p_s = saturation("CO2", 0.02) + saturation("H2O", 0.004)

    def T(t):
        return T_300C - 40.0 * t

    def P(t):
        return max(p_s - 2e6 * t / 0.01, 1e5) if t < 0.02 else 1e5

    r_crit = 2.0 * 0.03 / (p_s - 1e5)
    R0 = np.array([0.4e-6, 0.3e-6, 0.8 * r_crit, 0.6e-6])
    shells = np.array([1e-12, 2e-12, 1e-12, math.inf])
    births = np.array([0.0, 0.004, 0.03, 0.01])
    evals = [np.linspace(t0, 0.5, 40) for t0 in births]
    together = advance_cells(melt, dissolved, R0, shells, T, P, births, 0.5, t_eval=evals)
    assert together[2].collapsed and together[2].t[-1] < 0.4
    for k, h in enumerate(together):
        alone = advance_cell(
            melt, dissolved, R0[k], shells[k], T, P, births[k], 0.5, fidelity="fast",
            t_eval=evals[k],
        )  # fmt: skip
        assert h.collapsed == alone.collapsed
        n = min(len(h.t), len(alone.t)) - h.collapsed  # the last state of a collapse: its step
        assert np.array_equal(h.t[:n], alone.t[:n])
        assert np.max(np.abs(h.R[:n] / alone.R[:n] - 1.0)) < 1e-5
    # the cells that live conserve each fluid in their finite shells
    for h in (together[0], together[1]):
        assert max(h.mass_balance_error().values()) < 1e-9


@pytest.mark.parametrize("n", [3, 160, 2000])
def test_shell_grid_grows_geometrically_from_its_first_cell(n):
    # stretched_grid: n widths in a geometric series from the first one, filling the extent
    # (2000 cells overflowed the root bracket of the ratio before).
    grid = stretched_grid(1.0, 1e-9, n)
    ratio = grid.widths[1:] / grid.widths[:-1]
    assert grid.n == n and grid.faces[-1] == 1.0
    assert grid.widths[0] == pytest.approx(1e-9, rel=1e-9)
    assert np.ptp(ratio) < 1e-9 * ratio[0]


def test_full_cells_solve_the_linear_systems_of_their_steps():
    # FullCells.linearize solves M x = r, M = I / (gamma h) - J, through the structure of J (a
    # Schur complement on l and the b_i, the shells' tridiagonal blocks of all cells as one
    # LAPACK system), with J and df/dt analytic but for the bubble's response to l, b and t.
    # Against M from a dense central-difference Jacobian of the same right-hand side: three cells
    # with grids of 12, 40 and 25 volumes (the first and last padded), CO2 + water, grown and
    # depleted, at their own times and steps. M is ill-conditioned (entries from 1e3 to 1e11), so
    # the residual of x in the dense M is checked against |M| |x|, the backward error (measured
    # 3-5e-12; 1e-10 with forward differences of the whole right-hand side); df/dt to 3e-7.
    melt = MeltProperties("PES", ["CO2", "H2O"])
    run = _Run(melt, {"CO2": 0.03, "H2O": 0.005}, sheet_temperature, die_pressure, 0.0, 0.8)
    cells = run.fast_cells([50e-9, 80e-9, 60e-9], [1e-13, 3e-13, math.inf], [0.0, 0.005, 0.01])
    grids = [stretched_grid(1e-16 * f, 1e-20, n) for f, n in ((1.0, 12), (3.0, 40), (50.0, 25))]
    full = FullCells(cells, grids)
    rng = np.random.default_rng(7)
    rows = np.array([0, 1, 2])
    t = np.array([0.012, 0.018, 0.03])
    h = np.array([1e-5, 3e-4, 2e-3])
    z = full.z0.copy()
    z[:, 0] = [1.5, 2.5, 3.0]
    for k, g in enumerate(grids):  # depleted towards the wall
        for i in range(2):
            start = 3 + i * full.Nmax
            z[k, start : start + g.n] *= 1.0 - 0.5 * np.exp(-np.arange(g.n) / 4.0)
    F0 = full.rhs(t, z, rows)
    solve, dfdt = full.linearize(t, z, rows, F0, h)
    r = rng.normal(size=z.shape)
    x = solve(r)
    for k in rows:

        def f(time: float, state: np.ndarray, k=k) -> np.ndarray:
            return full.rhs(np.array([time]), state[None, :], rows[k : k + 1])[0]

        J = np.empty((z.shape[1], z.shape[1]))
        for j in range(z.shape[1]):
            step = 1e-6 * max(abs(z[k, j]), 1.0) * np.eye(z.shape[1])[j]
            J[:, j] = (f(t[k], z[k] + step) - f(t[k], z[k] - step)) / (2.0 * step[j])
        M = np.eye(len(J)) / (0.5 * h[k]) - J
        residual = np.max(np.abs(M @ x[k] - r[k]))
        assert residual < 1e-8 * np.max(np.abs(M).sum(axis=1)) * np.max(np.abs(x[k]))
        dt = 1e-7 * t[k]
        dF = (f(t[k] + dt, z[k]) - f(t[k] - dt, z[k])) / (2.0 * dt)
        assert np.max(np.abs(dfdt[k] - dF)) < 1e-5 * np.max(np.abs(dF))
    # the padding stays empty
    for k, g in enumerate(grids):
        for i in range(2):
            start = 3 + i * full.Nmax
            assert not np.any(F0[k, start + g.n : start + full.Nmax])


def test_advance_cells_rejects_mismatched_inputs():
    melt = MeltProperties("PES", ["CO2"])
    with pytest.raises(ValueError, match="one value per cell"):
        advance_cells(melt, {"CO2": 0.02}, [1e-6, 1e-6], [1.0], T_300C, 1e5, [0.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="t_start_s"):
        advance_cells(melt, {"CO2": 0.02}, [1e-6], [1.0], T_300C, 1e5, [2.0], 1.0)


def test_paused_cells_finish_as_one_integration_would():
    # PausedCells integrates to a pause (the die exit in a foam) and finishes from there; the
    # result must match one integration through the pause within the fast tolerance, and report
    # times that do not begin with those given up to the pause are refused.
    melt = MeltProperties("PES", ["CO2"], surface_tension_N_m=0.03)
    dissolved = {"CO2": 0.02}
    p_s = saturation("CO2", 0.02)

    def P(t):
        return max(p_s - 2e6 * t / 0.01, 1e5)

    R0, shells, births = np.array([0.4e-6, 0.3e-6]), np.array([1e-12, 2e-12]), np.array([0, 4e-3])
    before = [np.linspace(t0, 0.02, 5) for t0 in births]
    evals = [np.concatenate([b, np.linspace(0.03, 0.3, 10)]) for b in before]
    paused = PausedCells(melt, dissolved, R0, shells, T_300C, P, births, 0.02, before)
    finished = paused.finish(T_300C, P, 0.3, evals)
    again = paused.finish(T_300C, P, 0.3, evals)  # the pause is kept for further finishes
    whole = advance_cells(melt, dissolved, R0, shells, T_300C, P, births, 0.3, t_eval=evals)
    for a, b, c in zip(finished, again, whole, strict=True):
        assert np.array_equal(a.R, b.R)
        assert np.max(np.abs(a.R / c.R - 1.0)) < 1e-3
    with pytest.raises(ValueError, match="up to the pause"):
        paused.finish(T_300C, P, 0.3, [e[1:] for e in evals])
    # cells that report at every step before the pause go on doing so after it
    every = PausedCells(melt, dissolved, R0, shells, T_300C, P, births, 0.02, [None, None])
    for h in every.finish(T_300C, P, 0.3, [None, None]):
        assert h.t[-1] == 0.3 and np.all(np.diff(h.t) > 0.0) and np.any(h.t > 0.02)
    with pytest.raises(ValueError, match="up to the pause"):
        every.finish(T_300C, P, 0.3, evals)
