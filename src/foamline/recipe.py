"""The recipe: one TOML file that describes a run of the foam-extrusion line.

A recipe names the polymer and the blowing fluids, every apparatus unit of claims 12-17 with its
settings (extruder, injection stage, melt pump 1, heat exchanger with static mixer, melt pump 2,
wide-slit die), what happens after the die, an optional reinforcement layer (claim 4) and the
model knobs. Quantities are written with units (``"220 degC"``, ``"180 bar"``, ``"12 kg/h"``) and
stored in SI. A recipe without ``[melt_pump_2]`` is the prior-art single-pump line (WO 97/06935).

``load_recipe(path)`` returns a validated, frozen :class:`Recipe` or raises :class:`RecipeError`
whose ``problems`` are one sentence each. The field reference is ``docs/recipe.md``.
"""

from __future__ import annotations

import difflib
import tomllib
from functools import cached_property, partial
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from foamline.errors import FoamlineError, MaterialError, RecipeError
from foamline.materials import fluid as library_fluid
from foamline.materials import fluid_density
from foamline.materials import polymer as library_polymer
from foamline.materials.library import Polymer
from foamline.materials.solubility import max_dissolved, saturation_pressure
from foamline.units import KINDS, QuantityError, convert_like, display, parse_quantity

SCHEMA = "foamline.recipe/1"


def _quantity(
    value: Any, *, kind: str, low: float | None, low_inclusive: bool, high: float | None
) -> float:
    si = parse_quantity(value, kind)
    if low is not None and (si < low or (si == low and not low_inclusive)):
        if kind == "temperature":
            raise QuantityError(value, "is below absolute zero")
        relation = "at least" if low_inclusive else "greater than"
        bound = "0" if low == 0.0 else display(low, kind)
        raise QuantityError(value, f"is out of range: it must be {relation} {bound}")
    if high is not None and si > high:
        raise QuantityError(value, f"is out of range: it must be at most {display(high, kind)}")
    return si


def Q(
    kind: str,
    description: str,
    *,
    low: float | None = 0.0,
    low_inclusive: bool = False,
    high: float | None = None,
    default: Any = ...,
) -> Any:
    """A quantity field of the given kind, parsed from text with units to an SI float."""
    validator = BeforeValidator(
        partial(_quantity, kind=kind, low=low, low_inclusive=low_inclusive, high=high)
    )
    if isinstance(default, str):  # defaults are not validated by pydantic: convert them here
        default = _quantity(default, kind=kind, low=low, low_inclusive=low_inclusive, high=high)
    field = Field(default, description=description)
    return Annotated[float, validator, field]


def _fraction(value: Any, *, low_inclusive: bool = False) -> float:
    si = parse_quantity(value, "loading")
    if not (0.0 <= si <= 1.0) or (si == 0.0 and not low_inclusive):
        raise QuantityError(value, "is out of range: it must be a fraction in (0, 1]")
    return si


Fraction = Annotated[float, BeforeValidator(_fraction)]
OpenFraction = Annotated[float, BeforeValidator(partial(_fraction, low_inclusive=True))]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolymerSpec(_Model):
    """The thermoplastic (claims 1, 5, 6, 11)."""

    name: str = Field(description="library name, e.g. 'PES' (see `foamline materials list`)")
    grade: str = Field("", description="trade name or grade, for the record")
    overrides: dict[str, float] = Field(
        default_factory=dict,
        description="grade values replacing the library's, e.g. eta0_ref = '1500 Pa*s'",
    )

    @field_validator("overrides", mode="before")
    @classmethod
    def _overrides_to_si(cls, value: Any, info: Any) -> dict[str, float]:
        if not isinstance(value, dict):
            raise ValueError("polymer.overrides must be a table of property = 'value unit'")
        name = info.data.get("name")
        if name is None:  # the unknown name is reported by its own validator
            return {}
        base = library_polymer(name)
        out = {}
        for key, text in value.items():
            if key not in base.values:
                close = difflib.get_close_matches(key, list(base.values), n=2)
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                raise ValueError(f"polymer.overrides.{key} is not a property of {base.name}{hint}")
            try:
                out[key] = convert_like(text, base.values[key].unit)
            except QuantityError as exc:
                raise ValueError(exc.sentence(f"polymer.overrides.{key}")) from None
        return out

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        try:
            return library_polymer(value).name
        except MaterialError as exc:
            raise ValueError(str(exc)) from None


class FluidSpec(_Model):
    """A blowing fluid and its metering pump (claims 6, 9, 10, 15, 16)."""

    name: str = Field(description="library name, e.g. 'CO2', 'H2O', 'N2'")
    loading: Q("loading", "loading in wt% of polymer, e.g. '3 wt%'", high=0.5, default=None)
    mass_flow: Q("mass_flow", "metering-pump mass flow, e.g. '0.3 kg/h'", default=None)
    volume_flow: Q(
        "volume_flow", "metering-pump volume flow at the pump head, e.g. '5 mL/min'", default=None
    )
    pump_head_temperature: Q(
        "temperature", "metering-pump head temperature, e.g. '5 degC'", default="20 degC"
    )

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        try:
            return library_fluid(value).name
        except MaterialError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _one_loading(self) -> FluidSpec:
        given = [k for k in ("loading", "mass_flow", "volume_flow") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"fluid {self.name}: give exactly one of loading, mass_flow or volume_flow"
                + (f" (found {', '.join(given)})" if given else "")
            )
        return self


class ExtruderSpec(_Model):
    """Extruder with metering apparatus and heating elements (claims 6, 12)."""

    throughput: Q("mass_flow", "polymer mass flow, e.g. '10 kg/h'")
    initial_processing_temperature: Q(
        "temperature", "melt temperature delivered by the extruder, e.g. '360 degC'"
    )
    barrel_zones: list[Q("temperature", "barrel heating-zone set temperature")] = Field(
        default_factory=list, description="heating-zone set temperatures, feed to head"
    )
    screw_speed: Q("rotational_speed", "screw speed, e.g. '60 rpm'")
    screw_diameter: Q("length", "screw diameter, e.g. '30 mm'", default="30 mm")
    barrel_length_ratio: float = Field(
        30.0, ge=5, le=60, description="barrel length / screw diameter, L/D (typical 24-36)"
    )
    channel_depth: Q(
        "length", "metering-zone channel depth (default 0.1 x screw diameter)", default=None
    )
    metering: Literal["gravimetric", "volumetric"] = Field(
        "gravimetric", description="polymer feeder (metering apparatus)"
    )


class InjectionSpec(_Model):
    """Injection stage on the extruder cylinder, before melt pump 1 (claims 12, 15, 16)."""

    pressure: Q("pressure", "melt pressure at the injection point, e.g. '120 bar'")
    needles: int = Field(1, ge=1, description="number of hollow injection needles")
    needle_bore: Q("length", "needle bore, e.g. '0.5 mm'", default="0.5 mm")
    plates: int = Field(0, ge=0, description="number of injection plates")
    cooled_pump_heads: bool = Field(False, description="metering pumps with coolable heads")
    mixing_length_ratio: float = Field(
        8.0, gt=0, le=30, description="screw length after the injection point, in screw diameters"
    )


class MeltPumpSpec(_Model):
    """A gear melt pump (claims 6, 12)."""

    displacement: Q("displacement", "volume per revolution, e.g. '10 cm3/rev'")
    volumetric_efficiency: Fraction = Field(0.95, description="delivered / swept volume")
    max_pressure: Q("pressure", "rated outlet pressure, e.g. '400 bar'", default="400 bar")
    max_speed: Q("rotational_speed", "rated speed, e.g. '60 rpm'", default="60 rpm")
    outlet_pressure: Q(
        "pressure",
        "pressure held at the outlet (mixing-stage set point), e.g. '180 bar'",
        default=None,
    )


class MixerSpec(_Model):
    """Mixer in the heat exchanger (claims 13, 14)."""

    type: Literal["none", "SMX", "SMXL", "Kenics"] = Field(
        "none", description="static mixer type, or 'none' for an empty tube"
    )
    elements: int = Field(0, ge=0, description="number of mixing elements")
    z_factor: float | None = Field(
        None, gt=1, description="laminar pressure drop / empty-tube drop (default by type)"
    )
    heat_transfer_enhancement: float | None = Field(
        None, ge=1, description="Nusselt number / empty-tube Nusselt number (default by type)"
    )
    striation_reduction: float | None = Field(
        None, gt=1, description="factor by which one element thins the layers (default by type)"
    )

    @model_validator(mode="after")
    def _elements(self) -> MixerSpec:
        if self.type != "none" and self.elements < 1:
            raise ValueError(f"heat_exchanger.mixer: a {self.type} mixer needs elements >= 1")
        if self.type == "none" and self.elements:
            raise ValueError("heat_exchanger.mixer: elements given but type = 'none'")
        return self


class HeatExchangerSpec(_Model):
    """Heat exchanger between melt pumps 1 and 2: the second mixing stage (claims 7, 12-14)."""

    length: Q("length", "melt-channel length, e.g. '1.2 m'")
    bore: Q("length", "tube bore, e.g. '30 mm'")
    tubes: int = Field(1, ge=1, description="parallel tubes")
    wall_temperature: Q("temperature", "coolant / wall temperature, e.g. '290 degC'")
    mixer: MixerSpec = Field(default_factory=MixerSpec)


class DieSpec(_Model):
    """The die (claim 17: a wide-slit nozzle)."""

    type: Literal["wide-slit", "annular", "round"] = Field("wide-slit", description="die type")
    width: Q("length", "slit width, e.g. '200 mm'")
    gap: Q("length", "slit gap, e.g. '0.4 mm'")
    land_length: Q("length", "land length, e.g. '10 mm'")
    temperature: Q("temperature", "die wall temperature, e.g. '300 degC'", default=None)

    @model_validator(mode="after")
    def _geometry(self) -> DieSpec:
        if self.gap >= self.width:
            raise ValueError(
                f"die.gap ({display(self.gap, 'length')}) must be smaller than die.width "
                f"({display(self.width, 'length')})"
            )
        return self


class PostDieSpec(_Model):
    """Cooling and take-off after the die."""

    cooling_medium: Literal["air", "water", "chill-roll"] = Field("air")
    heat_transfer_coefficient: Q(
        "heat_transfer_coefficient", "to the cooling medium, e.g. '50 W/(m2 K)'", default=None
    )
    take_off_speed: Q("speed", "take-off speed, e.g. '2 m/min'", default=None)
    ambient_temperature: Q("temperature", "cooling-medium temperature", default="20 degC")

    @property
    def htc(self) -> float:
        """Heat-transfer coefficient, W/(m2 K): given, or a typical value for the medium.

        Typical values (estimates): free and forced air 10-100, water bath 500-2000, chill roll
        200-1000 W/(m2 K) (Incropera & DeWitt, Fundamentals of Heat and Mass Transfer).
        """
        if self.heat_transfer_coefficient is not None:
            return self.heat_transfer_coefficient
        return {"air": 50.0, "water": 1000.0, "chill-roll": 500.0}[self.cooling_medium]


class ReinforcementSpec(_Model):
    """Reinforcement on one or both sides of the membrane (claims 4, 5)."""

    structure: Literal["woven", "nonwoven", "knitted"]
    material: str = Field(description="e.g. 'PET', 'PP', 'stainless steel'")
    material_class: Literal["polymer", "metal"]
    thickness: Q("length", "layer thickness, e.g. '100 um'")
    porosity: Fraction = Field(description="open fraction of the layer, e.g. 0.6")
    fibre_diameter: Q("length", "fibre or wire diameter, e.g. '20 um'", default="20 um")
    sides: Literal[1, 2] = 1


class KnobsSpec(_Model):
    """Model knobs with literature defaults; calibratable against the user's own runs.

    See docs/recipe.md for each knob's meaning, source and range.
    """

    nucleation_prefactor_scale: float = Field(
        1.0, gt=0, description="multiplies the CNT prefactor (Moldflow's fitted Zeldovich factor)"
    )
    heterogeneous_factor: float = Field(
        0.1, gt=0, le=1, description="F(theta), the heterogeneous barrier-reduction factor"
    )
    nucleation_site_density: Q(
        "number_density",
        "heterogeneous nucleation sites per volume of melt, each used once, e.g. '1e10 1/cm3' "
        "(none: the sites never run out)",
        default=None,
    )
    rupture_criterion: Literal["critical_thickness", "wall_stress"] = "critical_thickness"
    critical_wall_thickness: Q(
        "length", "wall thickness below which a wall ruptures, e.g. '50 nm'", default="50 nm"
    )
    rupture_stress: Q(
        "pressure", "wall stress above which a wall ruptures, e.g. '0.5 MPa'", default="0.5 MPa"
    )
    plasticisation: Literal["exponential", "wlf_chow"] = "exponential"
    strut_fraction: float = Field(
        0.3,
        ge=0,
        lt=1,
        description="share of the polymer in struts (Plateau borders) rather than walls",
    )


class Recipe(_Model):
    """A validated recipe; all quantities in SI (K, Pa, kg/s, m, rev/s)."""

    schema_: Literal["foamline.recipe/1"] = Field(alias="schema")
    name: str = Field(description="a short name for reports")
    description: str = ""
    polymer: PolymerSpec
    fluids: list[FluidSpec] = Field(
        min_length=1, description="blowing fluids, one [[fluids]] table each with name and loading"
    )
    extruder: ExtruderSpec
    injection: InjectionSpec
    melt_pump_1: MeltPumpSpec
    heat_exchanger: HeatExchangerSpec | None = None
    melt_pump_2: MeltPumpSpec | None = None
    die: DieSpec
    post_die: PostDieSpec = Field(default_factory=PostDieSpec)
    reinforcement: ReinforcementSpec | None = None
    knobs: KnobsSpec = Field(default_factory=KnobsSpec)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @cached_property
    def polymer_material(self) -> Polymer:
        """The library polymer with the recipe's grade overrides applied."""
        base = library_polymer(self.polymer.name)
        if not self.polymer.overrides:
            return base
        return base.with_overrides(self.polymer.overrides, f"recipe '{self.name}'")

    @property
    def two_pump_line(self) -> bool:
        """True for the patented line (a second melt pump forces the melt through the die)."""
        return self.melt_pump_2 is not None

    @cached_property
    def loadings(self) -> dict[str, float]:
        """Loading of each fluid, kg per kg polymer, from loading, mass flow or volume flow.

        A volume flow is converted with the fluid density at the pump-head temperature and the
        injection pressure (CoolProp).
        """
        out: dict[str, float] = {}
        for spec in self.fluids:
            if spec.loading is not None:
                out[spec.name] = spec.loading
            elif spec.mass_flow is not None:
                out[spec.name] = spec.mass_flow / self.extruder.throughput
            else:
                rho = fluid_density(spec.name, spec.pump_head_temperature, self.injection.pressure)
                out[spec.name] = rho * spec.volume_flow / self.extruder.throughput
        return out

    @model_validator(mode="after")
    def _consistent(self) -> Recipe:
        problems = []
        names = [f.name for f in self.fluids]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(f"fluids: {', '.join(duplicates)} is listed more than once")
        polymer = self.polymer_material
        t0 = self.extruder.initial_processing_temperature
        limit = polymer.min_processing_temperature
        if t0 <= limit:
            what = "melting point Tm" if polymer.semicrystalline else "glass transition Tg"
            problems.append(
                f"extruder.initial_processing_temperature = {display(t0, 'temperature')} is not "
                f"above the {what} of {polymer.name} ({display(limit, 'temperature')}): "
                f"the melt must be processed above it (claim 6)"
            )
        if not duplicates:
            problems += self._dissolution_problems(polymer)
        if problems:
            raise ValueError(" | ".join(problems))
        return self

    def _dissolution_problems(self, polymer: Polymer) -> list[str]:
        t0 = self.extruder.initial_processing_temperature
        loadings = self.loadings
        problems = []
        for name, w in loadings.items():
            if w > 0.5:
                problems.append(
                    f"fluids: the {name} loading works out at {100 * w:.3g} wt% of polymer, "
                    "above the 50 wt% any melt could hold: check the flow and the throughput"
                )
                return problems
            cap = max_dissolved(polymer, name, t0)
            if w > cap:
                problems.append(
                    f"fluids: {100 * w:.3g} wt% {name} cannot dissolve in {polymer.name} at "
                    f"{display(t0, 'temperature')} at any pressure (the melt holds at most "
                    f"{100 * cap:.3g} wt%): lower the {name} loading"
                )
        if problems:
            return problems
        rating = max(p.max_pressure for p in (self.melt_pump_1, self.melt_pump_2) if p)
        p_sat = saturation_pressure(polymer, loadings, t0)
        if p_sat > rating:
            loading = " + ".join(f"{100 * w:.3g} wt% {n}" for n, w in loadings.items())
            problems.append(
                f"fluids: {loading} in {polymer.name} needs {p_sat / 1e5:.0f} bar to stay "
                f"dissolved at {display(t0, 'temperature')}, above the {rating / 1e5:.0f} bar "
                "rating of the melt pumps: lower the loading"
            )
        return problems


def _field_description(loc: tuple[Any, ...], root: type[BaseModel]) -> str | None:
    model: Any = root
    info = None
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        fields = model.model_fields
        key = "schema_" if part == "schema" else part
        info = fields.get(key)
        if info is None:
            return None
        model = _model_of(info.annotation)
    return info.description if info is not None else None


def _model_of(annotation: Any) -> Any:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        for inner in getattr(candidate, "__args__", ()):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def _siblings(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    model: Any = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if model else None
        model = _model_of(info.annotation) if info else None
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _sentence(error: dict[str, Any], root: type[BaseModel], docs: str) -> list[str]:
    """One plain sentence per validation error of a ``root`` model read from a file."""
    loc = tuple(error["loc"])
    where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
    kind = error["type"]
    value = error.get("input")
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, QuantityError):
        return [cause.sentence(where)]
    if isinstance(cause, FoamlineError):
        return [f"{where}: {cause}"]
    if kind == "missing":
        description = _field_description(loc, root)
        return [f"{where} is missing" + (f": give the {description}" if description else "")]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _siblings(loc, root), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return [f"{where} is not a known field{hint} (see {docs})"]
    if kind == "literal_error":
        expected = error["ctx"]["expected"]
        return [f"{where} = {value!r} is not allowed: choose {expected}"]
    if kind == "too_short" and loc == ("fluids",):
        return [
            "fluids: at least one blowing fluid is required (a [[fluids]] table with "
            "name and loading)"
        ]
    if kind == "value_error":
        message = str(cause) if cause is not None else error["msg"]
        if where and not message.startswith(
            ("fluids", "fluid ", "die.", "extruder.", "polymer.", "heat_exchanger")
        ):
            message = f"{where}: {message}"
        return message.split(" | ")
    if kind == "model_type" or kind == "dict_type":
        return [f"{where} must be a table ([{where}] with its fields), not {value!r}"]
    return [f"{where} = {value!r}: {error['msg'][:1].lower()}{error['msg'][1:]}"]


def validation_problems(exc: ValidationError, root: type[BaseModel], docs: str) -> list[str]:
    """The distinct plain sentences of a validation error of a ``root`` model (docs: where its
    fields are described)."""
    problems: list[str] = []
    for error in exc.errors():
        for sentence in _sentence(error, root, docs):
            if sentence not in problems:
                problems.append(sentence)
    return problems


def recipe_from_dict(data: dict[str, Any], source: str = "recipe") -> Recipe:
    """Validate a recipe given as a dict (the parsed TOML); raise :class:`RecipeError`."""
    schema = data.get("schema")
    if schema is None:
        raise RecipeError(f'{source}: schema is missing: a recipe starts with schema = "{SCHEMA}"')
    if schema != SCHEMA:
        raise RecipeError(
            f'{source}: schema = {schema!r} is not supported: this foamline reads "{SCHEMA}"'
        )
    try:
        return Recipe.model_validate(data)
    except ValidationError as exc:
        raise RecipeError(validation_problems(exc, Recipe, "docs/recipe.md")) from None
    except FoamlineError as exc:
        raise RecipeError(str(exc)) from None


def _quantity_kind(metadata: Any) -> str | None:
    """The quantity kind of a :func:`Q` field from its validators, or None."""
    for item in metadata:
        func = getattr(item, "func", None)
        if isinstance(func, partial) and func.func is _quantity:
            return func.keywords["kind"]
    return None


def _text(value: float, kind: str) -> str | float:
    """An SI value as recipe text: '653.15 K'; dimensionless values stay numbers."""
    unit = KINDS[kind][0]
    return value if unit == "dimensionless" else f"{value!r} {unit}"


def _with_units(model: BaseModel) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None:
            continue
        key = info.alias or name
        kind = _quantity_kind(info.metadata)
        if kind is None and get_origin(info.annotation) is list:
            kind = _quantity_kind(get_args(get_args(info.annotation)[0])[1:])
        if isinstance(value, BaseModel):
            out[key] = _with_units(value)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            out[key] = [_with_units(v) for v in value]
        elif kind is not None:
            out[key] = (
                [_text(v, kind) for v in value] if isinstance(value, list) else _text(value, kind)
            )
        elif name == "overrides":
            base = library_polymer(model.name).values
            out[key] = {k: f"{v!r} {base[k].unit}" for k, v in value.items()}
        else:
            out[key] = value
    return out


def recipe_to_dict(recipe: Recipe) -> dict[str, Any]:
    """The recipe as a TOML-ready dict with SI units written out; ``recipe_from_dict`` reads it.

    Result files embed it, so that a result can be checked again without its recipe file.
    """
    return _with_units(recipe)


def load_recipe(path: str | Path) -> Recipe:
    """Read and validate a recipe TOML file.

    Raises
    ------
    RecipeError
        if the file is missing, unreadable, not TOML or not a valid recipe; ``problems`` holds
        one sentence per problem.
    """
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"recipe file '{path}' does not exist or is not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RecipeError(f"{path} is not a text file (UTF-8 expected): is it a recipe?") from None
    except OSError as exc:
        raise RecipeError(f"{path} cannot be read: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"{path} is not valid TOML: {exc}") from None
    return recipe_from_dict(data, str(path))


__all__ = [
    "SCHEMA",
    "Recipe",
    "load_recipe",
    "recipe_from_dict",
    "recipe_to_dict",
    "validation_problems",
]
