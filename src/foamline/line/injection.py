"""The injection stage: metering pumps, coolable pump heads, hollow needles and plates (claims 12,
15, 16), and the screw section after the injection point that mixes the fluids into the melt.

Each metering pump delivers its fluid's mass flow m_i = w_i m_polymer; its volume flow is
m_i / rho_i(T_head, P_inj) with the fluid density from CoolProp at the pump-head temperature and
the injection pressure. CO2 must be liquid or dense in the head (cooled heads, claim 16) for the
pump to meter it. The fluid leaves the needles as threads that the screw shears into layers: the
initial layer thickness is the channel depth h, and the shear rate in the channel is
gamma_dot = pi D N / h (screw diameter D, speed N). Over the residence time t of the section after
the injection point the layers thin as s = h / (1 + gamma_dot t / 2) and the fluid dissolves at
the rate of :mod:`foamline.line.melt`, integrated in closed form:

    I = integral_0^t pi^2 D_i / s^2 dt'
      = (pi^2 D_i / h^2) (2 / (3 gamma_dot)) [(1 + gamma_dot t / 2)^3 - 1].
"""

from __future__ import annotations

import math

from foamline.line.extruder import channel_depth
from foamline.line.melt import Melt
from foamline.line.state import Diagnostic, MeltState, Station
from foamline.materials import diffusivity, fluid_density, is_dense
from foamline.recipe import Recipe


def run_injection(recipe: Recipe, melt: Melt, inlet: MeltState) -> tuple[MeltState, Station]:
    """Charge the melt with every fluid and mix it in the screw up to the extruder head."""
    name = "injection stage"
    inj, ex = recipe.injection, recipe.extruder
    loadings = recipe.loadings
    diagnostics: list[Diagnostic] = []
    figures: dict[str, float | str] = {
        "injection_pressure_bar": inj.pressure / 1e5,
        "needles": inj.needles,
        "plates": inj.plates,
        "cooled_pump_heads": "yes" if inj.cooled_pump_heads else "no",
    }
    needle_area = inj.needles * math.pi * inj.needle_bore**2 / 4.0
    for spec in recipe.fluids:
        w = loadings[spec.name]
        mass_flow = w * inlet.polymer_flow
        rho = fluid_density(spec.name, spec.pump_head_temperature, inj.pressure)
        figures[f"{spec.name}_mass_flow_kg_h"] = mass_flow * 3600.0
        figures[f"{spec.name}_pump_head_density_kg_m3"] = rho
        figures[f"{spec.name}_volume_flow_ml_min"] = mass_flow / rho * 6e7
        figures[f"{spec.name}_needle_velocity_m_s"] = mass_flow / rho / needle_area
        if spec.name == "CO2" and not is_dense(spec.name, spec.pump_head_temperature, inj.pressure):
            diagnostics.append(
                Diagnostic(
                    name,
                    "warning",
                    f"CO2 in the metering-pump head at {spec.pump_head_temperature - 273.15:.0f} C"
                    f" and {inj.pressure / 1e5:.0f} bar is a gas of {rho:.0f} kg/m3, not liquid "
                    "or dense: the pump cannot meter it reliably; cool the pump head "
                    "(fluids.pump_head_temperature, claim 16) or raise the injection pressure",
                )
            )
    charged = inlet.evolve(
        dissolved={n: 0.0 for n in loadings},
        undissolved=dict(loadings),
        striation=channel_depth(recipe),
    )
    p_sat = melt.saturation_pressure(charged)
    figures["saturation_pressure_bar"] = p_sat / 1e5
    if p_sat > inj.pressure:
        diagnostics.append(
            Diagnostic(
                name,
                "error",
                f"the melt cannot dissolve the fluids at the injection pressure: "
                f"{inj.pressure / 1e5:.0f} bar is below their saturation pressure "
                f"{p_sat / 1e5:.0f} bar at {inlet.T - 273.15:.0f} C; raise injection.pressure "
                f"to at least {math.ceil(p_sat / 1e5 * 1.1):.0f} bar or lower the loading",
            )
        )
    # mixing in the screw section after the injection point
    depth = charged.striation
    shear_rate = math.pi * ex.screw_diameter * ex.screw_speed / depth
    length = ex.screw_diameter * inj.mixing_length_ratio
    residence = math.pi * ex.screw_diameter * depth * length / melt.volume_flow(charged)
    growth = 1.0 + shear_rate * residence / 2.0
    integrals = {
        n: math.pi**2
        * diffusivity(melt.polymer, n, charged.T)
        / depth**2
        * (2.0 / (3.0 * shear_rate))
        * (growth**3 - 1.0)
        for n in loadings
    }
    out = charged.evolve(
        striation=depth / growth,
        time=charged.time + residence,
        position=charged.position,
    )
    out = melt.dissolve(out, integrals)
    figures["screw_shear_rate_1_s"] = shear_rate
    figures["mixing_strain"] = shear_rate * residence
    figures["striation_thickness_um"] = out.striation * 1e6
    return out, Station(name, "injection", inlet, out, figures, tuple(diagnostics))
