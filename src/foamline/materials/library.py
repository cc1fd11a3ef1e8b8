"""The materials library: polymers, fluids and polymer-fluid pairs with sourced values.

Data live in ``foamline/data/*.toml``. Every value is written as
``{value = ..., unit = "...", flag = "...", source = "..."}`` and converted to SI on loading.
The flag says how far to trust it (as in ``reference/materials.md``):

- ``verified``: checked against a source text;
- ``recalled``: taken from the cited handbook or paper, not re-read;
- ``estimated``: an engineering estimate, to be replaced when data appear;
- ``computed``: derived here from other values by a stated formula;
- ``recipe``: a grade value given in the user's recipe (``[polymer.overrides]``).

A pair (polymer, fluid) is looked up as the specific entry, else the fluid's default for the
polymer's family, else the fluid's general default; the value records which one it came from.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from foamline.errors import MaterialError
from foamline.units import to_si

FLAGS = ("verified", "recalled", "estimated", "computed", "recipe")

#: Families named by claims 5 and 11 (PS is the reference system, outside the claims).
CLAIM_FAMILIES = (
    "cellulose derivatives",
    "polyolefins",
    "polyesters",
    "polysulfones",
    "polyethersulfones",
    "polyamides",
)


@dataclass(frozen=True)
class Value:
    """One material value: SI number plus how it was given and how far to trust it."""

    si: float
    value: float
    unit: str
    flag: str
    source: str

    def __float__(self) -> float:
        return self.si


@dataclass(frozen=True)
class Material:
    """Common base of polymers, fluids and pairs: a name and a table of :class:`Value`."""

    name: str
    values: Mapping[str, Value]
    info: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> float:
        """SI value of property ``key``; a clear :class:`MaterialError` if it is missing."""
        try:
            return self.values[key].si
        except KeyError:
            raise MaterialError(
                f"{self.name} has no value for '{key}' in the materials library"
            ) from None

    def get(self, key: str, default: float | None = None) -> float | None:
        value = self.values.get(key)
        return default if value is None else value.si

    def __contains__(self, key: str) -> bool:
        return key in self.values

    @property
    def key(self) -> tuple:
        """The name and the SI values, hashable: what caches of values computed from the material
        key on (a material with overridden values gets another key)."""
        return (self.name, tuple(sorted((k, v.si) for k, v in self.values.items())))


@dataclass(frozen=True)
class Polymer(Material):
    """A thermoplastic: ``info`` holds full_name, family, morphology and the model choices."""

    @property
    def family(self) -> str:
        return self.info["family"]

    @property
    def semicrystalline(self) -> bool:
        return self.info["morphology"] == "semicrystalline"

    @property
    def min_processing_temperature(self) -> float:
        """The temperature a melt must exceed, K: Tm if semicrystalline, else Tg (claim 6)."""
        return self["Tm"] if self.semicrystalline else self["Tg"]

    def with_overrides(self, overrides: Mapping[str, float], source: str) -> Polymer:
        """A grade of this polymer: the given SI values replace the library's."""
        values = dict(self.values)
        for key, si in overrides.items():
            if key not in values:
                raise MaterialError(
                    f"polymer.overrides.{key} is not a property of {self.name}: "
                    f"known are {', '.join(sorted(values))}"
                )
            values[key] = Value(si, si, "SI", "recipe", source)
        return replace(self, values=MappingProxyType(values))


@dataclass(frozen=True)
class Fluid(Material):
    """A blowing fluid: ``info`` holds full_name and the CoolProp name."""

    @property
    def coolprop_name(self) -> str:
        return self.info["coolprop"]


@dataclass(frozen=True)
class Pair(Material):
    """Solubility, diffusivity and plasticisation of one fluid in one polymer."""

    polymer: str = ""
    fluid: str = ""


def _parse_values(table: Mapping[str, Any], where: str) -> tuple[dict[str, Value], dict[str, Any]]:
    values: dict[str, Value] = {}
    info: dict[str, Any] = {}
    for key, item in table.items():
        if isinstance(item, dict) and "value" in item:
            missing = {"unit", "flag", "source"} - item.keys()
            if missing:
                raise MaterialError(f"{where}.{key} lacks {', '.join(sorted(missing))}")
            if item["flag"] not in FLAGS:
                raise MaterialError(f"{where}.{key} has flag '{item['flag']}', not one of {FLAGS}")
            raw = float(item["value"])
            values[key] = Value(
                to_si(raw, item["unit"]), raw, item["unit"], item["flag"], item["source"]
            )
        else:
            info[key] = item
    return values, info


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("foamline").joinpath("data", name).read_text("utf-8"))


@cache
def _polymers() -> dict[str, Polymer]:
    out = {}
    for key, table in _read("polymers.toml").items():
        values, info = _parse_values(table, f"polymers.{key}")
        out[key] = Polymer(key, MappingProxyType(values), MappingProxyType(info))
    return out


@cache
def _fluids() -> dict[str, Fluid]:
    out = {}
    for key, table in _read("fluids.toml").items():
        values, info = _parse_values(table, f"fluids.{key}")
        out[key] = Fluid(key, MappingProxyType(values), MappingProxyType(info))
    return out


@cache
def _pairs() -> dict[str, dict[str, Any]]:
    return _read("pairs.toml")


@cache
def _folded(kind: str) -> dict[str, str]:
    """Case-folded names and aliases -> library name, for ``kind`` 'polymer' or 'fluid'."""
    known = _polymers() if kind == "polymer" else _fluids()
    folded = {k.casefold(): k for k in known}
    for key, material in known.items():
        for alias in material.info.get("aliases", ()):
            folded[alias.casefold()] = key
    return folded


def _resolve(name: str, known: Mapping[str, Material], kind: str) -> str:
    if name in known:
        return name
    folded = _folded(kind)
    hit = folded.get(name.strip().casefold())
    if hit is not None:
        return hit
    close = difflib.get_close_matches(name.strip().casefold(), list(folded), n=3, cutoff=0.5)
    names = list(dict.fromkeys(folded[c] for c in close))
    hint = f"; did you mean {' or '.join(repr(n) for n in names)}?" if names else ""
    raise MaterialError(f"unknown {kind} '{name}'{hint} (known: {', '.join(sorted(known))})")


def polymer(name: str) -> Polymer:
    """The library's polymer ``name`` (case-insensitive; aliases such as PESU accepted)."""
    polymers = _polymers()
    return polymers[_resolve(name, polymers, "polymer")]


def fluid(name: str) -> Fluid:
    """The library's fluid ``name`` (case-insensitive; aliases such as 'water' accepted)."""
    fluids = _fluids()
    return fluids[_resolve(name, fluids, "fluid")]


def polymers() -> list[Polymer]:
    return list(_polymers().values())


def fluids() -> list[Fluid]:
    return list(_fluids().values())


@cache
def pair(polymer_name: str, fluid_name: str) -> Pair:
    """Solubility/diffusivity data of ``fluid_name`` in ``polymer_name``.

    Looked up as pairs.FLUID.POLYMER, else pairs.FLUID.default_FAMILY, else pairs.FLUID.default;
    keys missing from the specific entry are filled from the defaults in the same order.
    ``info['basis']`` records which entries supplied the values.
    """
    p = polymer(polymer_name)
    f = fluid(fluid_name)
    table = _pairs().get(f.name, {})
    layers = [
        (p.name, table.get(p.name)),
        (
            f"default_{p.family.replace(' ', '_')}",
            table.get(f"default_{p.family.replace(' ', '_')}"),
        ),
        ("default", table.get("default")),
    ]
    values: dict[str, Value] = {}
    info: dict[str, Any] = {"basis": []}
    for label, layer in layers:
        if not layer:
            continue
        layer_values, layer_info = _parse_values(layer, f"pairs.{f.name}.{label}")
        added = {k: v for k, v in layer_values.items() if k not in values}
        if added:
            info["basis"].append(label)
        values.update(added)
        for k, v in layer_info.items():
            info.setdefault(k, v)
    if not values:
        raise MaterialError(f"the materials library has no data for {f.name} in {p.name}")
    return Pair(
        f"{f.name} in {p.name}",
        MappingProxyType(values),
        MappingProxyType(info),
        polymer=p.name,
        fluid=f.name,
    )
