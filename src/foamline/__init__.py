"""foamline: a digital twin of the two-pump foam-extrusion line for open-cell porous membranes.

The package follows the line: ``recipe`` (what the engineer sets) -> ``materials`` (sourced
property data and models) -> ``line`` -> ``foaming`` -> ``structure`` -> ``membrane`` ->
``claims``. ``simulate(recipe)`` runs them all and returns a :class:`Result`;
``check(membrane, recipe, line)`` judges claims 1-17 (DESIGN.md, "Contracts").
"""

__version__ = "0.1.0"

from foamline.claims import ClaimReport, MembraneFacts, check  # noqa: E402
from foamline.errors import (  # noqa: E402
    FoamlineError,
    ImageError,
    InfeasibleProcess,
    MaterialError,
    RecipeError,
)
from foamline.recipe import Recipe, load_recipe  # noqa: E402
from foamline.simulate import Result, simulate  # noqa: E402

__all__ = [
    "ClaimReport",
    "FoamlineError",
    "ImageError",
    "InfeasibleProcess",
    "MaterialError",
    "MembraneFacts",
    "Recipe",
    "RecipeError",
    "Result",
    "__version__",
    "check",
    "load_recipe",
    "simulate",
]
