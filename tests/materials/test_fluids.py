"""Fluid properties from CoolProp, checked against published reference values."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from foamline.errors import MaterialError
from foamline.materials import (
    critical_temperature,
    fluid,
    fluid_density,
    is_dense,
    vapour_pressure,
    water_surface_tension,
)


def test_co2_density_matches_coolprop_documentation() -> None:
    # CoolProp docs, "Examples": PropsSI('D','T',298.15,'P',100e5,'CO2') = 817.63 kg/m3.
    assert fluid_density("CO2", 298.15, 100e5) == pytest.approx(817.63, abs=0.01)


def test_water_density_right_at_saturation_takes_the_side_of_the_pressure() -> None:
    # CoolProp refuses T, P within 1e-6 of the saturation line (hypothesis found a recipe that
    # hit it); the density is then the liquid's at or above p_sat and the vapour's below it.
    # IAPWS-95 at 328.3 C: saturated liquid 645 kg/m3, saturated vapour 75 kg/m3.
    T = 601.4736637
    p_sat = 12582874.7
    assert fluid_density("H2O", T, p_sat * (1 - 1e-7)) == pytest.approx(74.77, abs=0.05)
    assert fluid_density("H2O", T, p_sat * (1 + 1e-7)) == pytest.approx(645.41, abs=0.05)


@pytest.mark.parametrize(
    ("T_C", "p_bar", "tol"),
    [(100.0, 1.014, 0.001), (200.0, 15.55, 0.01), (250.0, 39.76, 0.01)],
)
def test_water_vapour_pressure_steam_table(T_C: float, p_bar: float, tol: float) -> None:
    # IAPWS-95 (materials.md section 1): 0.1014 MPa at 100 C, 1.555 at 200 C, 3.976 at 250 C.
    assert vapour_pressure("H2O", T_C + 273.15) / 1e5 == pytest.approx(p_bar, abs=tol)


@pytest.mark.parametrize("T_K", [345.0, 355.0, 365.0])
def test_water_vapour_pressure_agrees_with_nist_antoine(T_K: float) -> None:
    # NIST WebBook Antoine constants (Bridgeman & Aldrich 1964), 344-373 K:
    # log10(P/bar) = 5.08354 - 1663.125 / (T - 45.622). The fit itself is good to ~0.2 %.
    antoine = 10 ** (5.08354 - 1663.125 / (T_K - 45.622)) * 1e5
    assert vapour_pressure("water", T_K) == pytest.approx(antoine, rel=0.005)


def test_no_vapour_pressure_cap_above_the_critical_point() -> None:
    assert math.isinf(vapour_pressure("H2O", 380 + 273.15))  # water Tc = 373.9 C
    assert math.isinf(vapour_pressure("CO2", 200 + 273.15))  # CO2 Tc = 31.0 C


def test_no_vapour_pressure_between_coolprops_critical_point_and_the_rounded_one() -> None:
    # Found by a random recipe (PBT with ethanol, a die at 514.7094 K): ethanol's Tc in the
    # library, 514.71 K, lies 7e-4 K above CoolProp's critical point, where CoolProp refuses a
    # saturation state (ValueError); the fluid is supercritical there.
    assert math.isinf(vapour_pressure("Ethanol", 514.7094081129894))
    assert critical_temperature("Ethanol") == pytest.approx(514.70928, abs=1e-5)
    assert critical_temperature("CO2") == 304.128  # the library's, below CoolProp's by 2e-4 K
    assert vapour_pressure("Ethanol", 514.70) < vapour_pressure("Ethanol", 514.709) < 6.3e6


def test_vapour_pressure_below_triple_point_is_a_clear_error() -> None:
    with pytest.raises(MaterialError, match="triple point"):
        vapour_pressure("CO2", 150.0)


@pytest.mark.parametrize(
    ("T_C", "sigma_mN_m"), [(0.01, 75.65), (25.0, 71.97), (100.0, 58.91), (200.0, 37.67)]
)
def test_water_surface_tension_iapws_table(T_C: float, sigma_mN_m: float) -> None:
    # IAPWS R1-76(2014), table of recommended values; the release quotes these to 0.01 mN/m.
    assert water_surface_tension(T_C + 273.15) * 1e3 == pytest.approx(sigma_mN_m, abs=0.02)


def test_co2_in_a_cooled_pump_head_is_dense_but_not_in_a_warm_low_pressure_one() -> None:
    # 5 C and 250 bar: compressed liquid (about 1019 kg/m3); 60 C and 50 bar: a gas.
    assert is_dense("CO2", 278.15, 250e5)
    assert not is_dense("CO2", 333.15, 50e5)


@pytest.mark.parametrize("name", ["H2O", "CO2", "Ethanol", "N2"])
def test_tabulated_vapour_pressure_matches_coolprop(name: str) -> None:
    """The spline of ln p_sat(1/T) reproduces CoolProp within 3e-5 across the two-phase range."""
    import CoolProp.CoolProp as CP

    cp_name = fluid(name).coolprop_name
    t_triple, t_crit = CP.PropsSI("Ttriple", cp_name), CP.PropsSI("Tcrit", cp_name)
    for T in np.linspace(t_triple + 0.01, t_crit - 0.01, 157):
        exact = CP.PropsSI("P", "T", T, "Q", 0, cp_name)
        assert vapour_pressure(name, T) == pytest.approx(exact, rel=3e-5), T


def test_coolprop_is_imported_at_the_first_fluid_property_not_before() -> None:
    # CoolProp's import loads every fluid of its library (4.0 s with CoolProp 8.0): the CLI and
    # the package import without it, and the first fluid property brings it in.
    script = (
        "import sys; import foamline.cli; before = 'CoolProp' in sys.modules; "
        "from foamline.materials import fluid_density; fluid_density('CO2', 300.0, 1e5); "
        "print(before, 'CoolProp' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
