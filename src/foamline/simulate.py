"""The one orchestrator: recipe -> line -> foam -> virtual membrane -> claims (DESIGN.md).

``simulate(recipe, fidelity)`` calls the layers in order and keeps their outputs in a
:class:`Result`, like pvlib's ModelChain. A line that cannot run the recipe (the melt freezes,
a pump is over its rating, gas is left undissolved at the die) stops the chain there: the
result then holds the line, its diagnostics in plain words and the claims that can be judged
without a membrane (the method and apparatus claims); ``foam`` and ``membrane`` are None.

``Result.to_dict()`` is the result JSON (schema ``foamline.result/1``): every field DESIGN.md
lists, the recipe with its units (so that a result can be checked again on its own), the curves
the report plots (line profiles, nucleation rate, cohort growth, cell and window diameters),
and the time each stage took. Non-finite numbers are written as null (JSON has no infinity):
a bubble point of null means no window path crosses the membrane.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from foamline import __version__
from foamline.claims import ClaimReport, MembraneFacts, check
from foamline.errors import FoamlineError
from foamline.foaming import Foam, simulate_foam
from foamline.line import LineProfile, run_line
from foamline.membrane.virtual import Membrane, virtual_membrane
from foamline.recipe import Recipe, recipe_to_dict

RESULT_SCHEMA = "foamline.result/1"
FIDELITIES = ("full", "fast")
STAGES = ("line", "foaming", "membrane", "claims")
GROWTH_CURVES = 12  # cohorts whose growth the result keeps (evenly spread over birth order)
CURVE_POINTS = 80  # points per stored curve


@dataclass(frozen=True)
class Result:
    """Everything one simulation found; ``foam`` and ``membrane`` are None when the line failed."""

    recipe: Recipe
    fidelity: str
    line: LineProfile
    foam: Foam | None
    membrane: Membrane | None
    claims: ClaimReport
    timings_s: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def feasible(self) -> bool:
        """True when the line runs the recipe and a membrane came out."""
        return self.line.feasible and self.membrane is not None

    def to_dict(self) -> dict[str, Any]:
        """The result JSON as a dict (see the module docstring)."""
        foam = membrane = None
        if self.foam is not None:
            foam = self.foam.to_dict() | _foam_curves(self.foam)
        if self.membrane is not None:
            membrane = self.membrane.to_dict() | _distributions(self.membrane)
        data = {
            "schema": RESULT_SCHEMA,
            "foamline_version": __version__,
            "recipe_name": self.recipe.name,
            "fidelity": self.fidelity,
            "feasible": self.feasible,
            "line": self.line.to_dict(),
            "foam": foam,
            "membrane": membrane,
            "claims": self.claims.to_list(),
            "conservation": {
                "gas_mass_rel_error": None if self.foam is None else self.foam.gas_mass_rel_error
            },
            "timings_s": dict(self.timings_s),
            "notes": list(self.notes),
            "recipe": recipe_to_dict(self.recipe),
        }
        return finite(data)

    def to_json(self, indent: int | None = 1) -> str:
        """The result JSON text (no NaN or infinity: they are written as null)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


def simulate(
    recipe: Recipe,
    fidelity: str = "full",
    progress: Callable[[str], None] | None = None,
    seed: int = 0,
) -> Result:
    """Simulate ``recipe`` through the line, the foaming and the virtual membrane; check claims.

    Parameters
    ----------
    recipe : a validated recipe (:func:`foamline.load_recipe`).
    fidelity : ``"full"`` (finite-volume diffusion in every cohort) or ``"fast"`` (integral
        closure); see docs/foaming.md for their agreement.
    progress : called with the name of each stage (:data:`STAGES`) as it starts.
    seed : seed of the representative volume's cell packing (results are reproducible).
    """
    if fidelity not in FIDELITIES:
        raise ValueError(f"fidelity must be 'full' or 'fast', not {fidelity!r}")
    report = progress or (lambda stage: None)
    timings: dict[str, float] = {}
    notes: list[str] = []

    def timed(stage: str, call: Callable[[], Any]) -> Any:
        report(stage)
        start = time.perf_counter()
        value = call()
        timings[stage] = time.perf_counter() - start
        return value

    line = timed("line", lambda: run_line(recipe))
    foam, membrane = _foam_and_membrane(recipe, line, fidelity, seed, timed, notes)
    facts = None if membrane is None else membrane_facts(recipe, membrane)
    claims = timed("claims", lambda: check(facts, recipe, line))
    return Result(recipe, fidelity, line, foam, membrane, claims, timings, tuple(notes))


def _foam_and_membrane(recipe, line, fidelity, seed, timed, notes):
    """The foam and its membrane, or None where the chain stops (the reason goes to ``notes``).

    A line that cannot run the recipe, a melt in which nothing nucleates and a foam too dense
    for a cellular membrane are answers about the recipe, not failures of the program.
    """
    if not line.feasible:
        notes.append("the line cannot run this recipe (see line.diagnostics): nothing was foamed")
        return None, None
    try:
        foam = timed("foaming", lambda: simulate_foam(recipe, line, fidelity))
    except FoamlineError as exc:
        notes.append(f"no foam: {exc}")
        return None, None
    if not np.any(foam.radii > 0):
        notes.append("no cell survived the foaming: there is no membrane to describe")
        return foam, None
    try:
        return foam, timed("membrane", lambda: virtual_membrane(foam, recipe, seed=seed))
    except FoamlineError as exc:
        notes.append(f"no membrane: {exc}")
        return foam, None


def membrane_facts(recipe: Recipe, membrane: Membrane) -> MembraneFacts:
    """What the product claims are judged on, from a simulated membrane."""
    return MembraneFacts(
        polymer_family=recipe.polymer_material.family,
        void_fraction=membrane.void_fraction,
        open_cell_fraction=membrane.open_cell_fraction,
        mean_pore_diameter_um=membrane.mean_pore_diameter_um,
        pore_diameter_std_um=membrane.pore_diameter_std_um,
        reinforced=membrane.reinforced,
        pore_size_basis=membrane.pore_size_basis,
    )


def finite(value: Any) -> Any:
    """``value`` with numpy scalars made Python and every NaN or infinity replaced by None."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _thin(x: np.ndarray, points: int = CURVE_POINTS) -> np.ndarray:
    """Indices of at most ``points`` samples spread over ``x`` (first and last kept)."""
    return np.unique(np.linspace(0, len(x) - 1, min(points, len(x))).round().astype(int))


def _foam_curves(foam: Foam) -> dict[str, Any]:
    """Nucleation rate and cohort growth curves for the report (thinned)."""
    out: dict[str, Any] = {}
    if len(foam.nucleation_t):
        keep = _thin(foam.nucleation_t, 4 * CURVE_POINTS)
        out["nucleation"] = {
            "t_s": foam.nucleation_t[keep].tolist(),
            "rate_per_cm3_s": (foam.nucleation_rate[keep] * 1e-6).tolist(),
            "undepleted_fraction": foam.undepleted[keep].tolist(),
        }
    chosen = _thin(np.arange(len(foam.histories)), GROWTH_CURVES) if foam.histories else []
    out["growth"] = [
        {
            "cohort": int(k),
            "birth_time_s": float(foam.birth_times[k]),
            "t_s": h.t[_thin(h.t)].tolist(),
            "diameter_um": (2e6 * h.R[_thin(h.t)]).tolist(),
        }
        for k, h in ((k, foam.histories[k]) for k in chosen)
    ]
    return out


def _distributions(membrane: Membrane) -> dict[str, Any]:
    """Cell and window diameters of the representative volume, um (for histograms)."""
    s = membrane.structure
    if s is None or membrane.cell_diameters_m is None:
        return {}
    windows = s.opening_diameters_m[s.ruptured] * 1e6
    return {
        "distributions": {
            "cell_diameters_um": (membrane.cell_diameters_m * 1e6).tolist(),
            "window_diameters_um": windows.tolist(),
        },
        "rve": {
            "cells": int(s.labels.max()),
            "shape": list(s.void.shape),
            "voxel_um": s.voxel_size_m * 1e6,
        },
    }
