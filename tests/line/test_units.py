"""Each unit of the line on its own: gear pump, heat-exchanger channel, the energy balance."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from foamline.line.channel import Channel, march
from foamline.line.heat_exchanger import run_heat_exchanger
from foamline.line.melt import Melt
from foamline.line.melt_pump import run_melt_pump
from foamline.line.state import MeltState
from foamline.materials import polymer
from foamline.recipe import HeatExchangerSpec, MeltPumpSpec, recipe_from_dict


@pytest.fixture
def melt() -> Melt:
    return Melt(polymer("PES"))


@pytest.fixture
def hot_state() -> MeltState:
    """PES at 380 C and 300 bar with 2.5 wt% CO2 dissolved, 10 kg/h."""
    return MeltState(
        T=653.15,
        P=300e5,
        polymer_flow=10 / 3600,
        dissolved={"CO2": 0.025},
        undissolved={"CO2": 0.0},
        striation=7e-6,
    )


def test_gear_pump_speed_power_and_heating(melt: Melt, hot_state: MeltState) -> None:
    """N = Q / (eta_v V_d); shaft power V_d N dP; leakage heating (1/eta_v - 1) dP / (rho cp)."""
    spec = MeltPumpSpec(displacement="10 cm3/rev", volumetric_efficiency=0.9)
    out, station = run_melt_pump(spec, "melt pump 1", melt, hot_state, 350e5)
    q = melt.volume_flow(hot_state)
    speed = q / (0.9 * 10e-6)
    assert station.figures["speed_rpm"] == pytest.approx(speed * 60, rel=1e-12)
    assert station.figures["shaft_power_kW"] == pytest.approx(10e-6 * speed * 50e5 / 1e3)
    rise = 50e5 * (1 / 0.9 - 1) / (melt.density(hot_state) * melt.cp)
    assert out.T - hot_state.T == pytest.approx(rise, rel=1e-12)
    assert station.residence == pytest.approx(1 / speed)
    assert not station.diagnostics


def test_gear_pump_beyond_its_rating_and_speed_says_what_to_change(
    melt: Melt, hot_state: MeltState
) -> None:
    spec = MeltPumpSpec(displacement="0.5 cm3/rev", max_pressure="250 bar", max_speed="60 rpm")
    _, station = run_melt_pump(spec, "melt pump 2", melt, hot_state, 420e5)
    messages = [d.message for d in station.diagnostics if d.severity == "error"]
    assert any("420 bar, beyond its 250 bar rating" in m for m in messages)
    assert any("rpm, beyond its rated 60 rpm" in m and "cm3/rev" in m for m in messages)


def _exchanger(length: str, wall: str = "320 degC", mixer: dict | None = None) -> Any:
    return HeatExchangerSpec(
        length=length, bore="25 mm", tubes=4, wall_temperature=wall, mixer=mixer or {}
    )


def test_exchanger_outlet_tends_to_inlet_as_length_tends_to_zero(
    melt: Melt, hot_state: MeltState
) -> None:
    """In the thermal entry the Leveque solution gives a mean Nu ~ L^(-1/3), so the cooling over a
    short length L vanishes as L^(2/3): 100 times shorter, 100^(2/3) = 21.5 times less cooling."""
    short, shorter = (
        run_heat_exchanger(_exchanger(L), melt, hot_state).outlet for L in ("0.1 mm", "1 um")
    )
    assert hot_state.T - shorter.T < 0.02
    assert (hot_state.T - short.T) / (hot_state.T - shorter.T) == pytest.approx(21.5, rel=0.1)
    assert abs(shorter.P - hot_state.P) < 50.0


def test_exchanger_outlet_tends_to_the_wall_as_length_tends_to_infinity(
    melt: Melt, hot_state: MeltState
) -> None:
    """A long exchanger brings the melt to the wall temperature, up to the small offset of
    viscous dissipation q G / (h p), which must stay below 1 K at 10 kg/h in 4 x 25 mm."""
    temps = [
        run_heat_exchanger(_exchanger(f"{L} m"), melt, hot_state.evolve(P=900e5)).outlet.T
        for L in (0.5, 2.0, 8.0)
    ]
    wall = 320 + 273.15
    gaps = [t - wall for t in temps]
    assert gaps[0] > gaps[1] > gaps[2] >= 0.0
    assert gaps[2] < 1.0


def test_channel_march_reproduces_the_exponential_approach_to_the_wall(
    melt: Melt, hot_state: MeltState
) -> None:
    """With constant h and no dissipation: T = T_w + (T_in - T_w) exp(-h p z / (m cp)), exactly,
    for any number of steps."""
    channel = Channel(length=2.0, area=4.9e-4, perimeter=0.0785, wall_temperature=600.0)
    h = 150.0
    m_cp = melt.mass_flow(hot_state) * melt.cp
    for steps in (7, 120):
        result = march(
            melt, hot_state, channel, lambda s, q: (0.0, 0.0), lambda s, x0, x1, q: h, steps=steps
        )
        z, T = result.profile.z, result.profile.T
        exact = 600.0 + (hot_state.T - 600.0) * np.exp(-h * channel.perimeter * z / m_cp)
        assert np.allclose(T, exact, rtol=1e-12)


def test_static_mixer_raises_pressure_drop_and_cooling(melt: Melt, hot_state: MeltState) -> None:
    """Mixer elements multiply the drop over their length by Z and enhance heat transfer."""
    empty = run_heat_exchanger(_exchanger("1 m"), melt, hot_state)
    mixed = run_heat_exchanger(
        _exchanger("1 m", mixer={"type": "SMX", "elements": 8}), melt, hot_state
    )
    assert mixed.pressure_drop > 3.0 * empty.pressure_drop
    assert mixed.outlet.T < empty.outlet.T
    assert mixed.outlet.striation < hot_state.striation


def test_exchanger_heat_balance_grid_independent(melt: Melt, hot_state: MeltState) -> None:
    """Outlet temperature and pressure change by < 0.1 K and < 0.5 % between 60 and 480 steps."""
    spec = _exchanger("1 m", mixer={"type": "SMX", "elements": 8})
    coarse = run_heat_exchanger(spec, melt, hot_state, steps=60)
    fine = run_heat_exchanger(spec, melt, hot_state, steps=480)
    assert abs(coarse.outlet.T - fine.outlet.T) < 0.1
    assert coarse.pressure_drop == pytest.approx(fine.pressure_drop, rel=0.005)


def test_mixer_override_in_the_recipe_is_used(example_dict: dict) -> None:
    example_dict["heat_exchanger"]["mixer"] = {"type": "SMX", "elements": 8, "z_factor": 10.0}
    recipe = recipe_from_dict(example_dict)
    assert recipe.heat_exchanger.mixer.z_factor == 10.0
    melt = Melt(recipe.polymer_material)
    state = MeltState(T=653.15, P=330e5, polymer_flow=recipe.extruder.throughput)
    low = run_heat_exchanger(recipe.heat_exchanger, melt, state).pressure_drop
    example_dict["heat_exchanger"]["mixer"]["z_factor"] = 40.0
    high = run_heat_exchanger(recipe_from_dict(example_dict).heat_exchanger, melt, state)
    assert high.pressure_drop > low
    assert math.isfinite(low)
