"""Run the whole line: extruder -> injection stage -> melt pump 1 -> heat exchanger (+ static
mixer) -> melt pump 2 -> slit die, and check that the melt stays one phase and molten.

Pressures are set the way the line sets them. The extruder head holds the injection pressure.
On the patented two-pump line (claims 6, 12) melt pump 1 holds the mixing-stage pressure at its
outlet (``melt_pump_1.outlet_pressure``; without a set point, the pressure that keeps the
exchanger outlet at the injection pressure), and melt pump 2 raises or throttles the melt to
whatever the die needs to push it out. On the prior-art single-pump line (WO 97/06935) melt
pump 1 itself must deliver exchanger drop plus die drop. Pump heating and the die pressure feed
back on each other, so the chain is iterated to a fixed point (relative change < 1e-6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.optimize import brentq

from foamline.line.channel import saturation_or_inf
from foamline.line.extruder import run_extruder
from foamline.line.heat_exchanger import run_heat_exchanger
from foamline.line.injection import run_injection
from foamline.line.melt import Melt
from foamline.line.melt_pump import run_melt_pump
from foamline.line.slit_die import MAX_DIE_PRESSURE, DieResult, run_slit_die
from foamline.line.state import Diagnostic, MeltState, Profile, Station
from foamline.recipe import Recipe

CLAIM_8_PRESSURE = 150e5  # Pa
CLAIM_7_DROP = 50.0  # K
UNDISSOLVED_TOLERANCE = 0.01  # share of a fluid's loading still undissolved at the die


@dataclass(frozen=True)
class LineProfile:
    """What the line does to the melt: stations, profiles, the die figures and diagnostics."""

    recipe_name: str
    two_pump_line: bool
    stations: tuple[Station, ...]
    diagnostics: tuple[Diagnostic, ...]
    summary: dict[str, float | None] = field(default_factory=dict)
    die: DieResult | None = None

    @property
    def feasible(self) -> bool:
        """True when no diagnostic is an error."""
        return not any(d.severity == "error" for d in self.diagnostics)

    def station(self, name: str) -> Station:
        for s in self.stations:
            if s.name == name:
                return s
        raise KeyError(f"no station '{name}' in this line")

    @property
    def die_history(self) -> Profile | None:
        """t, z, P, T, P_sat and dissolved fluids of a melt parcel through the die land."""
        return None if self.die is None else self.die.march.profile

    def to_dict(self) -> dict[str, Any]:
        """The ``line`` object of result.json (DESIGN.md)."""
        profiles = {s.name: s.profile.to_dict() for s in self.stations if s.profile is not None}
        return {
            "two_pump_line": self.two_pump_line,
            "feasible": self.feasible,
            "stations": [s.to_dict() for s in self.stations],
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "summary": dict(self.summary),
            "profiles": profiles,
        }


def run_line(recipe: Recipe, steps: int = 120) -> LineProfile:
    """Simulate the melt through every unit of the recipe's line (see module docstring)."""
    melt = Melt(recipe.polymer_material, recipe.knobs.plasticisation)
    state, extruder = run_extruder(recipe, melt)
    state, injection = run_injection(recipe, melt, state)
    stations = [extruder, injection]
    diagnostics = [*extruder.diagnostics, *injection.diagnostics]
    if any(d.severity == "error" for d in injection.diagnostics):
        return _finish(recipe, melt, stations, diagnostics, None)

    hx_spec, p1_spec, p2_spec = recipe.heat_exchanger, recipe.melt_pump_1, recipe.melt_pump_2
    p1_out = p1_spec.outlet_pressure or state.P
    p_die = state.P
    die_search, p1_search = _Wegstein(), _Wegstein()
    for _ in range(30):
        after_p1, pump1 = run_melt_pump(p1_spec, "melt pump 1", melt, state, p1_out)
        hx = None
        after_hx = after_p1
        if hx_spec is not None:
            hx = run_heat_exchanger(hx_spec, melt, after_p1, steps)
            after_hx = hx.outlet
            if hx.frozen_at is not None:
                break
        hx_drop = 0.0 if hx is None else hx.pressure_drop
        if hx is not None and hx.stalled_at is not None and p1_spec.outlet_pressure:
            break
        if p2_spec is not None:
            after_p2, pump2 = run_melt_pump(p2_spec, "melt pump 2", melt, after_hx, p_die)
            die = run_slit_die(recipe.die, melt, after_p2, steps=steps)
            target_p1 = p1_spec.outlet_pressure or state.P + hx_drop
        else:
            pump2 = None
            die = run_slit_die(recipe.die, melt, after_hx.evolve(P=p_die), steps=steps)
            target_p1 = die.inlet_pressure + hx_drop
        change = abs(die.inlet_pressure - p_die) + abs(target_p1 - p1_out)
        if change <= 1e-6 * target_p1 or die.march.frozen_at is not None:
            break
        p_die = die_search.next(p_die, die.inlet_pressure)
        p1_out = p1_search.next(p1_out, target_p1)
    else:
        diagnostics.append(
            Diagnostic(
                "die",
                "warning",
                "the pump and die pressures did not settle in 30 passes (last change "
                f"{change / 1e5:.3g} bar): the figures are those of the last pass",
            )
        )

    stations.append(pump1)
    diagnostics += pump1.diagnostics
    if hx is not None:
        stations.append(
            Station(
                "heat exchanger",
                "heat_exchanger",
                after_p1,
                after_hx,
                _exchanger_figures(recipe, hx),
                (),
                hx.profile,
            )
        )
        cold_wall = hx_spec.wall_temperature < melt.freeze_temperature(hx.outlet)
        if hx.frozen_at is not None or (hx.stalled_at is not None and cold_wall):
            where = hx.frozen_at if hx.frozen_at is not None else hx.stalled_at
            diagnostics.append(_freeze_off("heat exchanger", melt, where, hx.outlet, recipe))
            return _finish(recipe, melt, stations, diagnostics, None)
        if hx.stalled_at is not None:
            need = hx.pressure_drop + recipe.injection.pressure
            diagnostics.append(
                Diagnostic(
                    "heat exchanger",
                    "error",
                    f"the melt pressure runs out {hx.stalled_at:.2f} m into the heat exchanger: "
                    f"its pressure drop (at least {hx.pressure_drop / 1e5:.0f} bar) exceeds the "
                    f"{after_p1.P / 1e5:.0f} bar melt pump 1 holds; raise "
                    f"melt_pump_1.outlet_pressure above {need / 1e5:.0f} bar, or use a wider "
                    "bore, fewer mixer elements or a warmer wall",
                )
            )
            return _finish(recipe, melt, stations, diagnostics, None, frozenset({"heat exchanger"}))
    if pump2 is not None:
        stations.append(pump2)
        diagnostics += pump2.diagnostics
    stations.append(
        Station(
            "die",
            "slit_die",
            (after_hx if pump2 is None else after_p2).evolve(P=die.inlet_pressure),
            die.march.outlet,
            _die_figures(recipe, die),
            (),
            die.march.profile,
        )
    )
    if die.march.frozen_at is not None:
        diagnostics.append(_freeze_off("die", melt, die.march.frozen_at, die.march.outlet, recipe))
    elif die.march.stalled_at is not None:
        state = die.march.outlet
        diagnostics.append(
            Diagnostic(
                "die",
                "error",
                f"the die would need more than {MAX_DIE_PRESSURE / 1e5:.0f} bar to push the melt "
                f"through: at {state.T - 273.15:.0f} C the {melt.polymer.name} melt is too "
                f"viscous (it solidifies at {melt.freeze_temperature(state) - 273.15:.0f} C); "
                "raise die.temperature, widen die.gap or shorten die.land_length",
            )
        )
    return _finish(recipe, melt, stations, diagnostics, die)


class _Wegstein:
    """Wegstein's acceleration of a fixed point x = g(x) (Wegstein, Commun. ACM 1 (1958) 9), the
    recycle convergence of flowsheet simulators: x_next = q x + (1 - q) g(x), with
    q = s / (s - 1) and s the secant slope of g over the last two iterates. q is bounded to
    [-5, 0.9]: below 0 it speeds a monotone approach, above 0 it damps an oscillating one, and
    a linear g of slope -9 to 5/6 is solved in two passes. An extrapolation below zero falls
    back to plain substitution (x is a pressure). The pump heating and the die pressure feed
    back with a slope near -1 on some recipes: there plain substitution had not settled after
    30 passes (the die 0.3 bar off its fixed point) and Wegstein settles in 6
    (tests/line/test_run.py)."""

    Q_BOUNDS = (-5.0, 0.9)

    def __init__(self) -> None:
        self.last: tuple[float, float] | None = None

    def next(self, x: float, g: float) -> float:
        """The next iterate from the current one x and its image g = g(x)."""
        last, self.last = self.last, (x, g)
        if last is None or x == last[0]:
            return g
        s = (g - last[1]) / (x - last[0])
        q = s / (s - 1.0) if s != 1.0 else self.Q_BOUNDS[0]
        q = min(max(q, self.Q_BOUNDS[0]), self.Q_BOUNDS[1])
        step = q * x + (1.0 - q) * g
        return step if step > 0.0 else g  # a pressure: never extrapolated below zero


def _exchanger_figures(recipe: Recipe, hx) -> dict[str, float | str]:
    spec = recipe.heat_exchanger
    prof = hx.profile
    figures: dict[str, float | str] = {
        "pressure_drop_bar": (prof.P[0] - prof.P[-1]) / 1e5,
        "cooling_K": float(prof.T[0] - prof.T[-1]),
        "wall_temperature_C": spec.wall_temperature - 273.15,
        "wall_shear_rate_1_s": hx.max_wall_shear_rate,
        "mixer": spec.mixer.type
        if spec.mixer.type == "none"
        else f"{spec.mixer.type} x {spec.mixer.elements}",
        "striation_thickness_out_um": hx.outlet.striation * 1e6,
    }
    return figures


def _die_figures(recipe: Recipe, die: DieResult) -> dict[str, float | str]:
    prof = die.march.profile
    figures: dict[str, float | str] = {
        "pressure_drop_bar": (die.inlet_pressure - prof.P[-1]) / 1e5,
        "exit_velocity_m_min": die.exit_velocity * 60.0,
        "wall_shear_rate_1_s": die.wall_shear_rate,
        "exit_dPdt_GPa_s": die.exit_dPdt / 1e9,
        "max_dPdt_GPa_s": die.max_dPdt / 1e9,
    }
    if die.onset_position is not None:
        figures["nucleation_onset_mm"] = die.onset_position * 1e3
        figures["nucleation_onset_ms"] = die.onset_time * 1e3
    return figures


def _freeze_off(where: str, melt: Melt, z: float, state: MeltState, recipe: Recipe) -> Diagnostic:
    limit = melt.freeze_temperature(state)
    if where == "heat exchanger":
        what, wall = "heat_exchanger.wall_temperature", recipe.heat_exchanger.wall_temperature
    else:
        what, wall = "die.temperature", recipe.die.temperature
    cause = "" if wall is None else f" toward its {wall - 273.15:.0f} C wall,"
    return Diagnostic(
        where,
        "error",
        f"the melt freezes off {z * 1e3:.0f} mm into the {where}: it cools{cause} below the "
        f"{limit - 273.15:.0f} C at which the gas-laden {melt.polymer.name} solidifies; raise "
        f"{what} to at least {limit - 273.15 + 10:.0f} C",
    )


def _finish(
    recipe: Recipe,
    melt: Melt,
    stations: list[Station],
    diagnostics: list[Diagnostic],
    die: DieResult | None,
    skip: frozenset[str] = frozenset(),
) -> LineProfile:
    """Add the single-phase checks (except at the stations in ``skip``) and the summary."""
    stations = [
        replace(st, outlet_saturation=saturation_or_inf(melt, st.outlet))
        if st.outlet.fluids
        else st
        for st in stations
    ]
    diagnostics = diagnostics + _single_phase_checks(recipe, melt, stations, die, skip)
    summary = _summary(recipe, stations, die)
    diagnostics += _claim_notes(summary)
    return LineProfile(
        recipe.name, recipe.two_pump_line, tuple(stations), tuple(diagnostics), summary, die
    )


def _single_phase_checks(
    recipe: Recipe,
    melt: Melt,
    stations: list[Station],
    die: DieResult | None,
    skip: frozenset[str],
) -> list[Diagnostic]:
    """Gas must stay dissolved from injection to the die inlet: P > P_sat everywhere."""
    out = []
    for st in stations[2:]:
        if st.name in skip or st.name == "melt pump 2" or st.kind == "slit_die":
            # melt pump 2 delivers the die inlet pressure: the die check below covers it
            continue
        if st.profile is not None:
            excess = st.profile.P - st.profile.P_sat
            i = int(np.argmin(excess))
            P, P_sat, z = st.profile.P[i], st.profile.P_sat[i], st.profile.z[i]
            where = f"the {st.name} at {z:.2f} m"
        else:
            P, P_sat = st.outlet.P, saturation_or_inf(melt, st.outlet)
            where = f"the outlet of {st.name}"
        if math.isinf(P_sat):
            out.append(_beyond_solubility(st.name, where, melt, st.outlet))
        elif P < P_sat:
            need = st.inlet.P + (P_sat - P) * 1.05 if st.profile is not None else P_sat * 1.05
            out.append(
                Diagnostic(
                    st.name,
                    "error",
                    f"gas comes out of solution before the die: at {where} the melt pressure "
                    f"{P / 1e5:.0f} bar is below the saturation pressure {P_sat / 1e5:.0f} bar; "
                    f"raise melt_pump_1.outlet_pressure to at least {need / 1e5:.0f} bar",
                )
            )
    if die is not None:
        prof = die.march.profile
        P, P_sat = prof.P[0], prof.P_sat[0]
        if math.isinf(P_sat):
            inlet = die.march.outlet.evolve(T=float(prof.T[0]))
            out.append(_beyond_solubility("die", "the die inlet", melt, inlet))
        elif P < P_sat:
            gap = _gap_for(recipe, melt, die, P_sat * 1.1)
            advice = "" if gap is None else f"narrow the die gap to {gap * 1e3:.3f} mm, "
            out.append(
                Diagnostic(
                    "die",
                    "error",
                    f"the die inlet pressure {P / 1e5:.0f} bar is below the saturation pressure "
                    f"{P_sat / 1e5:.0f} bar, so cells nucleate before the die: the die needs at "
                    f"least {P_sat * 1.1 / 1e5:.0f} bar; {advice}lengthen the land or lower the "
                    "loading",
                )
            )
        for name in prof.undissolved if P >= P_sat else ():
            total = prof.dissolved[name][0] + prof.undissolved[name][0]
            if total > 0 and prof.undissolved[name][0] > UNDISSOLVED_TOLERANCE * total:
                share = prof.undissolved[name][0] / total
                out.append(
                    Diagnostic(
                        "die",
                        "warning",
                        f"{100 * share:.0f} % of the {name} is still undissolved at the die "
                        "inlet: add static-mixer elements or lengthen the mixing after injection",
                    )
                )
    return out


def _beyond_solubility(station: str, where: str, melt: Melt, state: MeltState) -> Diagnostic:
    loading = " + ".join(f"{100 * state.total(n):.3g} wt% {n}" for n in state.fluids)
    return Diagnostic(
        station,
        "error",
        f"gas comes out of solution before the die: at {where} the melt "
        f"({state.T - 273.15:.0f} C) cannot hold {loading} at any pressure; keep the melt "
        "warmer there or lower the loading",
    )


def _gap_for(recipe: Recipe, melt: Melt, die: DieResult, pressure: float) -> float | None:
    """Die gap (m) that needs ``pressure`` (Pa) at the inlet for the fully dissolved melt."""
    inlet = die.march.outlet.evolve(
        T=float(die.march.profile.T[0]),
        P=pressure,
        dissolved=melt.totals(die.march.outlet),
        undissolved={n: 0.0 for n in die.march.outlet.fluids},
    )

    def excess(log_gap: float) -> float:
        spec = recipe.die.model_copy(update={"gap": math.exp(log_gap)})
        return run_slit_die(spec, melt, inlet, steps=40).inlet_pressure - pressure

    low, high = math.log(recipe.die.gap / 4.0), math.log(recipe.die.gap)
    if excess(low) < 0.0 or excess(high) > 0.0:
        return None
    return math.exp(brentq(excess, low, high, xtol=1e-3))


def _summary(recipe: Recipe, stations: list[Station], die: DieResult | None) -> dict[str, Any]:
    T0 = recipe.extruder.initial_processing_temperature
    temps, pressures = [], []
    for st in stations[2:]:
        if st.kind == "slit_die":
            continue
        temps.append(st.outlet.T)
        if st.profile is not None:
            temps.append(float(st.profile.T.min()))
        if st.kind == "heat_exchanger":
            pressures += [float(st.profile.P.min()), float(st.profile.P.max())]
    if not pressures:
        pressures = [st.outlet.P for st in stations if st.name == "melt pump 1"]
    summary: dict[str, Any] = {
        "initial_processing_temperature_C": T0 - 273.15,
        "mixing_stage_min_pressure_bar": min(pressures) / 1e5 if pressures else None,
        "mixing_stage_max_pressure_bar": max(pressures) / 1e5 if pressures else None,
        "temperature_drop_K": T0 - min(temps) if temps else None,
        "total_residence_s": stations[-1].outlet.time,
    }
    if die is not None:
        prof = die.march.profile
        summary |= {
            "die_inlet_pressure_bar": die.inlet_pressure / 1e5,
            "die_inlet_T_C": float(prof.T[0]) - 273.15,
            "die_exit_T_C": float(prof.T[-1]) - 273.15,
            "die_inlet_saturation_pressure_bar": float(prof.P_sat[0]) / 1e5,
            "die_inlet_Tg_C": float(prof.Tg[0]) - 273.15,
            "die_pressure_drop_bar": (die.inlet_pressure - float(prof.P[-1])) / 1e5,
            "die_exit_dPdt_GPa_s": die.exit_dPdt / 1e9,
            "die_exit_velocity_m_min": die.exit_velocity * 60.0,
            "nucleation_onset_mm": None if die.onset_position is None else die.onset_position * 1e3,
            "nucleation_onset_P_bar": None
            if die.onset_pressure is None
            else die.onset_pressure / 1e5,
        }
    return summary


def _claim_notes(summary: dict[str, Any]) -> list[Diagnostic]:
    notes = []
    drop = summary.get("temperature_drop_K")
    if drop is not None and drop < CLAIM_7_DROP:
        notes.append(
            Diagnostic(
                "heat exchanger",
                "info",
                f"the melt is cooled by {drop:.0f} K, less than the {CLAIM_7_DROP:.0f} K of "
                "claim 7: lower heat_exchanger.wall_temperature or lengthen the exchanger",
            )
        )
    p = summary.get("mixing_stage_min_pressure_bar")
    if p is not None and p * 1e5 <= CLAIM_8_PRESSURE:
        notes.append(
            Diagnostic(
                "melt pump 1",
                "info",
                f"the mixing-stage pressure falls to {p:.0f} bar, not above the "
                f"{CLAIM_8_PRESSURE / 1e5:.0f} bar of claim 8: raise melt_pump_1.outlet_pressure",
            )
        )
    return notes
