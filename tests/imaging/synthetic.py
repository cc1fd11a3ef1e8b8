"""Synthetic SEM-like sections with known truth, drawn pixel by pixel.

Every image is returned with the label image it was drawn from, so the truth is exact:
label k > 0 marks the pixels of cell k's dark interior, 0 marks walls / matrix.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage as ndi

DARK, BRIGHT = 0.30, 0.80


def render(labels: NDArray, rng: np.random.Generator, noise: float = 0.05, blur: float = 0.8):
    """Grey 8-bit image: dark cell interiors, bright walls, optical blur and Gaussian noise."""
    grey = np.where(labels > 0, DARK, BRIGHT)
    grey = ndi.gaussian_filter(grey, blur) + rng.normal(0.0, noise, labels.shape)
    return np.clip(np.round(255 * grey), 0, 255).astype(np.uint8)


def poisson_disc(shape, spacing: float, rng: np.random.Generator, tries: int = 20000):
    """Random points at least ``spacing`` apart (dart throwing)."""
    pts: list[tuple[float, float]] = []
    arr = np.empty((0, 2))
    for _ in range(tries):
        p = rng.uniform((0, 0), shape)
        if arr.size and np.min(np.sum((arr - p) ** 2, axis=1)) < spacing**2:
            continue
        pts.append(tuple(p))
        arr = np.asarray(pts)
    return arr


def voronoi_foam(shape=(400, 400), spacing=30.0, wall_px=4.0, seed=0):
    """A closed-cell foam section: Voronoi cells of Poisson-disc seeds, walls ``wall_px`` thick.

    Returns (image uint8, labels of the cell interiors).
    """
    rng = np.random.default_rng(seed)
    seeds = poisson_disc(shape, spacing, rng)
    marks = np.zeros(shape, dtype=np.int64)
    idx = np.clip(np.round(seeds).astype(int), 0, np.array(shape) - 1)
    marks[idx[:, 0], idx[:, 1]] = np.arange(1, len(idx) + 1)
    _, (iy, ix) = ndi.distance_transform_edt(marks == 0, return_indices=True)
    owner = marks[iy, ix]
    # a pixel is wall when another seed is nearly as close: |d1 - d2| < wall thickness
    yy, xx = np.indices(shape)
    d1 = np.hypot(yy - seeds[owner - 1, 0], xx - seeds[owner - 1, 1])
    d2 = np.full(shape, np.inf)
    for k, (sy, sx) in enumerate(seeds, start=1):
        box = (
            slice(max(0, int(sy - 2 * spacing)), int(sy + 2 * spacing)),
            slice(max(0, int(sx - 2 * spacing)), int(sx + 2 * spacing)),
        )
        d = np.hypot(yy[box] - sy, xx[box] - sx)
        other = owner[box] != k
        d2[box] = np.where(other, np.minimum(d2[box], d), d2[box])
    # distance to the bisector between the two nearest seeds ~ (d2^2 - d1^2) / (2 |s1 - s2|);
    # (d2 - d1) / 2 is its first-order form, good enough for a drawn wall of uniform look
    labels = np.where((d2 - d1) / 2 >= wall_px / 2, owner, 0)
    return render(labels, rng), labels


def disc_packing(shape=(400, 400), mean_d=28.0, std_d=3.0, gap_px=(-3.0, 3.0), seed=0):
    """Dark discs of normally distributed diameters in a bright matrix, randomly packed.

    Neighbouring discs are ``gap_px`` apart, drawn uniformly in the given range: a negative
    gap makes two discs overlap (joined cells, separated only by the watershed).
    Returns (image uint8, labels of the discs, true diameters in px).
    """
    rng = np.random.default_rng(seed)
    centres, radii = [], []
    for _ in range(20000):
        r = 0.5 * max(rng.normal(mean_d, std_d), 6.0)
        c = rng.uniform((-r, -r), (shape[0] + r, shape[1] + r))
        if centres:
            gap = rng.uniform(*gap_px)
            dist = np.hypot(*(np.asarray(centres) - c).T) - np.asarray(radii) - r
            if np.min(dist) < gap:
                continue
        centres.append(c)
        radii.append(r)
    yy, xx = np.indices(shape)
    labels = np.zeros(shape, dtype=np.int64)
    best = np.full(shape, np.inf)
    for k, ((cy, cx), r) in enumerate(zip(centres, radii, strict=True), start=1):
        # overlapping discs split along their radical line: nearest in power distance
        power = (yy - cy) ** 2 + (xx - cx) ** 2 - r * r
        inside = (power <= 0) & (power < best)
        labels[inside] = k
        best = np.where(inside, power, best)
    return render(labels, rng), labels, 2 * np.asarray(radii)


def sphere_section(shape=(600, 600), mean_d=36.0, cv=0.08, fill=0.35, seed=0):
    """The plane z = 0 through a random packing of non-overlapping spheres.

    Sphere diameters are normal with the given mean and CV; each sphere whose centre lies
    within D/2 of the plane shows as a dark disc of diameter (D^2 - 4 z^2)^(1/2).
    Returns (image uint8, labels, sphere diameters of the whole population in px).
    """
    rng = np.random.default_rng(seed)
    depth = 4 * mean_d
    volume = shape[0] * shape[1] * depth
    n_target = int(fill * volume / (math.pi / 6 * mean_d**3))
    centres = np.empty((0, 3))
    diameters = np.empty(0)
    lo = np.array([0.0, 0.0, -depth / 2])
    hi = np.array([shape[0], shape[1], depth / 2])
    for _ in range(60 * n_target):
        if diameters.size >= n_target:
            break
        d = max(rng.normal(mean_d, cv * mean_d), 4.0)
        c = rng.uniform(lo, hi)
        if diameters.size:
            gap = np.sqrt(np.sum((centres - c) ** 2, axis=1)) - (diameters + d) / 2
            if np.min(gap) < 2.0:
                continue
        centres = np.vstack([centres, c])
        diameters = np.append(diameters, d)
    yy, xx = np.indices(shape)
    labels = np.zeros(shape, dtype=np.int64)
    hit = np.abs(centres[:, 2]) < diameters / 2
    for k, (c, d) in enumerate(zip(centres[hit], diameters[hit], strict=True), start=1):
        r2 = d * d / 4 - c[2] ** 2
        labels[(yy - c[0]) ** 2 + (xx - c[1]) ** 2 <= r2] = k
    return render(labels, rng), labels, diameters


def truth_diameters(labels: NDArray) -> NDArray:
    """Equivalent-circle diameters (px) of the drawn cells that do not touch the image border."""
    n = int(labels.max())
    area = np.bincount(labels.ravel(), minlength=n + 1)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    keep = np.ones(n + 1, dtype=bool)
    keep[0] = False
    keep[border] = False
    keep &= area > 0
    return np.sqrt(4 * area[keep] / math.pi)
