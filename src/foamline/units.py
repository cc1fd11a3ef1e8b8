"""Units at the edges: text such as ``"220 degC"`` or ``"12 kg/h"`` in, SI floats out.

foamline computes in SI (K, Pa, kg, m, s) everywhere inside. Recipes, data files and the CLI
accept any unit pint knows, plus the shop-floor ones defined here (``rev`` for gear-pump
displacement and ``wt%`` for a fluid loading in grams per 100 g of polymer).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint

ureg = pint.UnitRegistry()
ureg.define("rev = revolution")
# Loading of a fluid in grams per 100 g of polymer (polymer-mass basis, as in materials.md).
ureg.define("wt_pct = 0.01 = wtpct")

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")

#: SI unit in which each kind of quantity is returned, with an example for messages.
KINDS: dict[str, tuple[str, str]] = {
    "temperature": ("K", "220 degC"),
    "temperature_difference": ("delta_degC", "50 K"),
    "pressure": ("Pa", "180 bar"),
    "length": ("m", "0.5 mm"),
    "mass_flow": ("kg/s", "12 kg/h"),
    "volume_flow": ("m**3/s", "5 mL/min"),
    "speed": ("m/s", "2 m/min"),
    "rotational_speed": ("rev/s", "60 rpm"),
    "displacement": ("m**3/rev", "10 cm3/rev"),
    "power": ("W", "15 kW"),
    "heat_transfer_coefficient": ("W/(m**2*K)", "50 W/(m2 K)"),
    "loading": ("dimensionless", "3 wt%"),
    "time": ("s", "30 s"),
    "viscosity": ("Pa*s", "2000 Pa*s"),
    "density": ("kg/m**3", "1240 kg/m3"),
    "number_density": ("1/m**3", "1e10 1/cm3"),
}


def _normalise_unit_text(text: str) -> str:
    text = text.strip()
    text = re.sub(r"wt\s*%", "wt_pct", text)
    text = text.replace("%", "percent").replace("°C", "degC").replace("°", "deg")
    # "cm3", "m2" -> "cm**3", "m**2"
    return re.sub(r"(?<=[A-Za-z])(\d)", r"**\1", text)


@lru_cache(maxsize=512)
def _parse(text: str) -> pint.Quantity:
    match = _NUMBER.match(text)
    if match is None:
        raise ValueError(f"'{text}' does not start with a number")
    number, unit = match.groups()
    return ureg.Quantity(float(number), _normalise_unit_text(unit) or "dimensionless")


class QuantityError(ValueError):
    """A quantity that cannot be read or lies outside its range; ``sentence(field)`` explains it."""

    def __init__(self, text: object, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"{text!r} {reason}")

    def sentence(self, field: str) -> str:
        shown = f"'{self.text}'" if isinstance(self.text, str) else repr(self.text)
        return f"{field} = {shown} {self.reason}"


def parse_quantity(text: str | float | int, kind: str) -> float:
    """Return ``text`` converted to the SI unit of ``kind`` (see :data:`KINDS`).

    Parameters
    ----------
    text : a number with its unit, e.g. ``"220 degC"``; a bare number is accepted only
        where the kind is dimensionless.
    kind : key of :data:`KINDS`.

    Raises
    ------
    QuantityError
        whose ``sentence(field)`` names the field, the value and the expected unit.
    """
    target, example = KINDS[kind]
    label = kind.replace("_", " ")
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise QuantityError(text, f"is not a quantity: give a {label} such as '{example}'")
    if isinstance(text, int | float):
        if target != "dimensionless":
            raise QuantityError(text, f"has no unit: give a {label} such as '{example}'")
        value = float(text)
    else:
        bare = _NUMBER.match(text)
        if bare is not None and not bare.group(2) and target != "dimensionless":
            raise QuantityError(text, f"has no unit: give a {label} such as '{example}'")
        try:
            quantity = _parse(text)
        except (ValueError, pint.errors.PintError, AttributeError, TypeError, SyntaxError):
            raise QuantityError(
                text, f"is not a quantity foamline can read: give a {label} such as '{example}'"
            ) from None
        try:
            value = float(quantity.to(target).magnitude)
        except pint.errors.DimensionalityError:
            raise QuantityError(
                text,
                f"has units of {_dimension_name(quantity)}, not of {label}: "
                f"give a value such as '{example}'",
            ) from None
    if not math.isfinite(value):
        raise QuantityError(text, "is not a finite number")
    return value


def convert_like(text: str | float | int, unit: str) -> float:
    """SI value of ``text``, which must have the dimension of ``unit`` (for grade overrides)."""
    reference = ureg.Quantity(1.0, _normalise_unit_text(unit))
    if isinstance(text, bool):
        raise QuantityError(text, f"is not a quantity: give a value in {unit}")
    if isinstance(text, int | float):
        if not reference.dimensionless:
            raise QuantityError(text, f"has no unit: give a value in {unit}")
        return float(text)
    try:
        quantity = _parse(str(text))
        value = float(quantity.to_base_units().magnitude)
    except (ValueError, pint.errors.PintError, AttributeError, TypeError, SyntaxError):
        raise QuantityError(
            text, f"is not a quantity foamline can read: give a value in {unit}"
        ) from None
    if quantity.dimensionality != reference.dimensionality:
        raise QuantityError(text, f"does not have the dimension of {unit}")
    if not math.isfinite(value):
        raise QuantityError(text, "is not a finite number")
    return value


def display(si: float, kind: str) -> str:
    """An SI value in the unit of the kind's example: ``display(493.15, 'temperature')``."""
    target, example = KINDS[kind]
    unit = example.split(" ", 1)[1]
    value = ureg.Quantity(si, target).to(_normalise_unit_text(unit)).magnitude
    return f"{value:.4g} {unit}"


def _dimension_name(quantity: pint.Quantity) -> str:
    """A readable name of a quantity's dimension: 'pressure', not '[mass] / [length] / ...'."""
    for kind, (unit, _) in KINDS.items():
        if kind == "temperature_difference":
            continue
        if ureg.Quantity(1, unit).dimensionality == quantity.dimensionality:
            return kind.replace("_", " ")
    return str(quantity.dimensionality)


def to_si(value: float, unit: str) -> float:
    """Convert a number in ``unit`` to SI base units (used by the materials data files)."""
    return float(ureg.Quantity(value, _normalise_unit_text(unit)).to_base_units().magnitude)


def from_si(value: float, unit: str) -> float:
    """Convert an SI value to ``unit`` (for display)."""
    unit = _normalise_unit_text(unit)
    base = ureg.Quantity(1.0, unit).to_base_units().units
    return float(ureg.Quantity(value, base).to(unit).magnitude)
