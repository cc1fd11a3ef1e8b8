"""The ``foamline`` command line.

Every command exits 0 on success and 2 on bad input, with one plain sentence per problem on
stderr and no traceback (``foamline.errors``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from foamline.checking import check_file
from foamline.errors import FoamlineError
from foamline.line import LineProfile, run_line
from foamline.materials import library
from foamline.materials.glass_transition import glass_transition
from foamline.materials.solubility import saturation_pressure
from foamline.recipe import Recipe, load_recipe
from foamline.report import compare_report, result_report
from foamline.report.terminal import claims_matrix, claims_table, key_figures
from foamline.simulate import FIDELITIES, RESULT_SCHEMA, STAGES, Result, finite, simulate
from foamline.units import display

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="foamline: simulate, measure and check foam-extruded porous membranes.",
)
materials_app = typer.Typer(no_args_is_help=True, help="The materials library.")
app.add_typer(materials_app, name="materials")

console = Console()
err_console = Console(stderr=True)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _c(kelvin: float | None) -> str:
    return "" if kelvin is None else f"{kelvin - 273.15:.0f}"


@materials_app.command("list")
def materials_list() -> None:
    """List the polymers and fluids of the library."""
    table = Table(title="Polymers", title_justify="left")
    for column in (
        "name",
        "polymer",
        "family",
        "claim 5/11 family",
        "morphology",
        "Tg [C]",
        "Tm [C]",
        "processing [C]",
    ):
        table.add_column(column)
    for p in library.polymers():
        table.add_row(
            p.name,
            p.info["full_name"],
            p.family,
            "yes" if p.family in library.CLAIM_FAMILIES else "no (reference)",
            p.info["morphology"],
            _c(p["Tg"]),
            _c(p.get("Tm")),
            f"{_c(p['T_process_min'])}-{_c(p['T_process_max'])}",
        )
    console.print(table)
    table = Table(title="Fluids", title_justify="left")
    for column in ("name", "fluid", "M [g/mol]", "Tc [C]", "pc [bar]", "CoolProp"):
        table.add_column(column)
    for f in library.fluids():
        table.add_row(
            f.name,
            f.info["full_name"],
            f"{f['M'] * 1e3:.3f}",
            _c(f["Tc"]),
            f"{f['pc'] / 1e5:.1f}",
            f.coolprop_name,
        )
    console.print(table)


def _values_table(title: str, values: dict[str, library.Value]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in ("property", "value", "unit", "flag", "source"):
        table.add_column(column, overflow="fold")
    for key, v in values.items():
        table.add_row(key, f"{v.value:.6g}", v.unit, v.flag, v.source)
    return table


@materials_app.command("show")
def materials_show(
    name: Annotated[str, typer.Argument(help="polymer or fluid name, e.g. PES or CO2")],
) -> None:
    """Every property of a polymer or fluid, with value, unit, flag and source."""
    try:
        material = library.polymer(name)
    except FoamlineError:
        material = None
    if material is None:
        f = library.fluid(name)
        console.print(
            f"[bold]{f.name}[/bold]: {f.info['full_name']} (CoolProp '{f.coolprop_name}')"
        )
        console.print(_values_table("Values", dict(f.values)))
        return
    p = material
    console.print(
        f"[bold]{p.name}[/bold]: {p.info['full_name']}; family {p.family}; {p.info['morphology']}; "
        f"density model {p.info['density_model']}, viscosity model {p.info['viscosity_model']}"
    )
    console.print(_values_table("Values", dict(p.values)))
    for f in library.fluids():
        pair = library.pair(p.name, f.name)
        basis = ", ".join(pair.info["basis"])
        model = pair.info.get("model", "henry")
        console.print(
            _values_table(f"{f.name} in {p.name} (model {model}; from {basis})", dict(pair.values))
        )


def _recipe_summary(recipe: Recipe) -> Table:
    polymer = recipe.polymer_material
    t0 = recipe.extruder.initial_processing_temperature
    loadings = recipe.loadings
    table = Table(title=f"Recipe: {recipe.name}", title_justify="left")
    table.add_column("item")
    table.add_column("value")
    table.add_row("polymer", f"{polymer.name} ({polymer.info['full_name']}, {polymer.family})")
    for name, w in loadings.items():
        table.add_row(f"loading {name}", f"{100 * w:.3g} wt% of polymer")
    table.add_row("throughput", display(recipe.extruder.throughput, "mass_flow"))
    table.add_row("initial processing temperature", display(t0, "temperature"))
    table.add_row(
        "saturation pressure at that temperature",
        display(saturation_pressure(polymer, loadings, t0), "pressure"),
    )
    table.add_row(
        "Tg of the gas-laden melt (Chow)",
        display(glass_transition(polymer, loadings), "temperature"),
    )
    table.add_row(
        "line",
        "two melt pumps (patented)" if recipe.two_pump_line else "single melt pump (prior art)",
    )
    hx = recipe.heat_exchanger
    table.add_row(
        "heat exchanger",
        "none"
        if hx is None
        else f"{display(hx.length, 'length')} x {display(hx.bore, 'length')}, wall "
        f"{display(hx.wall_temperature, 'temperature')}, mixer {hx.mixer.type}"
        + (f" x {hx.mixer.elements}" if hx.mixer.elements else ""),
    )
    die = recipe.die
    table.add_row(
        "die",
        f"{die.type}, {display(die.width, 'length')} x "
        f"{display(die.gap, 'length')}, land {display(die.land_length, 'length')}",
    )
    table.add_row(
        "reinforcement",
        "none"
        if recipe.reinforcement is None
        else f"{recipe.reinforcement.structure} {recipe.reinforcement.material}",
    )
    return table


@app.command()
def validate(
    recipe: Annotated[Path, typer.Argument(help="recipe TOML file")],
) -> None:
    """Check every field of a recipe; print it in SI-checked units, or each problem in one line."""
    loaded = load_recipe(recipe)
    console.print(_recipe_summary(loaded))
    console.print(f"{recipe}: valid ({loaded.schema_})")


def write_new(path: Path, text: str, force: bool) -> None:
    """Write ``text`` to ``path``; an existing file is replaced only with ``--force``."""
    if path.exists() and not force:
        raise FoamlineError(
            f"{path} already exists: choose another path or pass --force to replace it"
        )
    if not path.parent.exists():
        raise FoamlineError(f"cannot write {path}: the folder {path.parent} does not exist")
    path.write_text(text)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _wt(values: dict[str, float]) -> str:
    return ", ".join(f"{k} {100 * v:.3g}" for k, v in values.items()) or "-"


_KEY_FIGURES = {
    "extruder": ("heating_power_kW",),
    "injection": ("saturation_pressure_bar", "striation_thickness_um"),
    "melt_pump": ("speed_rpm", "pressure_rise_bar", "shaft_power_kW"),
    "heat_exchanger": ("pressure_drop_bar", "cooling_K", "mixer"),
    "slit_die": ("pressure_drop_bar", "exit_dPdt_GPa_s", "nucleation_onset_mm"),
}


def print_line(profile: LineProfile, summary: bool = True) -> None:
    """The station table, the summary (unless ``summary`` is False) and the diagnostics."""
    table = Table(title=f"Line: {profile.recipe_name}", title_justify="left")
    for column in (
        "station",
        "T in -> out [C]",
        "P in -> out [bar]",
        "P_sat [bar]",
        "residence [s]",
        "dissolved [wt%]",
        "undissolved [wt%]",
        "figures",
    ):
        table.add_column(column, overflow="fold", no_wrap=column == "station")
    for st in profile.stations:
        figures = "; ".join(
            f"{k} {v if isinstance(v, str) else f'{v:.3g}'}"
            for k, v in st.figures.items()
            if k in _KEY_FIGURES.get(st.kind, ())
        )
        table.add_row(
            st.name,
            f"{st.inlet.T - 273.15:.1f} -> {st.outlet.T - 273.15:.1f}",
            f"{st.inlet.P / 1e5:.1f} -> {st.outlet.P / 1e5:.1f}",
            _fmt(None if st.outlet_saturation is None else st.outlet_saturation / 1e5),
            f"{st.residence:.3g}",
            _wt(st.outlet.dissolved),
            _wt(st.outlet.undissolved),
            figures,
        )
    console.print(table)
    if summary:
        figures = Table(title="Summary", title_justify="left")
        figures.add_column("quantity")
        figures.add_column("value", justify="right")
        for key, value in profile.summary.items():
            figures.add_row(key, "-" if value is None else f"{value:.4g}")
        console.print(figures)
    style = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for d in profile.diagnostics:
        console.print(
            f"[{style[d.severity]}]{d.severity}[/] {d.station}: {d.message}", highlight=False
        )
    verdict = "feasible" if profile.feasible else "NOT feasible"
    console.print(
        f"line {verdict}: {sum(d.severity == 'error' for d in profile.diagnostics)} error(s)"
    )


@app.command()
def line(
    recipe: Annotated[Path, typer.Argument(help="recipe TOML file")],
    json_path: Annotated[
        Path | None, typer.Option("--json", help="write the line profile as JSON here")
    ] = None,
    force: Annotated[bool, typer.Option(help="replace an existing --json file")] = False,
) -> None:
    """What the line does to the melt: the station table, the die figures and the diagnostics."""
    profile = run_line(load_recipe(recipe))
    print_line(profile)
    if json_path is not None:
        data = {"schema": "foamline.line/1", "recipe": profile.recipe_name}
        data["line"] = profile.to_dict()
        write_new(json_path, json.dumps(finite(data), indent=1, allow_nan=False), force)
        console.print(f"line profile written to {json_path}")


Fidelity = Annotated[
    str,
    typer.Option(
        help="'full': finite-volume diffusion in every cohort; 'fast': integral closure "
        "(docs/foaming.md gives their agreement)"
    ),
]


def _fidelity(value: str) -> str:
    if value not in FIDELITIES:
        raise FoamlineError(f"--fidelity = {value!r} is not allowed: choose 'full' or 'fast'")
    return value


def _targets(out: Path | None, json_path: Path | None, force: bool, names: tuple[str, ...]):
    """The files a command will write, refused up front if any exists (without --force)."""
    targets = [] if out is None else [out / name for name in names]
    if json_path is not None:
        targets.append(json_path)
    for path in targets:
        if path.exists() and not force:
            raise FoamlineError(
                f"{path} already exists: choose another path or pass --force to replace it"
            )
    if json_path is not None and not json_path.parent.is_dir():
        raise FoamlineError(
            f"cannot write {json_path}: the folder {json_path.parent} does not exist"
        )
    if out is not None:
        if out.exists() and not out.is_dir():
            raise FoamlineError(f"--out {out} is a file, not a folder: choose a folder")
        out.mkdir(parents=True, exist_ok=True)
    return targets


def _simulate_with_progress(recipe: Recipe, fidelity: str, label: str = "") -> Result:
    """``simulate`` with a progress bar over its stages (on stderr)."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=len(STAGES))

        def stage_started(stage: str) -> None:
            bar.update(task, completed=STAGES.index(stage), description=f"{label}{stage}")

        return simulate(recipe, fidelity, progress=stage_started)


def _print_result(result: Result) -> None:
    print_line(result.line, summary=False)
    data = result.to_dict()
    console.print(key_figures([(result.recipe.name, data)]))
    for note in result.notes:
        console.print(f"[yellow]note[/] {note}", highlight=False)
    console.print(claims_table(result.claims))


@app.command("simulate")
def simulate_(
    recipe: Annotated[Path, typer.Argument(help="recipe TOML file")],
    fidelity: Fidelity = "full",
    out: Annotated[
        Path | None,
        typer.Option(help="folder for report.html (self-contained, with plots) and result.json"),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="write the result JSON here")
    ] = None,
    force: Annotated[bool, typer.Option(help="replace existing output files")] = False,
) -> None:
    """What this recipe gives: line, foam, membrane and claims 1-17, with a report."""
    fidelity = _fidelity(fidelity)
    loaded = load_recipe(recipe)
    targets = _targets(out, json_path, force, ("report.html", "result.json"))
    result = _simulate_with_progress(loaded, fidelity)
    _print_result(result)
    text = result.to_json()
    if out is not None:
        (out / "report.html").write_text(result_report(result), encoding="utf-8")
        (out / "result.json").write_text(text, encoding="utf-8")
    if json_path is not None:
        write_new(json_path, text, force=True)  # checked up front by _targets
    for path in targets:
        console.print(f"written: {path}", highlight=False)


@app.command()
def compare(
    files: Annotated[
        list[Path], typer.Argument(help="two or more recipes (TOML) or results (result.json)")
    ],
    fidelity: Fidelity = "full",
    out: Annotated[
        Path | None,
        typer.Option(help="folder for report.html (overlaid plots) and comparison.json"),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="write all the results as one JSON here")
    ] = None,
    force: Annotated[bool, typer.Option(help="replace existing output files")] = False,
) -> None:
    """The same membrane side by side, e.g. the patented line against the single-pump prior art."""
    fidelity = _fidelity(fidelity)
    if len(files) < 2:
        raise FoamlineError("compare needs at least two files (recipes or result.json)")
    inputs = [(path.stem, path) for path in files]
    loaded = [(label, _load_for_compare(path)) for label, path in inputs]
    targets = _targets(out, json_path, force, ("report.html", "comparison.json"))
    results: list[tuple[str, Result | dict]] = []
    for label, item in loaded:
        if isinstance(item, dict):
            results.append((label, item))
        else:
            results.append((label, _simulate_with_progress(item, fidelity, f"{label}: ")))
    dicts = [(label, r.to_dict() if isinstance(r, Result) else r) for label, r in results]
    console.print(key_figures(dicts, sections=("line", "foam", "membrane", "check")))
    console.print(claims_matrix(dicts))
    text = json.dumps(
        {"schema": "foamline.comparison/1", "results": {label: r for label, r in dicts}},
        indent=1,
        allow_nan=False,
    )
    if out is not None:
        (out / "report.html").write_text(compare_report(results), encoding="utf-8")
        (out / "comparison.json").write_text(text, encoding="utf-8")
    if json_path is not None:
        write_new(json_path, text, force=True)
    for path in targets:
        console.print(f"written: {path}", highlight=False)


def _load_for_compare(path: Path) -> Recipe | dict:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FoamlineError(f"{path} cannot be read as a result JSON: {exc}") from None
        if not isinstance(data, dict) or data.get("schema") != RESULT_SCHEMA:
            raise FoamlineError(f'{path} is not a foamline result (schema "{RESULT_SCHEMA}")')
        return data
    return load_recipe(path)


@app.command("check")
def check_(
    file: Annotated[
        Path,
        typer.Argument(
            help="a recipe (TOML), a result (result.json) or a measured membrane (TOML with "
            'schema = "foamline.membrane/1"; see docs/claims.md)'
        ),
    ],
    strict: Annotated[bool, typer.Option(help="exit 1 when claim 1 is not met")] = False,
    fidelity: Fidelity = "full",
    json_path: Annotated[
        Path | None, typer.Option("--json", help="write the verdicts as JSON here")
    ] = None,
    force: Annotated[bool, typer.Option(help="replace an existing --json file")] = False,
) -> None:
    """Claims 1-17, each met / not met / not applicable, with the evidence value and the limit."""
    fidelity = _fidelity(fidelity)
    _targets(None, json_path, force, ())
    checked = check_file(file, fidelity)
    if checked.result is not None:
        print_line(checked.result.line, summary=False)
    console.print(claims_table(checked.claims, f"Claims 1-17: {checked.name} ({checked.kind})"))
    if json_path is not None:
        data = {
            "schema": "foamline.claims/1",
            "input": checked.kind,
            "name": checked.name,
            "claims": checked.claims.to_list(),
        }
        write_new(json_path, json.dumps(data, indent=1), force=True)
        console.print(f"written: {json_path}", highlight=False)
    if strict and checked.claims[1].status != "met":
        err_console.print(f"claim 1 is {checked.claims[1].status.replace('_', ' ')} (--strict)")
        raise typer.Exit(1)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="folder for the report")] = Path("foamline-demo"),
    fidelity: Fidelity = "fast",
    force: Annotated[bool, typer.Option(help="replace an earlier demo's files")] = False,
) -> None:
    """Simulate the bundled example (a), PES microfiltration with CO2 + water; write a report."""
    example = EXAMPLES / "pes_mf_co2_water.toml"
    if not example.is_file():
        raise FoamlineError(
            f"the bundled example {example} is not there: run foamline demo from a source checkout"
        )
    simulate_(example, _fidelity(fidelity), out, None, force)
    console.print(f"demo report: {(out / 'report.html').resolve()}", highlight=False)


@app.command()
def analyze(
    image: Annotated[
        Path,
        typer.Argument(
            help="SEM image (PNG, TIFF, BMP; 8/16 bit; colour is converted to grey) or volume "
            "(multi-page TIFF, .npy, .npz, or raw with --shape and --dtype)"
        ),
    ],
    pixel_size: Annotated[
        str | None,
        typer.Option(
            "--pixel-size",
            help="pixel size with its unit, e.g. '0.248um'; or 'auto' to measure the SEM scale "
            "bar, which needs --scale-bar; default: from the TIFF metadata",
        ),
    ] = None,
    scale_bar: Annotated[
        str | None,
        typer.Option(
            "--scale-bar",
            help="with --pixel-size auto: the length written on the scale bar, e.g. '100um' "
            "(foamline finds the bar and measures it in pixels, but cannot read its label)",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="grey level (in the image's own units, e.g. 0-255) at or below which a pixel "
            "is void; default: automatic (Otsu, refined per cell)"
        ),
    ] = None,
    shape: Annotated[
        str | None, typer.Option(help="shape of a raw volume, e.g. 256x256x128")
    ] = None,
    dtype: Annotated[
        str | None, typer.Option(help="sample type of a raw volume, e.g. uint8 or uint16")
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="write the figures as JSON (schema foamline.analysis/1)"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="folder for report.html (self-contained), overlay.png, histogram.png"
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="replace existing output files")] = False,
) -> None:
    """Measure a real membrane from an SEM section or a tomography volume: cells, void
    fraction, wall openings, and claims 1-3 (method: docs/imaging.md)."""
    from foamline import imaging

    size: float | str | None = None
    if pixel_size is not None:
        auto = pixel_size.strip().lower() == "auto"
        size = "auto" if auto else imaging.parse_length_option(pixel_size, "--pixel-size")
    bar = None if scale_bar is None else imaging.parse_length_option(scale_bar, "--scale-bar")
    imaging.check_outputs(json_path, out, force)
    result = imaging.analyze_file(
        image, pixel_size_m=size, scale_bar_m=bar, threshold=threshold, shape=shape, dtype=dtype
    )
    for table in imaging.terminal_tables(result):
        console.print(table)
    for note in result.notes:
        console.print(f"[yellow]note[/] {note}", highlight=False)
    for path in imaging.write_outputs(result, json_path, out, force):
        console.print(f"written: {path}", highlight=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; a :class:`FoamlineError` becomes its sentences and exit 2.

    Usage errors (unknown command, missing argument) are reported by typer, also with exit 2.
    ``argv`` defaults to the process arguments; it is given in-process by the tests.
    """
    try:
        app(args=argv, prog_name="foamline")
    except FoamlineError as exc:
        for problem in exc.problems:
            err_console.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
