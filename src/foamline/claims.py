"""Claims 1-17 as rules over the membrane, the process (recipe and line) and the apparatus.

Each claim gets a status, ``met``, ``not_met`` or ``not_applicable`` (nothing to judge it on, e.g.
the method claims for a membrane measured without its process), with the evidence value and the
limit. A dependent claim holds only where its parent holds: a dependent claim whose parent is not
met is not met, whatever its own feature. The improvement claims (6, 12) test the preamble and
the improvement. The rules (patent-claims.md):

1  open cells >= 80 %, void fraction >= 75 %, pore-size standard deviation <= 10 % of the mean
2  1 and mean pore diameter 0.05-30 um;  3  1 and > 30-200 um;  4  1, 2 or 3 and reinforced
5  4 and the polymer in a family of claim 5
6  polymer delivered above Tg (amorphous) or Tm, injection stage, first melt pump, mixing stage,
   die; improvement: >= 2 fluids with different diffusion rates and a second melt pump
7  6 and cooled >= 50 K below the initial processing temperature;  8  6 and > 150 bar
9  6 and a liquid cell-forming fluid;  10  6 and CO2 and water;  11  6 and a claim-5 family
12 extruder with metering apparatus and heating elements, injection stage before melt pump 1,
   heat exchanger between melt pump 1 and the die; improvement: a second melt pump before the die
13 12 and a mixer in the exchanger;  14 13 and a static mixer;  15 12 and metering pumps with
   hollow needles and plates;  16 15 and coolable pump heads;  17 12 and a wide-slit die
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from foamline.materials import CLAIM_FAMILIES, diffusivity, fluid_density, is_dense

Status = Literal["met", "not_met", "not_applicable"]

PARENTS = {2: 1, 3: 1, 5: 4, 7: 6, 8: 6, 9: 6, 10: 6, 11: 6, 13: 12, 14: 13, 15: 12, 16: 15, 17: 12}


@dataclass(frozen=True)
class MembraneFacts:
    """What the product claims need to know about a membrane (measured or simulated)."""

    polymer_family: str
    void_fraction: float
    open_cell_fraction: float
    mean_pore_diameter_um: float
    pore_diameter_std_um: float
    reinforced: bool
    pore_size_basis: str = "cell"


@dataclass(frozen=True)
class ClaimResult:
    claim: int
    status: Status
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {"claim": self.claim, "status": self.status, "evidence": self.evidence}


@dataclass(frozen=True)
class ClaimReport:
    results: tuple[ClaimResult, ...] = field(default_factory=tuple)

    def __getitem__(self, claim: int) -> ClaimResult:
        return next(r for r in self.results if r.claim == claim)

    def to_list(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.results]


def _rule(ok: bool, evidence: str) -> tuple[Status, str]:
    return ("met" if ok else "not_met"), evidence


def _product(m: MembraneFacts) -> dict[int, tuple[Status, str]]:
    spread = m.pore_diameter_std_um / m.mean_pore_diameter_um if m.mean_pore_diameter_um else 1.0
    d = m.mean_pore_diameter_um
    c1 = m.open_cell_fraction >= 0.80 and m.void_fraction >= 0.75 and spread <= 0.10 + 1e-12
    return {
        1: _rule(
            c1,
            f"open cells {100 * m.open_cell_fraction:.1f} % (>= 80 %), void fraction "
            f"{100 * m.void_fraction:.1f} % (>= 75 %), pore-size std {100 * spread:.1f} % of "
            f"the mean (<= 10 %), {m.pore_size_basis} basis",
        ),
        2: _rule(0.05 <= d <= 30.0, f"mean pore diameter {d:.3g} um (0.05-30 um)"),
        3: _rule(30.0 < d <= 200.0, f"mean pore diameter {d:.3g} um (> 30-200 um)"),
        4: _rule(
            m.reinforced, "reinforced on at least one side" if m.reinforced else "no reinforcement"
        ),
        5: _rule(
            m.polymer_family in CLAIM_FAMILIES,
            f"polymer family '{m.polymer_family}' (claim 5: {', '.join(CLAIM_FAMILIES)})",
        ),
    }


def _method(recipe, line) -> dict[int, tuple[Status, str]]:
    polymer = recipe.polymer_material
    T0 = recipe.extruder.initial_processing_temperature
    limit = polymer.min_processing_temperature
    names = [f.name for f in recipe.fluids]
    rates = {n: diffusivity(polymer, n, T0) for n in names}
    distinct = len(names) >= 2 and max(rates.values()) > 1.05 * min(rates.values())
    preamble = T0 > limit and recipe.melt_pump_1 is not None
    improvement = distinct and recipe.two_pump_line
    rate_text = ", ".join(f"D({n}) {v:.2g} m2/s" for n, v in rates.items())
    drop = line.summary.get("temperature_drop_K") if line else None
    pressure = line.summary.get("mixing_stage_min_pressure_bar") if line else None
    liquid = [
        f.name
        for f in recipe.fluids
        if is_dense(f.name, f.pump_head_temperature, recipe.injection.pressure)
        and fluid_density(f.name, f.pump_head_temperature, recipe.injection.pressure) > 500.0
    ]
    return {
        6: _rule(
            preamble and improvement,
            f"T0 {T0 - 273.15:.0f} C vs {'Tm' if polymer.semicrystalline else 'Tg'} "
            f"{limit - 273.15:.0f} C; fluids {', '.join(names)} ({rate_text}); "
            f"{'second melt pump' if recipe.two_pump_line else 'no second melt pump'}",
        ),
        7: ("not_applicable", "no line profile")
        if drop is None
        else _rule(drop >= 50.0, f"cooled by {drop:.1f} K (>= 50 K)"),
        8: ("not_applicable", "no line profile")
        if pressure is None
        else _rule(pressure > 150.0, f"mixing-stage pressure {pressure:.0f} bar (> 150 bar)"),
        9: _rule(bool(liquid), f"liquid at the pump head: {', '.join(liquid) or 'none'}"),
        10: _rule({"CO2", "H2O"} <= set(names), f"fluids {', '.join(names)} (CO2 and water)"),
        11: _rule(polymer.family in CLAIM_FAMILIES, f"polymer family '{polymer.family}'"),
    }


def _apparatus(recipe) -> dict[int, tuple[Status, str]]:
    hx = recipe.heat_exchanger
    mixer = hx.mixer.type if hx else "none"
    preamble = bool(recipe.extruder.barrel_zones) and hx is not None
    inj = recipe.injection
    return {
        12: _rule(
            preamble and recipe.two_pump_line,
            f"extruder with {recipe.extruder.metering} metering and "
            f"{len(recipe.extruder.barrel_zones)} heating zones; heat exchanger "
            f"{'present' if hx else 'absent'}; "
            f"{'second melt pump' if recipe.two_pump_line else 'no second melt pump'}",
        ),
        13: _rule(mixer != "none", f"mixer in the heat exchanger: {mixer}"),
        14: _rule(mixer in ("SMX", "SMXL", "Kenics"), f"static mixer: {mixer}"),
        15: _rule(
            inj.needles >= 1 and inj.plates >= 1,
            f"{inj.needles} hollow needle(s), {inj.plates} plate(s)",
        ),
        16: _rule(inj.cooled_pump_heads, f"coolable pump heads: {inj.cooled_pump_heads}"),
        17: _rule(recipe.die.type == "wide-slit", f"die: {recipe.die.type}"),
    }


def check(membrane: MembraneFacts | None, recipe=None, line=None) -> ClaimReport:
    """Claims 1-17 on what is known: a membrane, and optionally its recipe and line profile."""
    raw: dict[int, tuple[Status, str]] = {}
    if membrane is not None:
        raw |= _product(membrane)
    if recipe is not None:
        raw |= _method(recipe, line) | _apparatus(recipe)
    results = []
    for claim in range(1, 18):
        status, evidence = raw.get(claim, ("not_applicable", "not known for this input"))
        parent = PARENTS.get(claim)
        if claim == 4 and status == "met" and not any(r.status == "met" for r in results):
            status, evidence = "not_met", f"{evidence}; but none of claims 1-3 is met"
        if parent is not None and status == "met":
            parent_status = next(r.status for r in results if r.claim == parent)
            if parent_status != "met":
                status, evidence = (
                    "not_met",
                    f"{evidence}; but claim {parent} is {parent_status.replace('_', ' ')}",
                )
        results.append(ClaimResult(claim, status, evidence))
    return ClaimReport(tuple(results))
