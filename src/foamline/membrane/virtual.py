"""The virtual membrane of a simulated foam: a representative volume and its filtration figures.

The frozen foam's cohorts (diameters and counts), void fraction and fraction of walls ruptured
drive :func:`foamline.structure.generate_foam` for a representative volume of at least 500
cells (about 14 voxels per mean cell diameter; walls thinner than a voxel are kept on the face
list, which the network uses, rather than in the voxels; so the open-cell content and the window
sizes are read from the face list, not the voxels). Its pore network gives permeance and
bubble point (:mod:`.network`, :mod:`.performance`); the permeability k = J mu L_rve is carried
to the full sheet thickness of the foamed core (Darcy). Dense skins are reported, not included:
a skin blocks flow until it is removed or opened.

Three sizes: cells (equivalent-sphere diameters of the uncut cells), windows (equivalent-circle
diameters of the open walls) and the flow-equivalent pore. The claims are evaluated on the cell
size (``pore_size_basis = "cell"``), the size an SEM section shows and the patent calls cells.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from foamline.errors import FoamlineError
from foamline.foaming import Foam
from foamline.membrane.from_structure import accessible_fraction, network_from_structure
from foamline.membrane.performance import filtration_class, performance
from foamline.recipe import Recipe
from foamline.structure import (
    FoamStructure,
    cell_size_distribution,
    generate_foam,
    open_cell_fraction_by_walls,
)

RVE_CELLS = 500
VOXELS_PER_CELL = 14
MAX_SIDE = 200  # voxels: a denser foam gets fewer voxels per cell, down to MIN_VOXELS_PER_CELL
MIN_VOXELS_PER_CELL = 7
_ARRAYS = ("structure", "cell_diameters_m")


@dataclass(frozen=True)
class Membrane:
    """Filtration figures of a membrane (DESIGN.md result fields), plus the structure."""

    void_fraction: float
    open_cell_fraction: float
    open_cell_fraction_by_walls: float
    mean_pore_diameter_um: float
    pore_diameter_std_um: float
    pore_size_basis: str
    mean_window_diameter_um: float
    window_diameter_std_um: float
    flow_equivalent_diameter_um: float
    bubble_point_bar: float
    water_permeance_lmh_bar: float
    water_flow_ml_min_cm2_at_0p7_bar: float
    thickness_um: float
    skin_thickness_um: float
    filtration_class: str
    reinforced: bool
    structure: FoamStructure | None = None
    cell_diameters_m: np.ndarray | None = None  # the uncut cells of the volume, m

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in _ARRAYS}
        if math.isinf(out["bubble_point_bar"]):
            out["bubble_point_bar"] = None  # no open path: JSON has no infinity
        return out


def virtual_membrane(foam: Foam, recipe: Recipe, seed: int = 0) -> Membrane:
    """Representative volume of ``foam`` -> structure metrics, permeance and bubble point."""
    alive = foam.radii > 0
    diameters = 2.0 * foam.radii[alive]
    weights = foam.counts[alive] / foam.counts[alive].sum()
    rng = np.random.default_rng(seed)
    sample = rng.choice(diameters, size=4 * RVE_CELLS, p=weights)
    mean_d = float(np.sum(weights * diameters))
    # the volume holds RVE_CELLS cells of void fraction phi: side^3 = N (pi/6) <d^3> / phi, in
    # voxels of mean_d / resolution
    cube_root_mean_cube = float(np.sum(weights * diameters**3)) ** (1 / 3)
    per_cell = (RVE_CELLS * math.pi / 6.0 / foam.void_fraction) ** (1 / 3)
    per_cell *= cube_root_mean_cube / mean_d
    resolution = min(VOXELS_PER_CELL, MAX_SIDE / per_cell)
    if resolution < MIN_VOXELS_PER_CELL:
        raise FoamlineError(
            f"the void fraction {foam.void_fraction:.3g} is too low for a cellular membrane: "
            "the melt gives a dense film with isolated bubbles, so there is no pore structure "
            "to describe; raise the loading or lower the die temperature"
        )
    voxel = mean_d / resolution
    side = int(math.ceil(per_cell * resolution))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sub-voxel walls: see the module docstring
        structure = generate_foam(
            sample,
            min(foam.void_fraction, 0.97),
            foam.ruptured_fraction,
            voxel,
            (side, side, side),
            seed=seed,
        )
    network = network_from_structure(structure)
    perf = performance(network, foam.void_fraction, reinforcement=recipe.reinforcement)
    core = foam.sheet_thickness_um * 1e-6 - 2.0 * foam.skin_thickness_um * 1e-6
    scale = network.thickness / max(core, network.thickness)
    cells = cell_size_distribution(structure.labels, voxel, periodic_axes=structure.periodic_axes)
    windows = structure.opening_diameters_m[structure.ruptured]
    permeance = perf.permeance_lmh_bar * scale
    return Membrane(
        void_fraction=foam.void_fraction,
        open_cell_fraction=accessible_fraction(structure, network),
        open_cell_fraction_by_walls=open_cell_fraction_by_walls(structure),
        mean_pore_diameter_um=cells.mean_m * 1e6,
        pore_diameter_std_um=cells.std_m * 1e6,
        pore_size_basis="cell",
        mean_window_diameter_um=float(windows.mean()) * 1e6 if windows.size else 0.0,
        window_diameter_std_um=float(windows.std()) * 1e6 if windows.size else 0.0,
        flow_equivalent_diameter_um=perf.flow_equivalent_diameter_um,
        bubble_point_bar=perf.bubble_point_bar,
        water_permeance_lmh_bar=permeance,
        water_flow_ml_min_cm2_at_0p7_bar=permeance * 0.7 / 600.0,
        thickness_um=foam.sheet_thickness_um,
        skin_thickness_um=foam.skin_thickness_um,
        filtration_class=filtration_class(cells.mean_m),
        reinforced=recipe.reinforcement is not None,
        structure=structure,
        cell_diameters_m=cells.diameters_m,
    )
