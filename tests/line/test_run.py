"""The whole line on the bundled recipes: stations, conservation, diagnostics, the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from foamline.line import run_line
from foamline.recipe import recipe_from_dict
from foamline.simulate import finite
from tests.test_cli import run

STATIONS = ["extruder", "injection stage", "melt pump 1", "heat exchanger", "melt pump 2", "die"]


@pytest.fixture(scope="module")
def example_line(request: pytest.FixtureRequest):
    from foamline import load_recipe
    from tests.conftest import EXAMPLES

    return run_line(load_recipe(EXAMPLES / "pes_mf_co2_water.toml"))


def _line(data: dict[str, Any]):
    return run_line(recipe_from_dict(data))


def test_patented_line_has_every_station_and_the_claim_figures(example_line) -> None:
    assert [s.name for s in example_line.stations] == STATIONS
    assert example_line.feasible, example_line.diagnostics
    summary = example_line.summary
    assert summary["mixing_stage_min_pressure_bar"] > 150.0  # claim 8
    assert summary["temperature_drop_K"] >= 50.0  # claim 7
    assert 0.001 < summary["die_exit_dPdt_GPa_s"] < 100.0
    # the die pushes the melt out to atmospheric pressure
    assert example_line.stations[-1].outlet.P == pytest.approx(101325.0, rel=1e-4)
    assert summary["die_inlet_pressure_bar"] > summary["die_inlet_saturation_pressure_bar"]


def test_each_fluid_mass_is_conserved_through_the_line(example_line) -> None:
    loadings = {"CO2": 0.025, "H2O": 0.005}
    for station in example_line.stations[1:]:
        for name, w in loadings.items():
            assert station.outlet.total(name) == pytest.approx(w, rel=1e-12), station.name
        if station.profile is not None:
            for name, w in loadings.items():
                total = station.profile.dissolved[name] + station.profile.undissolved[name]
                assert total == pytest.approx(w, rel=1e-12)


def test_die_history_is_monotone_in_time_and_pressure(example_line) -> None:
    history = example_line.die_history
    assert (history.t[1:] > history.t[:-1]).all()
    assert (history.P[1:] < history.P[:-1]).all()
    onset = example_line.summary["nucleation_onset_mm"] / 1e3
    # at the onset the pressure equals the saturation pressure (linear interpolation)
    import numpy as np

    P = np.interp(onset, history.z, history.P)
    P_sat = np.interp(onset, history.z, history.P_sat)
    assert P == pytest.approx(P_sat, rel=2e-3)


def test_single_phase_diagnostic_switches_where_P_crosses_P_sat(example_dict: dict) -> None:
    """Melt pump 1's set point moved 0.5 bar either side of the lowest pressure that keeps the
    exchanger single-phase: the diagnostic appears exactly below it."""
    base = _line(example_dict)
    hx = base.station("heat exchanger").profile
    margin = float((hx.P - hx.P_sat).min())
    set_point = 330e5 - margin
    for offset, expect in ((+0.5e5, False), (-0.5e5, True)):
        example_dict["melt_pump_1"]["outlet_pressure"] = f"{(set_point + offset) / 1e5} bar"
        line = _line(example_dict)
        found = [
            d
            for d in line.diagnostics
            if d.station == "heat exchanger" and "out of solution" in d.message
        ]
        assert bool(found) == expect, (offset, line.diagnostics)


def test_die_inlet_below_saturation_is_infeasible_and_names_the_pressure(
    example_dict: dict,
) -> None:
    example_dict["die"]["gap"] = "1.2 mm"
    line = _line(example_dict)
    assert not line.feasible
    [diag] = [d for d in line.diagnostics if d.station == "die" and d.severity == "error"]
    assert "below the saturation pressure" in diag.message
    assert "needs at least" in diag.message and "narrow the die gap" in diag.message


def test_narrow_die_overloads_pump_2(example_dict: dict) -> None:
    example_dict["die"]["gap"] = "0.25 mm"
    line = _line(example_dict)
    assert not line.feasible
    assert any(d.station == "melt pump 2" and "rating" in d.message for d in line.diagnostics)


def test_cold_exchanger_freezes_the_melt_off(example_dict: dict) -> None:
    example_dict["heat_exchanger"]["wall_temperature"] = "150 degC"
    line = _line(example_dict)
    assert not line.feasible
    messages = [d.message for d in line.diagnostics if d.severity == "error"]
    assert any("freezes off" in m and "wall_temperature" in m for m in messages), messages


def test_injection_pressure_too_low_to_dissolve(example_dict: dict) -> None:
    example_dict["injection"]["pressure"] = "150 bar"
    line = _line(example_dict)
    assert not line.feasible
    assert any(
        d.station == "injection stage" and "cannot dissolve" in d.message for d in line.diagnostics
    )


def test_prior_art_single_pump_line(example_dict: dict) -> None:
    """Without melt pump 2, pump 1 must deliver the exchanger drop plus the die drop."""
    del example_dict["melt_pump_2"]
    example_dict["melt_pump_1"].pop("outlet_pressure")
    line = _line(example_dict)
    assert [s.name for s in line.stations] == [n for n in STATIONS if n != "melt pump 2"]
    pump, hx, die = (line.station(n) for n in ("melt pump 1", "heat exchanger", "die"))
    assert pump.outlet.P == pytest.approx(hx.inlet.P)
    assert hx.outlet.P == pytest.approx(die.inlet.P, rel=1e-5)


def test_uncooled_co2_pump_head_is_warned(example_dict: dict) -> None:
    example_dict["fluids"][0]["pump_head_temperature"] = "60 degC"
    example_dict["injection"]["pressure"] = "80 bar"
    example_dict["fluids"][0]["loading"] = "0.5 wt%"
    example_dict["fluids"][1]["loading"] = "0.1 wt%"
    line = _line(example_dict)
    assert any(
        d.station == "injection stage" and "cool the pump head" in d.message
        for d in line.diagnostics
    )


def test_line_cli_writes_json_with_design_fields(tmp_path: Path, example_path: Path) -> None:
    out = tmp_path / "line.json"
    result = run("line", str(example_path), "--json", str(out))
    assert result.returncode == 0, result.stderr
    for word in ("melt pump 2", "die_exit_dPdt_GPa_s", "feasible"):
        assert word in result.stdout
    data = json.loads(out.read_text())
    stations = data["line"]["stations"]
    assert [s["name"] for s in stations] == STATIONS
    for s in stations:
        assert {"name", "kind", "T_C", "P_bar", "residence_s", "dissolved_wt_pct"} <= set(s)
    assert data["line"]["feasible"] is True
    assert isinstance(data["line"]["diagnostics"], list)
    again = run("line", str(example_path), "--json", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert run("line", str(example_path), "--json", str(out), "--force").returncode == 0


def _psu_near_tg(data: dict) -> dict:
    """The example with PSU and 1 wt% CO2 at 191 C, 5 K above its Tg, through a 1 mm die."""
    data["polymer"]["name"] = "PSU"
    data["fluids"] = [{"name": "CO2", "loading": "1 wt%", "pump_head_temperature": "0 degC"}]
    data["extruder"]["initial_processing_temperature"] = "191 degC"
    data["extruder"]["barrel_zones"] = ["191 degC"] * 4
    data["melt_pump_1"] |= {"outlet_pressure": "100 bar", "max_pressure": "300 bar"}
    data["die"] |= {"gap": "1 mm", "land_length": "5 mm", "temperature": "191 degC"}
    del data["melt_pump_2"]
    return data


def test_a_melt_too_viscous_for_any_pump_is_a_diagnostic(example_dict):
    """Found by tests/test_simulate_properties.py: PSU 5 K above Tg in a 1 mm die. The die
    search once diverged (viscous heating to 19000 K, then a math error); now it is blocked at
    3000 bar and the line says so."""
    data = _psu_near_tg(example_dict)
    del data["heat_exchanger"]
    profile = run_line(recipe_from_dict(data))
    assert not profile.feasible
    assert any("would need more than 3000 bar" in d.message for d in profile.diagnostics)


def test_a_melt_too_viscous_for_the_exchanger_is_a_diagnostic(example_dict):
    """Found by tests/test_simulate_properties.py: the same PSU through a heat exchanger. The
    trial states of its pressure search fell far below vacuum, where the viscosity underflowed
    to 0 and a logarithm of it raised; and a march that stalls in its first step reported a
    pressure drop of "at least 0 bar". Now the drop is the inlet gradient times the length."""
    data = _psu_near_tg(example_dict)
    data["heat_exchanger"] = {
        "length": "1 m", "bore": "10 mm", "tubes": 1, "wall_temperature": "191 degC",
        "mixer": {"type": "none", "elements": 0},
    }  # fmt: skip
    profile = run_line(recipe_from_dict(data))
    assert not profile.feasible
    [message] = [d.message for d in profile.diagnostics if "pressure runs out" in d.message]
    drop_bar = float(message.split("at least ")[1].split(" bar")[0])
    assert drop_bar > 300.0  # more than the pump holds, not 0


def test_a_loading_no_pressure_holds_is_a_diagnostic(example_dict):
    """Found by tests/test_simulate_properties.py: 1 wt% water in PES cooled to about 305 C is
    beyond its solubility at any pressure (the saturation pressure is infinite). That once
    raised out of run_line; now the exchanger and the die inlet say so in a sentence."""
    data = example_dict
    data["fluids"] = [{"name": "H2O", "loading": "1 wt%", "pump_head_temperature": "20 degC"}]
    data["injection"]["pressure"] = "400 bar"
    data["melt_pump_1"] |= {"outlet_pressure": "400 bar", "max_pressure": "500 bar"}
    data["heat_exchanger"]["wall_temperature"] = "305 degC"
    profile = run_line(recipe_from_dict(data))
    messages = [d.message for d in profile.diagnostics if d.severity == "error"]
    assert any("cannot hold 1 wt% H2O at any pressure" in m for m in messages)
    assert "inf" not in " ".join(messages)
    exchanger = profile.station("heat exchanger").to_dict()
    assert exchanger["P_sat_bar"] == math.inf  # no pressure holds it ...
    assert finite(exchanger)["P_sat_bar"] is None  # ... which JSON output writes as null


def test_die_search_ends_where_free_water_flashes_in_the_die(example_dict) -> None:
    # Found by the property test: free water flashing to steam across a march step makes the
    # die's pressure drop jump, and the secant search for the inlet pressure never met its
    # tolerance (a hang). It now bisects, and the line says why the die cannot work.
    data = example_dict
    data["fluids"][0]["loading"], data["fluids"][1]["loading"] = "2.528 wt%", "0.5822 wt%"
    data["heat_exchanger"]["wall_temperature"] = "321.8 degC"
    data["die"].update(gap="0.4344 mm", land_length="8.225 mm", temperature="337.9 degC")
    line = _line(data)
    assert not line.feasible
    (error,) = [d for d in line.diagnostics if d.severity == "error"]
    assert error.station == "die" and "below the saturation pressure" in error.message
    # the pump heating and the die pressure feed back with a slope near -1 here: the pressures
    # settle (Wegstein) instead of running out of passes
    assert not any("did not settle" in d.message for d in line.diagnostics)


@pytest.mark.parametrize("slope", [-5.0, -0.97, -0.5, 0.5, 0.8])
def test_wegstein_settles_a_slow_or_oscillating_fixed_point(slope: float) -> None:
    from foamline.line.run import _Wegstein

    def g(x: float) -> float:  # fixed point at 200 bar
        return 2e7 + slope * (x - 2e7)

    search, x, passes = _Wegstein(), 1e7, 0
    while abs(g(x) - x) > 1e-6 * 2e7:
        x, passes = search.next(x, g(x)), passes + 1
        assert passes < 30
    assert x == pytest.approx(2e7, rel=1e-6)
    # within the bounds of q (slopes -9 to 5/6) the second pass lands on the fixed point of a
    # linear g; plain substitution needs hundreds of passes at slope -0.97 and diverges at -5
    assert passes <= 3


def test_wegstein_never_extrapolates_a_pressure_below_zero() -> None:
    from foamline.line.run import _Wegstein

    search = _Wegstein()
    assert search.next(2e7, 1e7) == 1e7  # no slope yet: plain substitution
    # the secant slope 0.9 gives q = -5, which would land at -5 x + 6 g = -4.4e7 Pa
    assert search.next(1e7, 1e6) == 1e6


def test_a_line_whose_pressures_do_not_settle_says_so(example_dict, monkeypatch) -> None:
    import foamline.line.run as run_module

    # an iteration that never settles: each pass lands 0.1 bar off what the die asked for
    monkeypatch.setattr(run_module._Wegstein, "next", lambda self, x, g: g + 1e4)
    line = _line(example_dict)
    (warning,) = [d for d in line.diagnostics if "did not settle" in d.message]
    assert warning.severity == "warning" and warning.station == "die"


def test_bisection_of_the_die_search_lands_on_a_jump_of_the_residual() -> None:
    from foamline.line.slit_die import _bisect

    def miss(p: float):  # no root: the residual jumps from +20 Pa to -20 Pa at 1.5e7 Pa
        return (1.5e7 - p) + (20.0 if p < 1.5e7 else -20.0), None

    p = _bisect(miss, [(1.4e7, miss(1.4e7)[0]), (1.6e7, miss(1.6e7)[0])], 1.0)
    assert p == pytest.approx(1.5e7, abs=1.0)
