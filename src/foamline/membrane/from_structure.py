"""The pore network of a generated foam slab (:class:`foamline.structure.FoamStructure`).

Nodes are the cells (label k -> node k - 1), taken as perfectly mixed: in an open-cell foam the
windows, not the cell bodies, hold the pressure drop (Langlois et al., Phys. Rev. E 97 (2018)
053308: the permeability follows the Sampson law of the windows). Throats are the ruptured walls,
with the opening as the generator built it (struts narrow a whole-face window) and the wall
thickness as length. A cell cut by the feed
face (z = 0) or the permeate face (z = L) opens to that reservoir through the area it shows on
the face, as a window of the same area. A skin leaves no cell on the face: the slab is closed.
"""

from __future__ import annotations

import math

import numpy as np

from foamline.membrane.network import PoreNetwork, _connected_to_reservoirs
from foamline.structure import FoamStructure


def _surface_windows(structure: FoamStructure, z: int, reservoir: int) -> list[tuple]:
    plane = structure.labels[:, :, z]
    labels, counts = np.unique(plane[plane > 0], return_counts=True)
    area = counts * structure.voxel_size_m**2
    return [
        (reservoir, int(k) - 1, math.sqrt(4.0 * a / math.pi))
        for k, a in zip(labels, area, strict=True)
    ]


def network_from_structure(structure: FoamStructure) -> PoreNetwork:
    """Cells and open windows of ``structure``, with the feed at z = 0 and the permeate at z = L."""
    open_faces = structure.ruptured & (structure.opening_diameters_m > 0)
    rows = [
        (int(a) - 1, int(b) - 1, float(d))
        for (a, b), d in zip(
            structure.faces[open_faces], structure.opening_diameters_m[open_faces], strict=True
        )
    ]
    rows += _surface_windows(structure, 0, PoreNetwork.FEED)
    rows += _surface_windows(structure, structure.shape[2] - 1, PoreNetwork.PERMEATE)
    wall = max(structure.truth.wall_thickness_m, structure.voxel_size_m)
    if not rows:
        throats, diameter = np.zeros((0, 2), dtype=int), np.zeros(0)
    else:
        throats = np.array([r[:2] for r in rows], dtype=int)
        diameter = np.array([r[2] for r in rows])
    nx, ny, nz = structure.shape
    return PoreNetwork(
        n_nodes=structure.n_cells,
        throats=throats,
        diameter=diameter,
        length=np.full(len(diameter), wall),
        area=nx * ny * structure.voxel_size_m**2,
        thickness=nz * structure.voxel_size_m,
    )


def accessible_fraction(structure: FoamStructure, network: PoreNetwork) -> float:
    """Open-cell content, the gas-pycnometry meaning (ASTM D6226): the share of the void of the
    uncut cells that is joined to either face through open windows (cells cut by a face are
    left out: the cut-cell correction). Volumes from the cells' target diameters."""
    reached = _connected_to_reservoirs(network)
    uncut = ~structure.cut
    volume = structure.target_diameters_m**3
    total = float(volume[uncut].sum())
    return float(volume[uncut & reached].sum()) / total if total > 0 else 0.0
