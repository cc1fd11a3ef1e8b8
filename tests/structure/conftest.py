"""Generated foams shared by the structure tests (built once per session: ~1.5 s each).

All fixtures are 128^3 voxels of 1 um with cells of mean diameter 20 um (20 voxels across,
~460 cells, ~310 of them not cut by the slab faces), void fraction 0.8: walls come out about
1.4 voxels thick, so a closed wall is gas tight for face-connected void.
"""

from __future__ import annotations

import pytest

from foamline.structure import FoamStructure, generate_foam

MEAN_D = 20e-6
STD_D = 2e-6
VOXEL = 1e-6
SHAPE = (128, 128, 128)


def _foam(ruptured: float, seed: int, **kwargs: object) -> FoamStructure:
    return generate_foam((MEAN_D, STD_D), 0.8, ruptured, VOXEL, SHAPE, seed=seed, **kwargs)


@pytest.fixture(scope="session")
def closed_foam() -> FoamStructure:
    return _foam(0.0, seed=3)


@pytest.fixture(scope="session")
def partly_open_foam() -> FoamStructure:
    return _foam(0.2, seed=3)


@pytest.fixture(scope="session")
def open_foam() -> FoamStructure:
    return _foam(1.0, seed=3)
