"""A 256^3 foam of about 1000 cells: generated and analysed, with time and peak memory per step.

Issue 5's target is <= 30 s and <= 4 GiB on 2 cores for generation plus analysis. PoreSpy 3.2.0
is shown beside the metrics both codes have: its figures recorded on this machine size in
porespy-baseline.md (a 256^3 closed Laguerre foam of 1000 cells, call 1 / call 2), and, when
PoreSpy is installed (``pip install -e '.[bench]'``), a live run on the same image. PoreSpy is
never a runtime dependency of foamline. Run: ``make bench`` (or python benchmarks/bench_rve.py).
"""

from __future__ import annotations

import resource
import time
import warnings

from rich.console import Console
from rich.table import Table

N = 256
TARGET_S, TARGET_GIB = 30.0, 4.0
# porespy-baseline.md, 256^3: (call 1, call 2) seconds
PORESPY_RECORDED = {
    "porosity": "0.072 / 0.045",
    "local thickness": "9.54 / 6.38",
    "pore network": "-",
    "open cells": "find_closed_pores: 0.72 / 0.26",
}


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main() -> None:
    from foamline.membrane.from_structure import network_from_structure
    from foamline.membrane.performance import performance
    from foamline.structure import (
        cell_size_distribution,
        chord_length_distribution,
        generate_foam,
        local_thickness,
        open_cell_fraction,
        porosity,
        window_size_distribution,
    )

    console = Console()
    rows: list[tuple[str, float, str]] = []
    results = {}

    def step(name: str, call) -> None:  # noqa: ANN001
        start = time.perf_counter()
        results[name] = call()
        rows.append((name, time.perf_counter() - start, f"{peak_gib():.2f}"))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        step(
            "generate",
            lambda: generate_foam((30e-6, 3e-6), 0.85, 0.3, 1e-6, (N, N, N), seed=1),
        )
    foam = results["generate"]
    step("porosity", lambda: porosity(foam.void))
    step("open cells", lambda: open_cell_fraction(foam.void, foam.labels, axis=2))
    step(
        "cell sizes",
        lambda: cell_size_distribution(foam.labels, 1e-6, periodic_axes=foam.periodic_axes),
    )
    step("window sizes", lambda: window_size_distribution(foam.void, foam.labels, 1e-6))
    step("chord lengths", lambda: chord_length_distribution(foam.void, 1e-6))
    step("pore network", lambda: performance(network_from_structure(foam), 0.85))
    step("local thickness", lambda: local_thickness(foam.void))

    total = sum(t for _, t, _ in rows)
    cells = int(foam.labels.max())
    table = Table(
        title=f"{N}^3 foam, {cells} cells, void {results['porosity']:.3f}, 30 % of walls open",
        title_justify="left",
    )
    for column in ("step", "foamline [s]", "peak RSS [GiB]", "PoreSpy 3.2.0 recorded [s]"):
        table.add_column(column, justify="right" if column != "step" else "left")
    for name, seconds, rss in rows:
        table.add_row(name, f"{seconds:.2f}", rss, PORESPY_RECORDED.get(name, "-"))
    verdict = "met" if total <= TARGET_S and peak_gib() <= TARGET_GIB else "NOT met"
    table.add_row(
        "total",
        f"{total:.1f}",
        f"{peak_gib():.2f}",
        f"target <= {TARGET_S:.0f} s, <= {TARGET_GIB:.0f} GiB: {verdict}",
    )
    console.print(table)
    console.print(
        f"open cells {results['open cells'].corrected:.3f}; cells "
        f"{results['cell sizes'].mean_m * 1e6:.1f} um (CV {results['cell sizes'].cv:.3f}); "
        f"water permeance {results['pore network'].permeance_lmh_bar:.3g} L/(m2 h bar)"
    )
    # the path of a measured uCT volume (foamline analyze), outside the target: it has to find
    # the cells and windows in the voxels, which the generated structure knows
    start = time.perf_counter()
    image = _image_network(foam.void)
    console.print(
        f"uCT path on the same image (watershed cells from h-maxima + their network): "
        f"{time.perf_counter() - start:.1f} s, peak {peak_gib():.2f} GiB, permeance "
        f"{image.permeance_lmh_bar:.3g} L/(m2 h bar); PoreSpy snow2 recorded 54.4 / 47.9 s"
    )
    _porespy_live(console, foam.void)


def _image_network(void):  # noqa: ANN001, ANN202
    """What a measured volume goes through: cells by watershed, then their network's flow."""
    from foamline.imaging.volume import segment_cells
    from foamline.membrane.extract import network_from_image
    from foamline.membrane.performance import performance

    labels = segment_cells(void)
    return performance(network_from_image(void, 1e-6, labels=labels), float(void.mean()))


def _porespy_live(console: Console, void) -> None:  # noqa: ANN001
    try:
        import porespy as ps
    except ImportError:
        console.print("PoreSpy not installed (pip install -e '.\\[bench]'): recorded figures only")
        return
    table = Table(title="PoreSpy on the same image (live)", title_justify="left")
    table.add_column("call")
    table.add_column("call 1 [s]", justify="right")
    table.add_column("call 2 [s]", justify="right")
    for name, call in (
        ("porosity", lambda: ps.metrics.porosity(void)),
        ("local_thickness", lambda: ps.filters.local_thickness(void)),
    ):
        times = []
        for _ in range(2):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        table.add_row(name, f"{times[0]:.2f}", f"{times[1]:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
