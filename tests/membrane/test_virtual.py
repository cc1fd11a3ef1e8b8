"""The virtual membrane of the simulated foam of example (a)."""

from __future__ import annotations

import dataclasses

import pytest

from foamline import load_recipe
from foamline.foaming import simulate_foam
from foamline.line import run_line
from foamline.membrane.virtual import RVE_CELLS, virtual_membrane
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def foam_and_recipe():
    recipe = load_recipe(EXAMPLES / "pes_mf_co2_water.toml")
    return simulate_foam(recipe, run_line(recipe), "fast"), recipe


def test_representative_volume_reproduces_the_foam(foam_and_recipe) -> None:
    foam, recipe = foam_and_recipe
    open_foam = dataclasses.replace(foam, ruptured_fraction=1.0)
    m = virtual_membrane(open_foam, recipe)
    assert m.structure.n_cells >= RVE_CELLS
    assert m.mean_pore_diameter_um == pytest.approx(foam.mean_cell_diameter_um, rel=0.05)
    assert m.open_cell_fraction >= 0.99 and m.open_cell_fraction_by_walls >= 0.99
    assert m.water_permeance_lmh_bar > 0 and 0 < m.bubble_point_bar < 10
    # cells > flow-equivalent pores, windows < cells: three sizes, cells the claims' basis
    assert m.mean_window_diameter_um < m.mean_pore_diameter_um
    assert m.pore_size_basis == "cell"
    assert m.to_dict()["filtration_class"] == "microfiltration"


def test_closed_foam_gives_a_closed_membrane(foam_and_recipe) -> None:
    foam, recipe = foam_and_recipe
    m = virtual_membrane(dataclasses.replace(foam, ruptured_fraction=0.0), recipe)
    assert m.open_cell_fraction == 0.0
    assert m.water_permeance_lmh_bar == 0.0
    assert m.to_dict()["bubble_point_bar"] is None
