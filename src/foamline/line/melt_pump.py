"""A gear melt pump (claims 6 and 12): meters the melt and sets the pressure at its outlet.

Delivered volume flow Q = eta_v V_d N (displacement V_d per revolution, speed N, volumetric
efficiency eta_v accounting for back-leakage), so the speed needed for the line's flow is
N = Q / (eta_v V_d). Shaft power for a pressure rise dP = P_out - P_in is V_d N dP (the swept
volume is pushed against dP); the part (1/eta_v - 1) Q dP spent on the leakage flow is
dissipated in the melt and heats it by dT = (1/eta_v - 1) dP / (rho cp). A negative dP means the
pump brakes the melt (a throttle, as in WO 97/06935). The residence time is one revolution.
Reference: Tadmor & Gogos, *Principles of Polymer Processing*, 2nd ed. (2006), section 6.9.
"""

from __future__ import annotations

import math

from foamline.line.melt import Melt
from foamline.line.state import Diagnostic, MeltState, Station
from foamline.recipe import MeltPumpSpec


def run_melt_pump(
    spec: MeltPumpSpec, name: str, melt: Melt, inlet: MeltState, outlet_pressure: float
) -> tuple[MeltState, Station]:
    """Raise (or throttle) the melt from its inlet pressure to ``outlet_pressure`` (Pa)."""
    q = melt.volume_flow(inlet)
    speed = q / (spec.volumetric_efficiency * spec.displacement)
    rise = outlet_pressure - inlet.P
    heating = max(rise, 0.0) * (1.0 / spec.volumetric_efficiency - 1.0)
    heating /= melt.density(inlet) * melt.cp
    out = inlet.evolve(
        T=inlet.T + heating,
        P=outlet_pressure,
        time=inlet.time + 1.0 / speed,
    )
    out = melt.dissolve(out, {})
    power = spec.displacement * speed * rise
    figures: dict[str, float | str] = {
        "volume_flow_cm3_min": q * 6e7,
        "speed_rpm": speed * 60.0,
        "pressure_rise_bar": rise / 1e5,
        "shaft_power_kW": power / 1e3,
        "temperature_rise_K": heating,
    }
    diagnostics = []
    if outlet_pressure > spec.max_pressure:
        diagnostics.append(
            Diagnostic(
                name,
                "error",
                f"{name} would have to deliver {outlet_pressure / 1e5:.0f} bar, beyond its "
                f"{spec.max_pressure / 1e5:.0f} bar rating: widen the die gap, shorten the land, "
                f"raise the melt temperature or use a pump rated for at least "
                f"{math.ceil(outlet_pressure / 1e5 / 10) * 10:.0f} bar",
            )
        )
    if speed > spec.max_speed:
        need = q / (spec.volumetric_efficiency * spec.max_speed)
        diagnostics.append(
            Diagnostic(
                name,
                "error",
                f"{name} would have to turn at {speed * 60:.0f} rpm, beyond its rated "
                f"{spec.max_speed * 60:.0f} rpm: use a displacement of at least "
                f"{need * 1e6:.2f} cm3/rev or lower the throughput",
            )
        )
    if rise < 0.0:
        diagnostics.append(
            Diagnostic(
                name,
                "info",
                f"{name} throttles the melt by {-rise / 1e5:.0f} bar (its outlet pressure is "
                "below its inlet pressure)",
            )
        )
    return out, Station(name, "melt_pump", inlet, out, figures, tuple(diagnostics))
