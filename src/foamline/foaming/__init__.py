"""Foaming: growth of the cells nucleated in the die and after it.

``grow_cell`` grows one bubble in its melt shell (Amon-Denson cell model, several fluids,
condensation of water); ``advance_cell`` is its reusable core, and ``advance_cells`` advances the
cohorts of a foam together (one vectorised integration in fast fidelity) with one shared
:class:`MeltProperties`. ``simulate_foam(recipe, line)`` is the
whole foaming of a recipe: nucleation, cohorts, growth, sheet cooling, freezing, skin and wall
rupture, giving a :class:`Foam`. See docs/foaming.md.
"""

from foamline.foaming.foam import Foam, simulate_foam
from foamline.foaming.growth import (
    CellHistory,
    GrowthSolverError,
    PausedCells,
    ShellProfile,
    advance_cell,
    advance_cells,
    grow_cell,
)
from foamline.foaming.properties import MeltProperties

__all__ = [
    "CellHistory",
    "Foam",
    "GrowthSolverError",
    "MeltProperties",
    "PausedCells",
    "ShellProfile",
    "advance_cell",
    "advance_cells",
    "grow_cell",
    "simulate_foam",
]
