"""The key figures of a result, named once for the terminal, the HTML report and compare."""

from __future__ import annotations

from typing import Any

# (section, label, path in the result JSON, format)
KEY_FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("line", "line feasible", "line.feasible", "bool"),
    ("line", "cooling below T0 [K]", "line.summary.temperature_drop_K", ".1f"),
    (
        "line",
        "mixing-stage min pressure [bar]",
        "line.summary.mixing_stage_min_pressure_bar",
        ".0f",
    ),
    ("line", "die inlet pressure [bar]", "line.summary.die_inlet_pressure_bar", ".0f"),
    ("line", "die exit dP/dt [GPa/s]", "line.summary.die_exit_dPdt_GPa_s", ".3g"),
    ("foam", "cells per cm3 of foam", "foam.cell_density_per_cm3", ".3g"),
    ("foam", "cells per cm3 of polymer", "foam.cell_density_per_cm3_polymer", ".3g"),
    ("foam", "mean cell diameter [um]", "foam.mean_cell_diameter_um", ".3g"),
    ("foam", "cell diameter std [um]", "foam.cell_diameter_std_um", ".3g"),
    ("foam", "void fraction", "foam.void_fraction", ".3f"),
    ("foam", "walls ruptured", "foam.ruptured_fraction", ".3f"),
    ("foam", "wall thickness [um]", "foam.wall_thickness_um", ".3g"),
    ("foam", "skin [um]", "foam.skin_thickness_um", ".3g"),
    ("foam", "frozen after the die [s]", "foam.freeze_time_s", ".3g"),
    ("membrane", "open-cell fraction (surface-connected)", "membrane.open_cell_fraction", ".3f"),
    (
        "membrane",
        "cells with >= 2 ruptured walls",
        "membrane.open_cell_fraction_by_walls",
        ".3f",
    ),
    ("membrane", "mean pore diameter [um]", "membrane.mean_pore_diameter_um", ".3g"),
    ("membrane", "pore diameter std [um]", "membrane.pore_diameter_std_um", ".3g"),
    ("membrane", "pore size basis", "membrane.pore_size_basis", "s"),
    ("membrane", "mean window diameter [um]", "membrane.mean_window_diameter_um", ".3g"),
    ("membrane", "flow-equivalent pore [um]", "membrane.flow_equivalent_diameter_um", ".3g"),
    ("membrane", "bubble point, water [bar]", "membrane.bubble_point_bar", ".3g"),
    ("membrane", "water permeance [L/(m2 h bar)]", "membrane.water_permeance_lmh_bar", ".4g"),
    ("membrane", "thickness [um]", "membrane.thickness_um", ".4g"),
    ("membrane", "filtration class", "membrane.filtration_class", "s"),
    ("check", "gas mass conservation error", "conservation.gas_mass_rel_error", ".1e"),
)


def lookup(result: dict[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of a result dict, or None where any part is missing."""
    value: Any = result
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def formatted(result: dict[str, Any], path: str, fmt: str) -> str:
    """The value at ``path`` as text; '-' when absent, 'none' for a null bubble point."""
    value = lookup(result, path)
    if value is None:
        return (
            "none (no open path)"
            if path.endswith("bubble_point_bar") and result.get("membrane")
            else "-"
        )
    if fmt == "bool":
        return "yes" if value else "NO"
    if fmt == "s":
        return str(value)
    return format(value, fmt)


def claim_statuses(result: dict[str, Any]) -> dict[int, dict[str, str]]:
    """Claim number -> {status, evidence}."""
    return {c["claim"]: c for c in result.get("claims", [])}
