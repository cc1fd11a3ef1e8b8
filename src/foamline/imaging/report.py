"""Presenting an :class:`~foamline.imaging.analysis.Analysis`: terminal tables, JSON, HTML report.

The HTML report is one self-contained file: the overlay (cell outlines in colour on the grey
image) and the size histograms are PNGs embedded as base64, so it can be mailed or archived
alone. Existing files are never replaced unless ``force`` is given.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from foamline.errors import ImageError
from foamline.imaging.analysis import Analysis
from foamline.imaging.claims import MET, NOT_MET

__all__ = [
    "REPORT_FILES",
    "check_outputs",
    "histogram_png",
    "overlay_image",
    "png_bytes",
    "report_html",
    "summary_rows",
    "terminal_tables",
    "write_outputs",
]

REPORT_FILES = ("report.html", "overlay.png", "histogram.png")

#: Overlay colours (RGB): measured cells, cut cells, rejected profiles, region edge, openings.
MEASURED = (40, 230, 40)
CUT = (255, 120, 30)
REJECTED = (230, 40, 230)
REGION = (60, 140, 255)
OPENING = (255, 235, 0)


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.{digits}g}"


def _length(analysis: Analysis, px: float | None, digits: int = 3) -> str:
    if px is None or not math.isfinite(px):
        return "-"
    um = analysis.um(px)
    return f"{um:.{digits}g} um" if um is not None else f"{px:.{digits}g} px"


def summary_rows(analysis: Analysis) -> list[tuple[str, str]]:
    """(quantity, value) rows shared by the terminal table and the HTML report."""
    a = analysis
    src = a.source
    dims = " x ".join(str(s) for s in (src.data.shape[::-1] if src.ndim == 2 else src.data.shape))
    colour = f", {src.colour} converted to grey" if src.colour else ""
    rows = [
        ("file", f"{src.path.name} ({src.file_format}, {src.dtype}{colour}, {dims} px)"),
        ("kind", a.kind),
    ]
    if a.pixel_size_m is None:
        rows.append(("pixel size", "unknown: sizes in pixels"))
    else:
        rows.append(("pixel size", f"{a.pixel_size_m * 1e6:.4g} um ({a.pixel_size_source})"))
    threshold = "-" if a.threshold is None else f"{a.threshold:.4g}"
    rows.append(("threshold (grey level)", f"{threshold} ({a.threshold_method})"))
    s = a.section
    if s is not None:
        seg = s.segmentation
        rows.append(
            (
                "info bar",
                "none found" if a.info_bar_row is None else f"cropped from row {a.info_bar_row}",
            )
        )
        top, bottom = s.region_rows
        rows.append(
            (
                "membrane region",
                f"rows {top}-{bottom}, {100 * seg.region.mean():.0f} % of the image, "
                f"thickness {_length(a, s.region_thickness_px, 4)}",
            )
        )
        rows.append(
            (
                "cells",
                f"{seg.measured.size} measured (whole); {seg.cut.size} cut by the border or "
                f"region edge; {seg.rejected.size} profiles rejected as not cells",
            )
        )
        rows.append(
            (
                "section cell diameter (2-D ECD)",
                f"mean {_length(a, s.mean_px)} +- {_length(a, s.std_px)} (CV {s.cv:.2f}); "
                f"median {_length(a, s.median_px)}; d10-d90 {_length(a, s.d10_px)} - "
                f"{_length(a, s.d90_px)}",
            )
        )
        rows.append(("3-D mean cell diameter, (4/pi) x mean", _length(a, s.mean_3d_px)))
        if s.sphere_fit is not None:
            f = s.sphere_fit
            rows.append(
                (
                    "3-D log-normal fit (Wicksell)",
                    f"mean {_length(a, f.mean)} +- {_length(a, f.std)} (CV {f.cv:.2f})",
                )
            )
        if s.saltykov is not None:
            sal = s.saltykov
            rows.append(
                (
                    "3-D Saltykov unfolding (12 classes)",
                    f"mean {_length(a, sal.mean)} +- {_length(a, sal.std)} (CV {sal.cv:.2f})",
                )
            )
        rows.append(("void fraction of the section", f"{s.void_fraction:.3f}"))
        opening = (
            f"{s.opening_count} counted; {100 * s.cells_with_opening:.1f} % of the measured "
            f"cells show one"
        )
        if s.opening_count:
            opening += f"; mean diameter {_length(a, s.opening_mean_px, 2)}"
        rows.append(("visible wall openings", opening))
        rows.append(("open-cell fraction", "not determinable from a 2-D section"))
    if a.volume is not None:
        v = a.volume
        rows.append(("porosity (void voxel fraction)", f"{v.porosity:.4f}"))
        if v.cell_metrics is None:
            rows.append(("open cells, cell and window sizes", "no cells found in the volume"))
        else:
            for key, value in v.cell_metrics.items():
                if value is None and key.startswith("bubble_point"):
                    shown = "none: no open path crosses the volume"
                else:
                    shown = _fmt(float(value)) if isinstance(value, int | float) else str(value)
                rows.append((key, shown))
    rows.append(("pore size basis", a.size_basis))
    rows.append(("runtime", f"{a.runtime_s:.1f} s"))
    return rows


def terminal_tables(analysis: Analysis) -> list:
    """Rich tables for the terminal: the figures, then claims 1-3."""
    from rich.table import Table

    table = Table(title=f"Analysis: {analysis.source.path.name}", title_justify="left")
    table.add_column("quantity", no_wrap=True)
    table.add_column("value", overflow="fold")
    for name, value in summary_rows(analysis):
        table.add_row(name, value)
    claims = Table(title="Claims 1-3 on this measurement", title_justify="left")
    claims.add_column("claim", justify="right")
    claims.add_column("status", no_wrap=True)
    claims.add_column("evidence", overflow="fold")
    style = {MET: "green", NOT_MET: "red"}
    for c in analysis.claims:
        colour = style.get(c.status, "yellow")
        claims.add_row(str(c.claim), f"[{colour}]{c.status}[/]", c.evidence)
    return [table, claims]


def _outline(labels: NDArray) -> NDArray[np.bool_]:
    """Pixels of a labelled object whose 4-neighbour has another label."""
    padded = np.pad(labels, 1, mode="edge")
    centre = padded[1:-1, 1:-1]
    edge = np.zeros(labels.shape, dtype=bool)
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        edge |= (
            centre != padded[1 + dy : padded.shape[0] - 1 + dy, 1 + dx : padded.shape[1] - 1 + dx]
        )
    return edge & (labels > 0)


def overlay_image(analysis: Analysis) -> NDArray[np.uint8]:
    """RGB overlay of the analysed image: the outlines of the cells measured (green), cut
    (orange) and rejected (magenta), the membrane region's edge (blue), openings (yellow).

    For a volume: the middle slice along the first axis with the void outlined."""
    if analysis.section is not None:
        seg = analysis.section.segmentation
        grey = seg.image
        rgb = np.repeat((255 * grey).astype(np.uint8)[..., None], 3, axis=2)
        cells = seg.cells
        colour = np.zeros((int(cells.max()) + 1, 3), dtype=np.uint8)
        colour[seg.rejected] = REJECTED
        colour[seg.cut] = CUT
        colour[seg.measured] = MEASURED
        edge = _outline(cells)
        rgb[edge] = colour[cells[edge]]
        region_edge = _outline(seg.region.astype(np.int32))
        region_edge |= np.roll(region_edge, 1, axis=0) & seg.region  # 2 px: visible
        rgb[region_edge] = REGION
        rgb[seg.openings > 0] = OPENING
        return rgb
    vol = analysis.volume
    data = analysis.source.data
    k = data.shape[0] // 2
    plane = data[k].astype(np.float64)
    lo, hi = float(plane.min()), float(plane.max())
    grey = (plane - lo) / (hi - lo) if hi > lo else np.zeros_like(plane)
    rgb = np.repeat((255 * grey).astype(np.uint8)[..., None], 3, axis=2)
    edge = _outline(vol.void[k].astype(np.int32))
    rgb[edge] = MEASURED
    return rgb


def png_bytes(rgb: NDArray[np.uint8]) -> bytes:
    """An RGB array encoded as PNG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def histogram_png(analysis: Analysis) -> bytes | None:
    """Histograms of the section diameters (mean +- std marked) and of the unfolded 3-D sizes."""
    s = analysis.section
    if s is None:
        return None
    from matplotlib.figure import Figure  # no pyplot: no global backend state

    scale = analysis.pixel_size_m * 1e6 if analysis.pixel_size_m is not None else 1.0
    unit = "um" if analysis.pixel_size_m is not None else "px"
    d = s.diameters_px * scale
    fig = Figure(figsize=(10, 4), dpi=100, layout="constrained")
    ax, ax3 = fig.subplots(1, 2)
    ax.hist(d, bins=30, color="0.6", edgecolor="0.3")
    mean, std = s.mean_px * scale, s.std_px * scale
    ax.axvline(mean, color="C3", lw=2, label=f"mean {mean:.3g} {unit}")
    ax.axvspan(mean - std, mean + std, color="C3", alpha=0.15, label=f"+- std {std:.3g} {unit}")
    ax.set_xlabel(f"section cell diameter (equivalent circle), {unit}")
    ax.set_ylabel("cells")
    ax.set_title(f"2-D section: {d.size} whole cells, CV {s.cv:.2f}")
    ax.legend(frameon=False)
    d3 = s.mean_3d_px * scale
    if s.saltykov is not None:
        sal = s.saltykov
        edges = sal.class_edges * scale
        ax3.bar(
            edges[:-1],
            sal.sphere_fraction,
            width=np.diff(edges),
            align="edge",
            color="0.75",
            edgecolor="0.4",
            label="Saltykov unfolding",
        )
    if s.sphere_fit is not None:
        f = s.sphere_fit
        sigma2 = math.log1p(f.cv**2)
        mu = math.log(f.mean * scale) - sigma2 / 2
        x = np.linspace(1e-3, max(d.max(), 2 * f.mean * scale), 400)
        pdf = np.exp(-((np.log(x) - mu) ** 2) / (2 * sigma2)) / (
            x * math.sqrt(2 * math.pi * sigma2)
        )
        width = (s.saltykov.class_edges[1] * scale) if s.saltykov is not None else 1.0
        ax3.plot(x, pdf * width, color="C0", lw=2, label=f"log-normal fit, CV {f.cv:.2f}")
    ax3.axvline(d3, color="C3", lw=2, label=f"(4/pi) x mean = {d3:.3g} {unit}")
    ax3.set_xlabel(f"cell equivalent-sphere diameter, {unit}")
    ax3.set_ylabel("number fraction per class")
    ax3.set_title("3-D estimate from the section")
    ax3.legend(frameon=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _img(data: bytes, alt: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{encoded}">'


def report_html(analysis: Analysis, overlay: bytes, histogram: bytes | None) -> str:
    """The self-contained HTML report."""
    esc = html.escape
    rows = "".join(
        f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in summary_rows(analysis)
    )
    claim_rows = "".join(
        f'<tr><td>{c.claim}</td><td class="{esc(c.status)}">{esc(c.status.replace("_", " "))}'
        f"</td><td>{esc(c.evidence)}</td></tr>"
        for c in analysis.claims
    )
    notes = "".join(f"<li>{esc(n)}</li>" for n in analysis.notes)
    legend = (
        "Cell outlines: green = measured whole cells, orange = cut by the image border or the "
        "membrane region's edge (counted as void, not measured), magenta = rejected profiles "
        "(not cells); blue = edge of the membrane region; yellow = wall openings."
        if analysis.section is not None
        else "Middle slice of the volume, void outlined in green."
    )
    hist = "" if histogram is None else f"<h2>Cell sizes</h2>{_img(histogram, 'histograms')}"
    crop = (
        f" The instrument's info bar was cropped from row {analysis.info_bar_row}."
        if analysis.info_bar_row is not None
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>foamline analysis: {esc(analysis.source.path.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1300px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; white-space: nowrap; }}
td.met {{ color: #080; font-weight: bold; }} td.not_met {{ color: #b00; font-weight: bold; }}
td.not_determinable {{ color: #a60; font-weight: bold; }}
img {{ max-width: 100%; border: 1px solid #ccc; }}
p.small {{ font-size: 90%; color: #555; }}
</style></head><body>
<h1>foamline analysis: {esc(analysis.source.path.name)}</h1>
<p class="small">schema {esc("foamline.analysis/1")}; method and references in docs/imaging.md.</p>
<table>{rows}</table>
<h2>Claims 1-3 on this measurement</h2>
<p>Pore size basis: {esc(analysis.size_basis)}.</p>
<table><tr><th>claim</th><th>status</th><th>evidence</th></tr>{claim_rows}</table>
<h2>Segmentation</h2>
<p>{esc(legend)}{esc(crop)}</p>
{_img(overlay, "segmentation overlay")}
{hist}
<h2>Notes and limitations</h2>
<ul>{notes}</ul>
</body></html>
"""


def check_outputs(json_path: Path | None, out_dir: Path | None, force: bool) -> None:
    """Refuse, before any work, to replace existing output files without ``force``."""
    targets = [] if json_path is None else [json_path]
    if out_dir is not None:
        if out_dir.exists() and not out_dir.is_dir():
            raise ImageError(f"--out {out_dir} is a file, not a folder")
        targets += [out_dir / name for name in REPORT_FILES]
    for target in targets:
        if target.exists() and not force:
            raise ImageError(
                f"{target} already exists: choose another path or pass --force to replace it"
            )
    made = out_dir.resolve() if out_dir is not None else None  # --out creates its folder
    if (
        json_path is not None
        and not json_path.parent.exists()
        and json_path.parent.resolve() != made
    ):
        raise ImageError(f"cannot write {json_path}: the folder {json_path.parent} does not exist")


def write_outputs(
    analysis: Analysis, json_path: Path | None, out_dir: Path | None, force: bool
) -> list[Path]:
    """Write the JSON (``json_path``) and the report folder (``out_dir``); return the paths."""
    check_outputs(json_path, out_dir, force)
    written: list[Path] = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    if json_path is not None:
        json_path.write_text(json.dumps(analysis.to_dict(), indent=1))
        written.append(json_path)
    if out_dir is not None:
        overlay = png_bytes(overlay_image(analysis))
        histogram = histogram_png(analysis)
        (out_dir / "overlay.png").write_bytes(overlay)
        written.append(out_dir / "overlay.png")
        if histogram is not None:
            (out_dir / "histogram.png").write_bytes(histogram)
            written.append(out_dir / "histogram.png")
        (out_dir / "report.html").write_text(report_html(analysis, overlay, histogram))
        written.insert(0, out_dir / "report.html")
    return written
