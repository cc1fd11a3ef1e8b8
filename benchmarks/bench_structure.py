"""Timings, peak memory and accuracy of foamline.structure, printed as tables.

Every case runs in a fresh Python process (so "first call" includes everything a user pays and
the peak RSS is that of the case alone); each is repeated ``--repeat`` times and the median is
shown. Run: python benchmarks/bench_structure.py [--quick] [--repeat N]

Tables:
1. generator: time, peak RSS and accuracy (cell mean / CV / void fraction against the input)
   for 64^3, 128^3 and 200^3 voxels;
2. metrics on the generated 128^3 and 200^3 foams;
3. local thickness against the PoreSpy 3.2.0 timings of porespy-baseline.md, on images made
   with the baseline's own recipe (uniform seeds, radii N(r0, 0.1 r0), 4-D lifted Laguerre,
   walls = power gap below its 0.2 quantile, seed 0);
4. open-cell content versus the fraction of ruptured walls (structure-membrane.md section 2.5).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()

# PoreSpy 3.2.0 on the 2-core baseline VM (porespy-baseline.md): call 1 / call 2 seconds.
PORESPY_LT = {128: (3.53, 0.67), 256: (9.54, 6.38)}
PORESPY_IMPORT_S = 3.4


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _traced_peak_mb(call) -> float:  # noqa: ANN001
    """Peak memory allocated during ``call`` (numpy reports its buffers to tracemalloc)."""
    import tracemalloc

    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def _foam(n: int, ruptured: float = 0.2, seed: int = 1):  # noqa: ANN202
    from foamline.structure import generate_foam

    return generate_foam((20e-6, 2e-6), 0.8, ruptured, 1e-6, (n, n, n), seed=seed)


def baseline_image(n: int, n_cells: int, seed: int = 0) -> np.ndarray:
    """Closed Laguerre foam made with the recipe of porespy-baseline.md (not our generator)."""
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    pts = rng.random((n_cells, 3)) * n
    r0 = (3 * n**3 / (4 * np.pi * n_cells)) ** (1 / 3)
    w = rng.normal(r0, 0.1 * r0, n_cells) ** 2
    lifted = np.column_stack([pts, np.sqrt(w.max() - w)])
    tree = cKDTree(lifted)
    gap = np.empty(n**3, dtype=np.float32)
    axis = np.arange(n) + 0.5
    for k in range(n):  # one x-slice at a time
        g = np.stack(np.meshgrid([axis[k]], axis, axis, indexing="ij"), -1).reshape(-1, 3)
        d, _ = tree.query(np.column_stack([g, np.zeros(len(g))]), k=2, workers=2)
        gap[k * n * n : (k + 1) * n * n] = d[:, 1] ** 2 - d[:, 0] ** 2
    return (gap > np.quantile(gap, 0.2)).reshape(n, n, n)


def run_case(name: str, n: int) -> dict:
    """One measurement in this (fresh) process."""
    t0 = time.perf_counter()
    import foamline.structure as fs

    out: dict = {"import_s": time.perf_counter() - t0, "rss_import_mb": _rss_mb()}
    if name == "generate":
        t = time.perf_counter()
        foam = _foam(n)
        out["time_s"] = time.perf_counter() - t
        out["rss_gen_mb"] = _rss_mb() - out["rss_import_mb"]
        sizes = fs.cell_size_distribution(
            foam.labels,
            foam.voxel_size_m,
            periodic_axes=foam.periodic_axes,
            exclude_labels=np.flatnonzero(foam.cut) + 1,
        )
        out |= {
            "cells": foam.n_cells,
            "uncut": sizes.n,
            "mean_err": sizes.mean_m / 20e-6 - 1,
            "cv": sizes.cv,
            "void": fs.porosity(foam.void),
            "wall_vox": foam.truth.wall_thickness_m / foam.voxel_size_m,
            "z": foam.truth.mean_coordination,
        }
    elif name.startswith("metric:"):
        foam = _foam(n)
        metric = name.split(":", 1)[1]
        calls = {
            "porosity": lambda: fs.porosity(foam.void),
            "open_cell_fraction": lambda: fs.open_cell_fraction(
                foam.void, foam.labels, periodic_axes=foam.periodic_axes
            ),
            "cell_size_distribution": lambda: fs.cell_size_distribution(
                foam.labels, 1e-6, periodic_axes=foam.periodic_axes
            ),
            "window_size_distribution": lambda: fs.window_size_distribution(foam),
            "local_thickness": lambda: fs.local_thickness(foam.void, 1e-6),
            "chord_length_distribution": lambda: fs.chord_length_distribution(
                foam.void, 1e-6, axis=2
            ),
        }
        t = time.perf_counter()
        calls[metric]()
        out["time_s"] = time.perf_counter() - t
        out["peak_mb"] = _traced_peak_mb(calls[metric])
    elif name == "lt_baseline":
        im = baseline_image(n, 150 if n == 128 else 1000)
        t = time.perf_counter()
        dt = fs.distance_transform(im)
        t_dt = time.perf_counter() - t
        lt = fs.local_thickness(im, 1.0, dt=dt)
        out["call1_s"] = time.perf_counter() - t
        out["edt_s"] = t_dt
        t = time.perf_counter()
        fs.local_thickness(im, 1.0)
        out["call2_s"] = time.perf_counter() - t
        out["peak_mb"] = _traced_peak_mb(lambda: fs.local_thickness(im, 1.0))
        out["lt_max"] = float(lt.max())
        out["lt_mean"] = float(lt[im].mean())
        out["void"] = float(im.mean())
    out["rss_peak_mb"] = _rss_mb()
    return out


def measure(name: str, n: int, repeat: int) -> dict:
    """Median over ``repeat`` fresh processes."""
    runs = []
    for _ in range(repeat):
        res = subprocess.run(
            [sys.executable, str(HERE), "--case", name, str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
    merged = {}
    for key in runs[0]:
        values = [r[key] for r in runs]
        merged[key] = statistics.median(values) if isinstance(values[0], float) else values[0]
        if key.endswith("_s"):
            merged[key + "_range"] = (min(values), max(values))
    return merged


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(f"\n{title}")
        print(" | ".join(columns))
        for row in rows:
            print(" | ".join(row))
        return
    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c, justify="right" if c != columns[0] else "left")
    for row in rows:
        table.add_row(*row)
    Console(width=max(160, Console().width)).print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="64^3 and 128^3 only, 1 repeat")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case[0], int(args.case[1]))))
        return
    repeat = 1 if args.quick else args.repeat
    sizes = (64, 128) if args.quick else (64, 128, 200)

    rows = []
    for n in sizes:
        r = measure("generate", n, repeat)
        lo, hi = r["time_s_range"]
        rows.append(
            [
                f"{n}^3",
                f"{r['time_s']:.2f} [{lo:.2f}-{hi:.2f}]",
                f"{r['rss_gen_mb']:.0f}",
                f"{r['cells']}",
                f"{r['uncut']}",
                f"{r['mean_err']:+.2%}",
                f"{r['cv']:.3f}",
                f"{r['void']:.4f}",
                f"{r['wall_vox']:.2f}",
                f"{r['z']:.2f}",
            ]
        )
    _table(
        "generate_foam((20 um, 2 um), void 0.8, ruptured 0.2, voxel 1 um): median of "
        f"{repeat} fresh processes",
        [
            "grid",
            "time [s]",
            "RSS above import [MB]",
            "cells",
            "uncut",
            "mean err",
            "CV (0.100)",
            "void (0.8)",
            "wall [vox]",
            "mean z",
        ],
        rows,
    )

    rows = []
    metrics = [
        "porosity",
        "open_cell_fraction",
        "cell_size_distribution",
        "window_size_distribution",
        "local_thickness",
        "chord_length_distribution",
    ]
    for metric in metrics:
        row = [metric]
        for n in sizes[1:]:
            r = measure(f"metric:{metric}", n, repeat)
            row += [f"{r['time_s']:.3f}", f"{r['peak_mb']:.0f}"]
        rows.append(row)
    cols = ["metric"]
    for n in sizes[1:]:
        cols += [f"{n}^3 [s]", f"{n}^3 peak alloc [MB]"]
    _table(f"Metrics on the generated foam (median of {repeat})", cols, rows)

    rows = []
    for n in (128,) if args.quick else (128, 256):
        r = measure("lt_baseline", n, repeat)
        p1, p2 = PORESPY_LT[n]
        rows.append(
            [
                f"{n}^3",
                f"{r['edt_s']:.2f}",
                f"{r['call1_s']:.2f}",
                f"{r['call2_s']:.2f}",
                f"{r['import_s']:.2f}",
                f"{p1:.2f}",
                f"{p2:.2f}",
                f"{PORESPY_IMPORT_S:.1f}",
                f"{r['peak_mb']:.0f}",
                f"{r['lt_max']:.0f} / {r['lt_mean']:.2f}",
            ]
        )
    _table(
        "local_thickness vs PoreSpy 3.2.0 'bf' (baseline recipe image, void 0.80)",
        [
            "grid",
            "EDT [s]",
            "call 1 [s]",
            "call 2 [s]",
            "import [s]",
            "PoreSpy call 1",
            "PoreSpy call 2",
            "PoreSpy import",
            "peak alloc [MB]",
            "LT max / mean [vox]",
        ],
        rows,
    )

    import foamline.structure as fs

    foam = _foam(128, 0.2, seed=7)
    table = fs.wall_rupture_table(
        foam, tuple(fs.RUPTURE_REFERENCE_TABLE), n_realisations=200, seed=1
    )
    rows = []
    for row in table:
        p = row.ruptured_fraction
        image = fs.open_cell_fraction(
            *(lambda f: (f.void, f.labels))(_foam(128, p, seed=7)), periodic_axes=(0, 1)
        )
        ref = fs.RUPTURE_REFERENCE_TABLE[p]
        rows.append(
            [
                f"{p:.2f}",
                f"{row.accessible:.3f} ({ref[0]:.2f})",
                f"{image.corrected:.3f}",
                f"{row.no_ruptured_wall:.3f} ({ref[1]:.2f})",
                f"{row.ruptured_walls_ge1:.3f}",
                f"{row.ruptured_walls_ge2:.3f}",
                f"{row.binomial_ge2:.3f}",
                f"{ref[2]:.2f}",
                f"{row.ruptured_walls_ge2 - ref[2]:+.3f}",
            ]
        )
    _table(
        f"Open cells vs ruptured walls: 128^3 slab, {foam.truth.n_interior_cells} uncut cells, "
        f"mean z {foam.truth.mean_coordination:.2f}; 200 draws (section 2.5 value in brackets)",
        [
            "p",
            "accessible cells",
            "pycnometer (image)",
            "0 ruptured",
            ">=1",
            ">=2 (MC)",
            ">=2 binomial own z",
            ">=2 table",
            "MC - table",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
