"""Permeance and bubble point of generated foam slabs."""

from __future__ import annotations

import warnings

import pytest

from foamline.membrane import LIQUIDS, performance
from foamline.membrane.from_structure import network_from_structure
from foamline.structure import generate_foam


@pytest.fixture(scope="module")
def slabs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            rf: generate_foam((20e-6, 2e-6), 0.85, rf, 1e-6, (80, 80, 80), seed=3)
            for rf in (0.0, 0.4, 1.0)
        }


def test_closed_cells_pass_nothing(slabs) -> None:
    perf = performance(network_from_structure(slabs[0.0]), 0.85)
    assert perf.permeance_lmh_bar == 0.0
    assert perf.bubble_point_bar == float("inf")


def test_permeance_rises_with_the_open_walls(slabs) -> None:
    """More open walls, more parallel paths. (The bubble point need not fall: when every wall of
    a cell opens, its struts take more of each face and the built openings get narrower.)"""
    half, full = (performance(network_from_structure(slabs[rf]), 0.85) for rf in (0.4, 1.0))
    assert 0.0 < half.permeance_lmh_bar < full.permeance_lmh_bar


def test_bubble_point_window_is_a_real_window_and_young_laplace_holds(slabs) -> None:
    structure = slabs[1.0]
    perf = performance(network_from_structure(structure), 0.85, liquid="isopropanol")
    d = perf.bubble_point_diameter_um * 1e-6
    assert structure.opening_diameters_m.min() <= d <= structure.opening_diameters_m.max() * 1.5
    assert perf.bubble_point_bar == pytest.approx(
        4 * LIQUIDS["isopropanol"].surface_tension / d / 1e5, rel=1e-12
    )


def test_permeance_is_in_the_band_of_the_capillary_model(slabs) -> None:
    """Flow-equivalent diameter between a third of and twice the bubble-point window: the
    capillary model J = eps d^2 dP / (32 mu L) (structure-membrane.md 3.2) brackets the network."""
    perf = performance(network_from_structure(slabs[1.0]), 0.85)
    ratio = perf.flow_equivalent_diameter_um / perf.bubble_point_diameter_um
    assert 1 / 3 < ratio < 2
