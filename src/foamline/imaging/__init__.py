"""Characterising real membranes from images: SEM cross-sections (2-D) and tomography (3-D).

``foamline analyze IMAGE`` in Python::

    from foamline.imaging import analyze_file, write_outputs
    a = analyze_file("section.png", pixel_size_m="auto", scale_bar_m=100e-6)
    a.section.mean_px * a.pixel_size_m, a.section.void_fraction, a.claims
    write_outputs(a, json_path=None, out_dir=Path("report"), force=False)

Each step is usable alone: :func:`load_image`, :func:`find_info_bar`, :func:`find_scale_bar`,
:func:`segment_section`, :func:`sphere_diameter_from_sections`, :func:`fit_lognormal_spheres`,
:func:`saltykov_unfold`, :func:`analyze_volume`, :func:`evaluate_membrane_claims`.
Method, accuracy and references: docs/imaging.md.
"""

from foamline.imaging.analysis import (
    SCHEMA,
    Analysis,
    SectionAnalysis,
    analyze_file,
    parse_length_option,
)
from foamline.imaging.calibration import ScaleBar, find_info_bar, find_scale_bar
from foamline.imaging.claims import ClaimCheck, evaluate_membrane_claims
from foamline.imaging.load import LoadedImage, load_image, memory_budget_bytes
from foamline.imaging.report import (
    check_outputs,
    overlay_image,
    summary_rows,
    terminal_tables,
    write_outputs,
)
from foamline.imaging.section import SectionSegmentation, segment_section
from foamline.imaging.stereology import (
    SaltykovResult,
    SphereFit,
    fit_lognormal_spheres,
    saltykov_unfold,
    sphere_diameter_from_sections,
)
from foamline.imaging.volume import VolumeAnalysis, analyze_volume, volume_cell_metrics

__all__ = [
    "SCHEMA",
    "Analysis",
    "ClaimCheck",
    "LoadedImage",
    "SaltykovResult",
    "ScaleBar",
    "SectionAnalysis",
    "SectionSegmentation",
    "SphereFit",
    "VolumeAnalysis",
    "analyze_file",
    "analyze_volume",
    "check_outputs",
    "evaluate_membrane_claims",
    "find_info_bar",
    "find_scale_bar",
    "fit_lognormal_spheres",
    "load_image",
    "memory_budget_bytes",
    "overlay_image",
    "parse_length_option",
    "saltykov_unfold",
    "segment_section",
    "sphere_diameter_from_sections",
    "summary_rows",
    "terminal_tables",
    "volume_cell_metrics",
    "write_outputs",
]
