"""Foam structure: a seeded 3-D voxel foam generator and the porous-media metrics.

Images are numpy arrays indexed [x, y, z] with True = void (PoreSpy's convention); z is the
membrane thickness. Lengths are in metres through a ``voxel_size`` argument.

* :func:`generate_foam` builds a foam slab (dense sphere packing -> Laguerre tessellation ->
  walls of physical thickness -> independently ruptured walls) and returns a
  :class:`FoamStructure` with the void image, the cell labels, the face list and the truth.
* Metrics: :func:`porosity`, :func:`open_cell_fraction` (ASTM D6226 meaning, with the
  cut-cell correction), :func:`open_cell_fraction_by_walls` (cells with >= 2 ruptured walls),
  :func:`cell_size_distribution`, :func:`window_size_distribution`, :func:`local_thickness`,
  :func:`chord_length_distribution`, :func:`distance_transform`.

The method, equations and measured accuracy are in docs/structure.md.
"""

from foamline.structure._common import StructureError, StructureWarning
from foamline.structure.chords import ChordLengths, chord_length_distribution
from foamline.structure.generator import (
    CellSizeDistribution,
    FoamStructure,
    FoamTruth,
    generate_foam,
)
from foamline.structure.local_thickness import distance_transform, local_thickness
from foamline.structure.open_cells import (
    RUPTURE_REFERENCE_TABLE,
    OpenCellContent,
    RuptureRow,
    open_cell_fraction,
    open_cell_fraction_by_walls,
    wall_rupture_table,
)
from foamline.structure.porosity import porosity
from foamline.structure.sizes import (
    CellSizes,
    WindowSizes,
    cell_size_distribution,
    window_size_distribution,
)

__all__ = [
    "RUPTURE_REFERENCE_TABLE",
    "CellSizeDistribution",
    "CellSizes",
    "ChordLengths",
    "FoamStructure",
    "FoamTruth",
    "OpenCellContent",
    "RuptureRow",
    "StructureError",
    "StructureWarning",
    "WindowSizes",
    "cell_size_distribution",
    "chord_length_distribution",
    "distance_transform",
    "generate_foam",
    "local_thickness",
    "open_cell_fraction",
    "open_cell_fraction_by_walls",
    "porosity",
    "wall_rupture_table",
    "window_size_distribution",
]
