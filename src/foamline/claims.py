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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from foamline.line.run import CLAIM_7_DROP, CLAIM_8_PRESSURE
from foamline.materials import CLAIM_FAMILIES, diffusivity, fluid_density, is_dense
from foamline.membrane.performance import MACROFILTRATION_UM, MICROFILTRATION_UM

Status = Literal["met", "not_met", "not_applicable"]

OPEN_CELL_MIN = 0.80  # claim 1: at least 80 % open cells
VOID_FRACTION_MIN = 0.75  # claim 1: at least 75 % void fraction
SPREAD_MAX = 0.10  # claim 1: pore sizes within +-10 % of the mean (std / mean)
DIFFUSIVITY_RATIO_MIN = 1.05  # claims 6: "different diffusion rates" (5 % apart at T0)
LIQUID_DENSITY_MIN = 500.0  # claim 9: kg/m3 at the pump head, a liquid rather than a gas

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
    spread = spread_of(m)
    d = m.mean_pore_diameter_um
    checks = (
        (m.open_cell_fraction >= OPEN_CELL_MIN, "open cells", m.open_cell_fraction, ">="),
        (m.void_fraction >= VOID_FRACTION_MIN, "void fraction", m.void_fraction, ">="),
        (spread <= SPREAD_MAX + 1e-12, "pore-size std / mean", spread, "<="),
    )
    limits = (OPEN_CELL_MIN, VOID_FRACTION_MIN, SPREAD_MAX)
    parts = [
        f"{name} {100 * value:.1f} % ({op} {100 * limit:.0f} %{'' if ok else ': MISSED'})"
        for (ok, name, value, op), limit in zip(checks, limits, strict=True)
    ]
    lo, hi = MICROFILTRATION_UM
    lo3, hi3 = MACROFILTRATION_UM
    return {
        1: _rule(
            all(ok for ok, *_ in checks),
            f"{', '.join(parts)}; {m.pore_size_basis} diameter basis",
        ),
        2: _rule(lo <= d <= hi, f"mean pore diameter {d:.3g} um ({lo:g}-{hi:g} um)"),
        3: _rule(lo3 < d <= hi3, f"mean pore diameter {d:.3g} um (> {lo3:g}-{hi3:g} um)"),
        4: _rule(
            m.reinforced, "reinforced on at least one side" if m.reinforced else "no reinforcement"
        ),
        5: _rule(
            m.polymer_family in CLAIM_FAMILIES,
            f"polymer family '{m.polymer_family}' (claim 5: {', '.join(CLAIM_FAMILIES)})",
        ),
    }


def spread_of(m: MembraneFacts) -> float:
    """Pore-size standard deviation over the mean (1 where the mean is 0)."""
    return m.pore_diameter_std_um / m.mean_pore_diameter_um if m.mean_pore_diameter_um else 1.0


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _method(recipe, line) -> dict[int, tuple[Status, str]]:
    polymer = recipe.polymer_material
    T0 = recipe.extruder.initial_processing_temperature
    limit = polymer.min_processing_temperature
    names = [f.name for f in recipe.fluids]
    rates = {n: diffusivity(polymer, n, T0) for n in names}
    distinct = len(names) >= 2 and max(rates.values()) > DIFFUSIVITY_RATIO_MIN * min(rates.values())
    preamble = T0 > limit and recipe.melt_pump_1 is not None
    improvement = distinct and recipe.two_pump_line
    rate_text = ", ".join(f"D({n}) {v:.2g} m2/s" for n, v in rates.items())
    summary = (line if isinstance(line, Mapping) else line.summary) if line is not None else {}
    drop = summary.get("temperature_drop_K")
    pressure = summary.get("mixing_stage_min_pressure_bar")
    liquid = [
        f.name
        for f in recipe.fluids
        if is_dense(f.name, f.pump_head_temperature, recipe.injection.pressure)
        and fluid_density(f.name, f.pump_head_temperature, recipe.injection.pressure)
        > LIQUID_DENSITY_MIN
    ]
    return {
        6: _rule(
            preamble and improvement,
            f"preamble {_met(preamble)}: T0 {T0 - 273.15:.0f} C above "
            f"{'Tm' if polymer.semicrystalline else 'Tg'} {limit - 273.15:.0f} C, injection "
            f"stage, melt pump 1, mixing stage, die; improvement {_met(improvement)}: fluids "
            f"{', '.join(names)} ({rate_text}), "
            f"{'second melt pump' if recipe.two_pump_line else 'no second melt pump'}",
        ),
        7: ("not_applicable", "no line profile")
        if drop is None
        else _rule(drop >= CLAIM_7_DROP, f"cooled by {drop:.1f} K (>= {CLAIM_7_DROP:.0f} K)"),
        8: ("not_applicable", "no line profile")
        if pressure is None
        else _rule(
            pressure * 1e5 > CLAIM_8_PRESSURE,
            f"mixing-stage pressure {pressure:.0f} bar (> {CLAIM_8_PRESSURE / 1e5:.0f} bar)",
        ),
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
            f"preamble {_met(preamble)}: extruder with {recipe.extruder.metering} metering and "
            f"{len(recipe.extruder.barrel_zones)} heating zones; heat exchanger "
            f"{'present' if hx else 'absent'}; improvement {_met(recipe.two_pump_line)}: "
            f"{'a' if recipe.two_pump_line else 'no'} second melt pump before the die",
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
    """Claims 1-17 on what is known: a membrane, and optionally its recipe and line.

    ``line`` is a :class:`~foamline.line.LineProfile` or its ``summary`` dict (as stored in
    result.json); claims 7 and 8 need it and are not applicable without it.
    """
    raw: dict[int, tuple[Status, str]] = {}
    if membrane is not None:
        raw |= _product(membrane)
    if recipe is not None:
        raw |= _method(recipe, line) | _apparatus(recipe)
    results = []
    for claim in range(1, 18):
        missing = "no membrane figures" if claim <= 5 else "no process or line given"
        status, evidence = raw.get(claim, ("not_applicable", missing))
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
