"""The melt as it travels down the line, and what the line reports about it.

A :class:`MeltState` is the melt at one point: temperature, pressure, mass flows, each fluid
split into dissolved and undissolved parts (kg per kg polymer), the striation thickness of the
fluid-rich layers (the mixing scale that sets how fast the rest dissolves), elapsed time and
position. Every unit takes a state and returns the next one plus a :class:`Station` (what it
found: residence time, unit figures, diagnostics) and, for the heat exchanger and the die, a
:class:`Profile` of the state along its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class MeltState:
    """The melt at one point of the line (SI units).

    Attributes
    ----------
    T, P:
        temperature (K) and pressure (Pa).
    polymer_flow:
        polymer mass flow, kg/s.
    dissolved, undissolved:
        fluid name -> kg fluid per kg polymer in solution / still a separate phase.
    striation:
        thickness of the fluid-rich layers, m (``inf`` before any fluid is injected).
    time, position:
        elapsed time since the extruder feed (s) and distance along the line (m).
    """

    T: float
    P: float
    polymer_flow: float
    dissolved: dict[str, float] = field(default_factory=dict)
    undissolved: dict[str, float] = field(default_factory=dict)
    striation: float = float("inf")
    time: float = 0.0
    position: float = 0.0

    def total(self, fluid: str) -> float:
        """All of ``fluid`` in the melt, dissolved or not, kg per kg polymer."""
        return self.dissolved.get(fluid, 0.0) + self.undissolved.get(fluid, 0.0)

    @property
    def fluids(self) -> list[str]:
        return list(dict.fromkeys([*self.dissolved, *self.undissolved]))

    def evolve(self, **changes: Any) -> MeltState:
        """A copy with the given fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Diagnostic:
    """One finding, in a sentence that names the station and the number to change."""

    station: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"station": self.station, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Profile:
    """The melt along the inside of a unit: arrays over the axial position z (m) from its inlet."""

    z: np.ndarray
    t: np.ndarray
    T: np.ndarray
    P: np.ndarray
    P_sat: np.ndarray
    Tg: np.ndarray
    dissolved: dict[str, np.ndarray]
    undissolved: dict[str, np.ndarray]

    def to_dict(self) -> dict[str, Any]:
        return {
            "z_m": self.z.tolist(),
            "t_s": self.t.tolist(),
            "T_C": (self.T - 273.15).tolist(),
            "P_bar": (self.P / 1e5).tolist(),
            "P_sat_bar": (self.P_sat / 1e5).tolist(),
            "Tg_C": (self.Tg - 273.15).tolist(),
            "dissolved_wt_pct": {k: (100 * v).tolist() for k, v in self.dissolved.items()},
            "undissolved_wt_pct": {k: (100 * v).tolist() for k, v in self.undissolved.items()},
        }


@dataclass(frozen=True)
class Station:
    """A unit's inlet and outlet states, residence time, its own figures and its findings."""

    name: str
    kind: str
    inlet: MeltState
    outlet: MeltState
    figures: dict[str, float | str] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    profile: Profile | None = None
    outlet_saturation: float | None = None  # Pa, saturation pressure of the loading at outlet T

    @property
    def residence(self) -> float:
        """Mean residence time in the unit, s."""
        return self.outlet.time - self.inlet.time

    def to_dict(self) -> dict[str, Any]:
        """The station as in the result JSON (DESIGN.md): outlet values plus inlet and figures."""
        out = self.outlet
        return {
            "name": self.name,
            "kind": self.kind,
            "T_C": out.T - 273.15,
            "P_bar": out.P / 1e5,
            "residence_s": self.residence,
            "dissolved_wt_pct": {k: 100 * v for k, v in out.dissolved.items()},
            "undissolved_wt_pct": {k: 100 * v for k, v in out.undissolved.items()},
            "T_in_C": self.inlet.T - 273.15,
            "P_in_bar": self.inlet.P / 1e5,
            "P_sat_bar": None if self.outlet_saturation is None else self.outlet_saturation / 1e5,
            "figures": {k: v if isinstance(v, str) else float(v) for k, v in self.figures.items()},
        }
