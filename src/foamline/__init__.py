"""foamline: a digital twin of the two-pump foam-extrusion line for open-cell porous membranes.

The package follows the line: ``recipe`` (what the engineer sets) -> ``materials`` (sourced
property data and models) -> line, foaming, structure, membrane and claims (later layers).
"""

from foamline.errors import (
    FoamlineError,
    ImageError,
    InfeasibleProcess,
    MaterialError,
    RecipeError,
)
from foamline.recipe import Recipe, load_recipe

__version__ = "0.1.0"

__all__ = [
    "FoamlineError",
    "ImageError",
    "InfeasibleProcess",
    "MaterialError",
    "Recipe",
    "RecipeError",
    "__version__",
    "load_recipe",
]
