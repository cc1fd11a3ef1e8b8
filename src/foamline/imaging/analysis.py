"""``foamline analyze``: one image or volume in, the membrane's figures and claims 1-3 out.

:func:`analyze_file` reads the file, checks it, finds the pixel size (given, from the SEM scale
bar, or from TIFF metadata), crops the SEM info bar, runs the 2-D section analysis
(:mod:`foamline.imaging.section`) or the 3-D volume analysis (:mod:`foamline.imaging.volume`),
corrects the section sizes to 3-D (:mod:`foamline.imaging.stereology`) and evaluates claims 1-3
(:mod:`foamline.imaging.claims`). :meth:`Analysis.to_dict` is the ``foamline.analysis/1`` JSON.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from foamline.errors import ImageError
from foamline.imaging.calibration import ScaleBar, find_info_bar, find_scale_bar
from foamline.imaging.claims import ClaimCheck, evaluate_membrane_claims
from foamline.imaging.load import MIN_SIDE_2D, MIN_SIDE_3D, LoadedImage, load_image
from foamline.imaging.section import (
    MIN_DIAMETER_FRACTION,
    MIN_DIAMETER_PX,
    SectionSegmentation,
    segment_section,
)
from foamline.imaging.stereology import (
    SaltykovResult,
    SphereFit,
    fit_lognormal_spheres,
    saltykov_unfold,
    sphere_diameter_from_sections,
)
from foamline.imaging.volume import VolumeAnalysis, analyze_volume
from foamline.units import QuantityError, parse_quantity

__all__ = ["SCHEMA", "Analysis", "SectionAnalysis", "analyze_file", "parse_length_option"]

SCHEMA = "foamline.analysis/1"
SIZE_BASIS_2D = (
    "cell size: equivalent-sphere diameter of the cell interiors, number weighted; mean = "
    "(4/pi) x mean equivalent-circle diameter in the section (monodisperse spheres, Underwood "
    "1970); spread = CV of a log-normal sphere population fitted to the section diameters "
    "(Wicksell 1925)"
)
OPEN_CELLS_2D = "not determinable from a 2-D section"


def parse_length_option(text: str, option: str) -> float:
    """A length given on the command line (``'0.248 um'``, ``'100um'``) in metres.

    A bare number is refused: a pixel size of '0.25' could be um, nm or mm.

    >>> parse_length_option("0.25 um", "--pixel-size")
    2.5e-07
    """
    try:
        value = parse_quantity(text, "length")
    except QuantityError as exc:
        if "has no unit" in exc.reason:
            raise ImageError(
                f"{option} '{text}' has no unit: give a length such as '0.248 um' or '250 nm'"
            ) from None
        raise ImageError(exc.sentence(option)) from None
    if value <= 0:
        raise ImageError(f"{option} '{text}' must be a positive length, such as '0.248 um'")
    return value


@dataclass(frozen=True, eq=False)
class SectionAnalysis:
    """The figures of a 2-D section.

    Sizes are in pixels (``_px``); multiply by :attr:`Analysis.pixel_size_m` for metres.

    Attributes
    ----------
    segmentation : the segmented section (region, basins, cells, openings).
    diameters_px : equivalent-circle diameters of the measured (whole) cells.
    mean_px, std_px, cv, median_px, d10_px, d90_px : their number-weighted statistics (std
        with ddof = 1).
    mean_3d_px : (4/pi) x mean_px, the stereologically corrected mean cell diameter.
    sphere_fit : log-normal sphere population fitted to the section (None if < 20 cells).
    saltykov : Saltykov-unfolded sphere distribution (None if < 24 cells).
    void_fraction : void area / membrane-region area.
    region_rows : first and last image rows that the membrane region covers by more than half.
    region_thickness_px : median height of the region over the image columns.
    opening_count : wall openings counted (in cut cells too).
    cells_with_opening : fraction of the measured cells showing at least one opening.
    opening_mean_px : mean equivalent-circle diameter of the openings (nan if none).
    """

    segmentation: SectionSegmentation
    diameters_px: NDArray[np.float64]
    mean_px: float
    std_px: float
    cv: float
    median_px: float
    d10_px: float
    d90_px: float
    mean_3d_px: float
    sphere_fit: SphereFit | None
    saltykov: SaltykovResult | None
    void_fraction: float
    region_rows: tuple[int, int]
    region_thickness_px: float
    opening_count: int
    cells_with_opening: float
    opening_mean_px: float


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything ``foamline analyze`` found in one file."""

    source: LoadedImage
    kind: str
    pixel_size_m: float | None
    pixel_size_source: str
    info_bar_row: int | None
    scale_bar: ScaleBar | None
    threshold: float | None
    threshold_method: str
    section: SectionAnalysis | None
    volume: VolumeAnalysis | None
    claims: list[ClaimCheck]
    size_basis: str
    notes: list[str] = field(default_factory=list)
    runtime_s: float = 0.0

    def um(self, px: float | None) -> float | None:
        """A length in pixels converted to um (None without a pixel size)."""
        if px is None or self.pixel_size_m is None or not math.isfinite(px):
            return None
        return px * self.pixel_size_m * 1e6

    def to_dict(self) -> dict:
        """The ``foamline.analysis/1`` JSON document."""
        src = self.source
        out: dict = {
            "schema": SCHEMA,
            "image": {
                "path": str(src.path),
                "kind": self.kind,
                "format": src.file_format,
                "dtype": src.dtype,
                "converted_from": src.colour,
                "shape_px": list(src.data.shape),
                "info_bar_row": self.info_bar_row,
                "analysed_shape_px": (
                    list(self.section.segmentation.image.shape)
                    if self.section is not None
                    else list(src.data.shape)
                ),
            },
            "pixel_size_um": None if self.pixel_size_m is None else self.pixel_size_m * 1e6,
            "pixel_size_source": self.pixel_size_source,
            "scale_bar": None,
            "segmentation": {"threshold": self.threshold, "method": self.threshold_method},
        }
        if self.scale_bar is not None:
            sb = self.scale_bar
            out["scale_bar"] = {
                "length_px": sb.length_px,
                "kind": sb.kind,
                "ticks": sb.ticks,
                "row": sb.row,
                "x_start": sb.x_start,
                "x_end": sb.x_end,
            }
        if self.section is not None:
            out |= self._section_dict(self.section)
        if self.volume is not None:
            out["volume"] = {
                "porosity": self.volume.porosity,
                "cell_metrics": self.volume.cell_metrics,
            }
            out["membrane"] = {
                "void_fraction": self.volume.porosity,
                "open_cell_fraction": None,
                "mean_pore_diameter_um": None,
                "pore_diameter_std_um": None,
                "pore_size_basis": self.size_basis,
            }
        out["claims"] = [c.to_dict() for c in self.claims]
        out["notes"] = list(self.notes)
        out["runtime_s"] = round(self.runtime_s, 3)
        return out

    def _section_dict(self, s: SectionAnalysis) -> dict:
        seg = s.segmentation
        um = self.um
        fit = s.sphere_fit
        sal = s.saltykov
        pore_std_px = None if fit is None else fit.cv * s.mean_3d_px
        return {
            "region": {
                "rows": list(s.region_rows),
                "area_fraction_of_image": float(seg.region.mean()),
                "thickness_px": s.region_thickness_px,
                "thickness_um": um(s.region_thickness_px),
            },
            "cells": {
                "measured": int(seg.measured.size),
                "cut_by_border_or_region_edge": int(seg.cut.size),
                "rejected_not_cells": int(seg.rejected.size),
                "size": "equivalent-circle diameter of the cell interior in the section",
                "mean_diameter_px": s.mean_px,
                "diameter_std_px": s.std_px,
                "diameter_cv": s.cv,
                "median_diameter_px": s.median_px,
                "d10_px": s.d10_px,
                "d90_px": s.d90_px,
                "mean_diameter_um": um(s.mean_px),
                "diameter_std_um": um(s.std_px),
                "median_diameter_um": um(s.median_px),
                "d10_um": um(s.d10_px),
                "d90_um": um(s.d90_px),
                "diameters_px": [round(float(d), 3) for d in s.diameters_px],
            },
            "stereology": {
                "mean_diameter_3d_px": s.mean_3d_px,
                "mean_diameter_3d_um": um(s.mean_3d_px),
                "mean_method": "(4/pi) x mean section diameter (Underwood 1970)",
                "lognormal_fit": None
                if fit is None
                else {
                    "mean_um": um(fit.mean),
                    "std_um": um(fit.std),
                    "mean_px": fit.mean,
                    "std_px": fit.std,
                    "cv": fit.cv,
                    "detection_limit_px": fit.d_min,
                },
                "saltykov": None
                if sal is None
                else {
                    "class_upper_edges_px": [float(x) for x in sal.class_edges[1:]],
                    "sphere_fraction": [float(x) for x in sal.sphere_fraction],
                    "mean_px": sal.mean,
                    "std_px": sal.std,
                    "cv": sal.cv,
                },
            },
            "void_fraction": s.void_fraction,
            "openings": {
                "count": s.opening_count,
                "fraction_of_cells_with_opening": s.cells_with_opening,
                "mean_diameter_px": None if s.opening_count == 0 else s.opening_mean_px,
                "mean_diameter_um": None if s.opening_count == 0 else um(s.opening_mean_px),
                "per_mm2": None
                if self.pixel_size_m is None
                else s.opening_count / (seg.region.sum() * (self.pixel_size_m * 1e3) ** 2),
            },
            "membrane": {
                "void_fraction": s.void_fraction,
                "open_cell_fraction": None,
                "open_cell_note": OPEN_CELLS_2D,
                "mean_pore_diameter_um": um(s.mean_3d_px),
                "pore_diameter_std_um": um(pore_std_px),
                "pore_size_basis": self.size_basis,
                "thickness_um": um(s.region_thickness_px),
            },
        }


def _check_content(data: NDArray, path: Path) -> None:
    """Refuse an empty, tiny, non-finite or constant image with one sentence."""
    if data.size == 0:
        raise ImageError(
            f"{path} holds an empty image (shape {data.shape}): there is nothing to analyse"
        )
    smallest = MIN_SIDE_2D if data.ndim == 2 else MIN_SIDE_3D
    if min(data.shape) < smallest:
        dims = " x ".join(str(s) for s in data.shape)
        noun = "pixel" if data.size == 1 else "pixels" if data.ndim == 2 else "voxels"
        need = " x ".join([str(smallest)] * data.ndim)
        raise ImageError(
            f"{path} is {dims} {noun}: too small to hold a cell with its walls; an image must be "
            f"at least {need} {'pixels' if data.ndim == 2 else 'voxels'}"
        )
    if data.dtype.kind == "f" and not np.all(np.isfinite(data)):
        raise ImageError(f"{path} contains values that are not finite numbers (NaN or infinity)")
    lo, hi = data.min().item(), data.max().item()
    if lo == hi:
        raise ImageError(
            f"{path} is a constant image (every pixel is {lo:g}): there is no structure to analyse"
            if data.dtype != np.bool_
            else f"{path} is all {'void' if lo else 'solid'}: there is no structure to analyse"
        )


def analyze_file(
    path: str | Path,
    *,
    pixel_size_m: float | str | None = None,
    scale_bar_m: float | None = None,
    threshold: float | None = None,
    shape: str | tuple[int, ...] | None = None,
    dtype: str | None = None,
) -> Analysis:
    """Analyse one SEM image or tomography volume.

    Parameters
    ----------
    path : the image or volume file (see :mod:`foamline.imaging.load` for the formats).
    pixel_size_m : pixel edge length, m; ``'auto'`` to measure the SEM scale bar (then
        ``scale_bar_m`` is the bar's labelled length, m); None to use the file's metadata.
    threshold : grey threshold in the image's own grey levels (e.g. 0-255); void is at or
        below it. None for the automatic method.
    shape, dtype : for raw volumes only.

    Raises
    ------
    ImageError
        for every bad input, with one sentence.
    """
    started = time.perf_counter()
    path = Path(path)
    auto = isinstance(pixel_size_m, str)
    if auto and pixel_size_m != "auto":
        raise ImageError(f"pixel size '{pixel_size_m}' is neither a length nor 'auto'")
    if auto and scale_bar_m is None:
        raise ImageError(
            "--pixel-size auto needs --scale-bar, the length written on the scale bar (e.g. "
            "--scale-bar 100um): foamline measures the bar but cannot read its label"
        )
    if scale_bar_m is not None and not auto:
        if pixel_size_m is not None:
            raise ImageError(
                "give either --pixel-size LENGTH or --pixel-size auto with --scale-bar, not both"
            )
        auto = True
    loaded = load_image(path, shape=shape, dtype=dtype)
    data = loaded.data
    _check_content(data, path)
    notes: list[str] = []
    if data.ndim == 3:
        if auto:
            raise ImageError(
                "--pixel-size auto measures an SEM scale bar, which a volume does not have: give "
                "the voxel size with --pixel-size, e.g. '2.5 um'"
            )
        return _analyze_volume(loaded, pixel_size_m, threshold, notes, started)

    bar_row = None if data.dtype == np.bool_ else find_info_bar(data)
    scale_bar = None
    if auto:
        if bar_row is None:
            raise ImageError(
                "--pixel-size auto: no instrument info bar was found at the bottom of the image, "
                "so there is no scale bar to measure: give --pixel-size with units, e.g. '0.25 um'"
            )
        scale_bar = find_scale_bar(data, bar_row)
        size = float(scale_bar_m) / scale_bar.length_px
        kind = f"{scale_bar.ticks} ticks" if scale_bar.kind == "ticks" else "a solid bar"
        source = (
            f"scale bar of {kind}, {scale_bar.length_px:.1f} px = "
            f"{float(scale_bar_m) * 1e6:g} um from --scale-bar"
        )
    elif pixel_size_m is not None:
        size, source = float(pixel_size_m), "--pixel-size"
    elif loaded.pixel_size_m is not None:
        size, source = loaded.pixel_size_m, loaded.pixel_size_note or "file metadata"
    else:
        size, source = None, "none"
        if loaded.pixel_size_note:
            notes.append(loaded.pixel_size_note)
        notes.append(
            "no pixel size: sizes are in pixels and claims 2-3 cannot be judged; give "
            "--pixel-size (e.g. '0.25 um') or --pixel-size auto --scale-bar 100um"
        )
    image = data[:bar_row] if bar_row is not None else data
    if bar_row is not None:
        _check_content(image, path)
    t01 = None
    lo = hi = None
    if threshold is not None and image.dtype != np.bool_:
        lo, hi = float(image.min()), float(image.max())
        if not lo < threshold < hi:
            raise ImageError(
                f"--threshold {threshold:g} is outside the grey levels of the image "
                f"({lo:g}-{hi:g}): give a value between them"
            )
        t01 = (threshold - lo) / (hi - lo)
    seg = segment_section(image, t01)
    notes.extend(seg.notes)
    if image.dtype == np.bool_:
        native, method = None, "pre-segmented (True = void)"
    else:
        lo, hi = float(image.min()), float(image.max())
        native, method = lo + seg.threshold * (hi - lo), seg.threshold_method
    section = _section_figures(seg)
    um = 1e6 * size if size is not None else None
    pore_um = None if um is None else section.mean_3d_px * um
    claims = evaluate_membrane_claims(
        void_fraction=section.void_fraction,
        open_cell_fraction=None,
        open_cell_reason=OPEN_CELLS_2D,
        pore_diameter_um=pore_um,
        pore_cv=None if section.sphere_fit is None else section.sphere_fit.cv,
        size_basis="cell equivalent-sphere diameter from the section",
        size_reason="no pixel size",
        spread_reason="too few whole cells to unfold the size spread",
    )
    notes.append(
        "the section void fraction equals the volume fraction only for a planar, isotropic "
        "random section; in a secondary-electron image the bright rims are wider than the walls "
        "(edge effect), so the void fraction tends to be low"
    )
    return Analysis(
        source=loaded,
        kind="2-D section",
        pixel_size_m=size,
        pixel_size_source=source,
        info_bar_row=bar_row,
        scale_bar=scale_bar,
        threshold=native,
        threshold_method=method,
        section=section,
        volume=None,
        claims=claims,
        size_basis=SIZE_BASIS_2D,
        notes=notes,
        runtime_s=time.perf_counter() - started,
    )


def _section_figures(seg: SectionSegmentation) -> SectionAnalysis:
    d = seg.diameters_px()
    mean = float(d.mean())
    std = float(d.std(ddof=1)) if d.size > 1 else 0.0
    d_min = max(MIN_DIAMETER_PX, MIN_DIAMETER_FRACTION * float(np.median(d)))
    try:
        fit = fit_lognormal_spheres(d, d_min=d_min)
    except ValueError:
        fit = None
    try:
        sal = saltykov_unfold(d)
    except ValueError:
        sal = None
    region = seg.region
    rows = np.flatnonzero(region.mean(axis=1) > 0.5)
    if rows.size == 0:
        rows = np.flatnonzero(region.any(axis=1))
    heights = region.sum(axis=0)
    heights = heights[heights > 0]
    void = seg.void
    n_open = int(seg.opening_cells.size)
    with_opening = np.isin(seg.measured, seg.opening_cells).mean() if seg.measured.size else 0.0
    opening_area = np.bincount(seg.openings.ravel())[1:] if n_open else np.zeros(0)
    return SectionAnalysis(
        segmentation=seg,
        diameters_px=d,
        mean_px=mean,
        std_px=std,
        cv=std / mean,
        median_px=float(np.median(d)),
        d10_px=float(np.percentile(d, 10)),
        d90_px=float(np.percentile(d, 90)),
        mean_3d_px=sphere_diameter_from_sections(mean),
        sphere_fit=fit,
        saltykov=sal,
        void_fraction=float(void[region].mean()),
        region_rows=(int(rows[0]), int(rows[-1])),
        region_thickness_px=float(np.median(heights)) if heights.size else 0.0,
        opening_count=n_open,
        cells_with_opening=float(with_opening),
        opening_mean_px=float(np.sqrt(4 * opening_area / math.pi).mean()) if n_open else math.nan,
    )


def _analyze_volume(
    loaded: LoadedImage,
    pixel_size_m: float | None,
    threshold: float | None,
    notes: list[str],
    started: float,
) -> Analysis:
    data = loaded.data
    if threshold is not None and data.dtype != np.bool_:
        lo, hi = float(data.min()), float(data.max())
        if not lo <= threshold < hi:
            raise ImageError(
                f"--threshold {threshold:g} is outside the grey levels of the volume "
                f"({lo:g}-{hi:g}): give a value between them"
            )
    size = pixel_size_m if pixel_size_m is not None else loaded.pixel_size_m
    if pixel_size_m is not None:
        source = "--pixel-size"
    elif loaded.pixel_size_m is not None:
        source = loaded.pixel_size_note or "file metadata"
    else:
        source = "none"
    vol = analyze_volume(data, size, threshold)
    reason = "no cells were found in the volume"
    size_reason = reason if vol.cell_metrics is None else "no voxel size was given"
    if vol.cell_metrics is None:
        notes.append("no cells were found in the volume: porosity only")
    elif size is None:
        notes.append(
            "no voxel size (give --pixel-size or use a TIFF with resolution tags): sizes are in "
            "voxels, and permeance and bubble point are not computed"
        )
    metrics = vol.cell_metrics or {}
    mean_m = metrics.get("mean_cell_diameter_m")
    claims = evaluate_membrane_claims(
        void_fraction=vol.porosity,
        open_cell_fraction=metrics.get("open_cell_fraction"),
        open_cell_reason=reason,
        pore_diameter_um=None if mean_m is None or size is None else mean_m * 1e6,
        pore_cv=metrics.get("cell_diameter_cv"),
        size_basis="cell equivalent-sphere diameter",
        size_reason=size_reason,
        spread_reason=reason,
    )
    return Analysis(
        source=loaded,
        kind="3-D volume",
        pixel_size_m=size,
        pixel_size_source=source,
        info_bar_row=None,
        scale_bar=None,
        threshold=vol.threshold,
        threshold_method=vol.threshold_method,
        section=None,
        volume=vol,
        claims=claims,
        size_basis="cell equivalent-sphere diameter",
        notes=notes,
        runtime_s=time.perf_counter() - started,
    )
