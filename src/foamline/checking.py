"""``foamline check FILE``: claims 1-17 for a recipe, a result file or a measured membrane.

FILE is one of
- a recipe (TOML, ``schema = "foamline.recipe/1"``): simulated, then checked;
- a result (JSON, ``schema = "foamline.result/1"``, from ``foamline simulate --json``): checked
  again from what it holds (its membrane figures, its embedded recipe and its line summary), so an
  archived result can be re-judged without its recipe file and without simulating;
- a measured membrane (TOML, ``schema = "foamline.membrane/1"``): the figures a lab measured,
  judged on the product claims 1-5; with ``recipe = "file.toml"`` naming the process and line
  that made it, the line is run (not the foaming: the membrane is what was measured) and the
  method and apparatus claims 6-17 are judged too.

A measured membrane file::

    schema = "foamline.membrane/1"
    name = "lot 2026-118, PES microfiltration"
    polymer = "PES"                 # a library polymer; or polymer_family = "polysulfones"
    void_fraction = "82 %"          # or 0.82
    open_cell_fraction = "88 %"     # gas pycnometry (ASTM D6226) or uCT
    mean_pore_diameter = "8.5 um"
    pore_diameter_std = "0.6 um"    # or pore_diameter_cv = 0.07
    pore_size_basis = "cell"        # cell | window | flow-equivalent
    measured_by = "SEM section, 412 cells; pycnometer"   # free text, for the record
    recipe = "pes_line.toml"        # optional, relative to this file
    [reinforcement]                 # optional, as in a recipe (claim 4)
    structure = "nonwoven"
    material = "PET"
    material_class = "polymer"
    thickness = "100 um"
    porosity = 0.7
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from foamline.claims import CLAIM_FAMILIES, ClaimReport, MembraneFacts, check
from foamline.errors import FoamlineError, MaterialError, RecipeError
from foamline.line import run_line
from foamline.materials import polymer as library_polymer
from foamline.recipe import SCHEMA as RECIPE_SCHEMA
from foamline.recipe import (
    Fraction,
    OpenFraction,
    Q,
    ReinforcementSpec,
    load_recipe,
    recipe_from_dict,
    validation_problems,
)
from foamline.simulate import RESULT_SCHEMA, Result, simulate

MEMBRANE_SCHEMA = "foamline.membrane/1"


class MeasuredMembrane(BaseModel):
    """A measured membrane: the figures of claims 1-5, and optionally the recipe that made it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["foamline.membrane/1"] = Field(alias="schema")
    name: str = Field(description="a short name for reports, e.g. the lot number")
    polymer: str | None = Field(None, description="library polymer name, e.g. 'PES'")
    polymer_family: str | None = Field(None, description="claim-5 family, if not in the library")
    void_fraction: Fraction = Field(description="void fraction, e.g. '82 %' or 0.82")
    open_cell_fraction: OpenFraction = Field(description="open-cell fraction, e.g. '88 %'")
    mean_pore_diameter: Q("length", "number-weighted mean pore diameter, e.g. '8.5 um'")
    pore_diameter_std: Q(
        "length", "pore-diameter standard deviation", low_inclusive=True, default=None
    )
    pore_diameter_cv: OpenFraction | None = Field(None, description="std / mean, e.g. 0.07")
    pore_size_basis: Literal["cell", "window", "flow-equivalent"] = "cell"
    measured_by: str = ""
    recipe: str | None = Field(None, description="recipe file of the process and line used")
    reinforcement: ReinforcementSpec | None = None

    @model_validator(mode="after")
    def _complete(self) -> MeasuredMembrane:
        if (self.pore_diameter_std is None) == (self.pore_diameter_cv is None):
            raise ValueError("give either pore_diameter_std (e.g. '0.6 um') or pore_diameter_cv")
        if (self.polymer is None) == (self.polymer_family is None):
            raise ValueError("give either polymer (a library name) or polymer_family")
        if self.polymer_family is not None and self.polymer_family not in CLAIM_FAMILIES:
            families = ", ".join(CLAIM_FAMILIES)
            raise ValueError(
                f"polymer_family = {self.polymer_family!r} is not a family of claim 5: use one "
                f"of {families}, or name the polymer with polymer = '...'"
            )
        return self

    def facts(self) -> MembraneFacts:
        """The membrane as the product claims see it."""
        family = self.polymer_family
        if family is None:
            try:
                family = library_polymer(self.polymer).family
            except MaterialError as exc:
                raise RecipeError(f"polymer: {exc}") from None
        mean = self.mean_pore_diameter * 1e6
        std = (
            self.pore_diameter_std * 1e6
            if self.pore_diameter_std is not None
            else self.pore_diameter_cv * mean
        )
        return MembraneFacts(
            polymer_family=family,
            void_fraction=self.void_fraction,
            open_cell_fraction=self.open_cell_fraction,
            mean_pore_diameter_um=mean,
            pore_diameter_std_um=std,
            reinforced=self.reinforcement is not None,
            pore_size_basis=self.pore_size_basis,
        )


@dataclass(frozen=True)
class Checked:
    """What ``check_file`` judged: the input kind, its name, the verdicts and the result if any."""

    kind: Literal["recipe", "result", "membrane"]
    name: str
    claims: ClaimReport
    result: Result | None = None


def check_file(path: str | Path, fidelity: str = "fast") -> Checked:
    """Claims 1-17 for a recipe, a result JSON or a measured-membrane TOML (module docstring)."""
    path = Path(path)
    data = _read(path)
    schema = data.get("schema")
    if schema == RECIPE_SCHEMA:
        result = simulate(recipe_from_dict(data, str(path)), fidelity)
        return Checked("recipe", result.recipe.name, result.claims, result)
    if schema == RESULT_SCHEMA:
        return _check_result(data, path)
    if schema == MEMBRANE_SCHEMA:
        return _check_membrane(data, path)
    known = f'"{RECIPE_SCHEMA}", "{RESULT_SCHEMA}" or "{MEMBRANE_SCHEMA}"'
    raise RecipeError(
        f"{path}: schema = {schema!r} is not something foamline checks: expected {known}"
        if schema is not None
        else f"{path} has no schema line: foamline checks files whose schema is {known}"
    )


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise RecipeError(f"'{path}' does not exist or is not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        raise RecipeError(
            f"{path} cannot be read as text: is it a recipe, result or membrane file?"
        ) from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise RecipeError(f"{path} is not valid {kind}: {exc}") from None
    if not isinstance(data, dict):
        raise RecipeError(f"{path} does not hold a table of fields")
    return data


def _check_result(data: dict[str, Any], path: Path) -> Checked:
    if "recipe" not in data or "line" not in data:
        raise RecipeError(f"{path} is not a complete result: its recipe or line is missing")
    recipe = recipe_from_dict(data["recipe"], f"{path} (embedded recipe)")
    facts = None
    m = data.get("membrane")
    if m is not None:
        try:
            facts = MembraneFacts(
                polymer_family=recipe.polymer_material.family,
                void_fraction=float(m["void_fraction"]),
                open_cell_fraction=float(m["open_cell_fraction"]),
                mean_pore_diameter_um=float(m["mean_pore_diameter_um"]),
                pore_diameter_std_um=float(m["pore_diameter_std_um"]),
                reinforced=bool(m["reinforced"]),
                pore_size_basis=str(m["pore_size_basis"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RecipeError(
                f"{path}: the membrane figure {exc} is missing or not a number"
            ) from None
    summary = data["line"].get("summary") if isinstance(data["line"], dict) else None
    return Checked("result", recipe.name, check(facts, recipe, summary))


def _check_membrane(data: dict[str, Any], path: Path) -> Checked:
    try:
        measured = MeasuredMembrane.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, MeasuredMembrane, "docs/simulate.md")
        raise RecipeError([f"{path}: {p}" for p in problems]) from None
    except FoamlineError as exc:
        raise RecipeError(f"{path}: {exc}") from None
    facts = measured.facts()
    recipe = line = None
    if measured.recipe is not None:
        recipe = load_recipe(path.parent / measured.recipe)
        if recipe.polymer_material.family != facts.polymer_family:
            raise RecipeError(
                f"{path}: the membrane is {facts.polymer_family} but its recipe "
                f"{measured.recipe} makes {recipe.polymer_material.family}: name the right recipe"
            )
        line = run_line(recipe)
    return Checked("membrane", measured.name, check(facts, recipe, line))
