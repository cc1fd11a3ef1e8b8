"""The extruder with its metering apparatus and heating elements (claims 6 and 12).

The extruder delivers the polymer at the set throughput and the initial processing temperature
T0 to the injection point, at the melt pressure the injection stage names. Its mean residence
time is the volume of the filled screw channel up to the injection point over the volume flow,
t = pi D h L / Q (a helical channel of depth h unrolled; flight width neglected), an upper
estimate because the feed zone is only partly filled. The heating power is the enthalpy to bring
the polymer from the feed temperature to T0 with the melt's specific heat (latent heat of
semicrystalline polymers not included): an order of magnitude for the heating elements.
"""

from __future__ import annotations

from foamline.line.melt import P_ATM, Melt
from foamline.line.state import Diagnostic, MeltState, Station
from foamline.recipe import Recipe

FEED_TEMPERATURE = 293.15  # K, pellets at room temperature


def channel_depth(recipe: Recipe) -> float:
    """Metering-zone channel depth, m: given, or 0.1 screw diameters (typical 0.05-0.1 D)."""
    ex = recipe.extruder
    return ex.channel_depth if ex.channel_depth is not None else 0.1 * ex.screw_diameter


def run_extruder(recipe: Recipe, melt: Melt) -> tuple[MeltState, Station]:
    """The melt at the injection point: T0, the injection pressure, no fluid yet."""
    ex = recipe.extruder
    name = "extruder"
    feed = MeltState(T=FEED_TEMPERATURE, P=P_ATM, polymer_flow=ex.throughput)
    out = feed.evolve(T=ex.initial_processing_temperature, P=recipe.injection.pressure)
    depth = channel_depth(recipe)
    length_to_injection = ex.screw_diameter * (
        ex.barrel_length_ratio - recipe.injection.mixing_length_ratio
    )
    volume = 3.141592653589793 * ex.screw_diameter * depth * max(length_to_injection, 0.0)
    residence = volume / melt.volume_flow(out)
    out = out.evolve(time=residence, position=ex.screw_diameter * ex.barrel_length_ratio)
    polymer = melt.polymer
    diagnostics = []
    T0 = ex.initial_processing_temperature
    lo, hi = polymer.get("T_process_min"), polymer.get("T_process_max")
    if hi is not None and T0 > hi + 1e-9:
        diagnostics.append(
            Diagnostic(
                name,
                "warning",
                f"the initial processing temperature {T0 - 273.15:.0f} C is above the "
                f"processing window of {polymer.name} (up to {hi - 273.15:.0f} C): risk of "
                "degradation; lower extruder.initial_processing_temperature",
            )
        )
    if lo is not None and T0 < lo - 1e-9:
        diagnostics.append(
            Diagnostic(
                name,
                "warning",
                f"the initial processing temperature {T0 - 273.15:.0f} C is below the usual "
                f"processing window of {polymer.name} (from {lo - 273.15:.0f} C): expect a "
                "high melt viscosity and pressure",
            )
        )
    if ex.barrel_zones and abs(ex.barrel_zones[-1] - T0) > 15.0:
        diagnostics.append(
            Diagnostic(
                name,
                "warning",
                f"the last barrel zone is set to {ex.barrel_zones[-1] - 273.15:.0f} C, "
                f"{abs(ex.barrel_zones[-1] - T0):.0f} K from the initial processing temperature "
                f"{T0 - 273.15:.0f} C: the melt will not leave the extruder at that temperature",
            )
        )
    figures = {
        "throughput_kg_h": ex.throughput * 3600.0,
        "screw_speed_rpm": ex.screw_speed * 60.0,
        "channel_depth_mm": depth * 1e3,
        "heating_power_kW": ex.throughput * melt.cp * (T0 - FEED_TEMPERATURE) / 1e3,
        "metering": ex.metering,
    }
    return out, Station(name, "extruder", feed, out, figures, tuple(diagnostics))
