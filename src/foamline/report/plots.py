"""Figures of one or several results (result JSON dicts), as embeddable PNG images.

Every function takes a list of ``(label, result_dict)`` pairs, so the same figure serves one
result (``foamline simulate``) and an overlay of several (``foamline compare``). Figures are
drawn with matplotlib's Agg backend (no display needed) and returned as base64 PNG text.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

Labelled = Sequence[tuple[str, dict[str, Any]]]
COLOURS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def png(fig: Any) -> str:
    """The figure as base64 PNG text; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _stations(results: Labelled) -> dict[str, int]:
    """Station name -> x position shared by all results (a missing unit leaves a gap)."""
    order: list[str] = []
    for _, r in results:
        names = [st["name"] for st in r["line"]["stations"]]
        for k, name in enumerate(names):
            if name not in order:
                after = [n for n in names[:k] if n in order]
                order.insert(order.index(after[-1]) + 1 if after else 0, name)
    return {name: i for i, name in enumerate(order)}


def _along(i: int, prof: dict[str, Any]) -> np.ndarray:
    """x of a unit's profile points: its station position plus the fraction of its length."""
    z = np.asarray(prof["z_m"])
    return i + z / (z[-1] or 1.0)


def _line_path(line: dict[str, Any], at: dict[str, int], of_profile, of_station):
    """x and y along the line: ``of_profile(profile)`` inside units with a profile, and
    ``of_station(station)`` (outlet, or inlet and outlet) for the others."""
    xs: list[float] = []
    ys: list[float] = []
    for st in line["stations"]:
        i = at[st["name"]]
        prof = line["profiles"].get(st["name"])
        if prof is not None:
            xs += list(_along(i, prof))
            ys += list(of_profile(prof))
        else:
            values = of_station(st)
            xs += [i, i + 1] if len(values) == 2 else [i + 1]
            ys += values
    return np.asarray(xs), np.asarray(ys, dtype=float)


def _station_axis(ax: Any, at: dict[str, int]) -> None:
    names = list(at)
    ax.set_xticks(np.arange(len(names)) + 0.5, names, rotation=20, ha="right", fontsize=8)
    for i in range(len(names) + 1):
        ax.axvline(i, color="0.85", lw=0.6, zorder=0)
    ax.set_xlim(0, len(names))


def line_profile(results: Labelled) -> str:
    """Pressure with the saturation pressure, and temperature with Tg, along the line."""
    fig, (ax_p, ax_t) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    at = _stations(results)
    for (label, r), colour in zip(results, COLOURS, strict=False):
        line = r["line"]
        x, p = _line_path(line, at, lambda f: f["P_bar"], lambda s: [s["P_in_bar"], s["P_bar"]])
        ax_p.plot(x, p, color=colour, label=f"{label}: P")
        sat = [
            (at[st["name"]] + 1, st["P_sat_bar"])
            for st in line["stations"]
            if st.get("P_sat_bar") is not None
        ]
        for name, prof in line["profiles"].items():
            ax_p.plot(_along(at[name], prof), prof["P_sat_bar"], color=colour, ls="--", lw=1)
            ax_t.plot(_along(at[name], prof), prof["Tg_C"], color=colour, ls=":", lw=1)
        if sat:
            ax_p.plot(*zip(*sat, strict=True), "v", color=colour, ms=5, label=f"{label}: P_sat")
        x, t = _line_path(line, at, lambda f: f["T_C"], lambda s: [s["T_in_C"], s["T_C"]])
        ax_t.plot(x, t, color=colour, label=f"{label}: T")
    ax_p.set_ylabel("pressure [bar]")
    ax_p.set_title("Pressure (solid), saturation pressure (dashed, triangles)", fontsize=10)
    ax_t.set_ylabel("temperature [C]")
    ax_t.set_title("Melt temperature (solid) and Tg of the gas-laden melt (dotted)", fontsize=10)
    ax_p.legend(fontsize=7)
    _station_axis(ax_t, at)
    return png(fig)


def dissolved_gas(results: Labelled) -> str:
    """Dissolved (solid) and undissolved (dashed) fluid along the line, wt% of polymer."""
    fig, ax = plt.subplots(figsize=(8, 3.6))
    at = _stations(results)
    k = 0
    for label, r in results:
        line = r["line"]
        for fluid in line["stations"][-1]["dissolved_wt_pct"]:
            colour = COLOURS[k % len(COLOURS)]
            k += 1
            for state, ls in (("dissolved_wt_pct", "-"), ("undissolved_wt_pct", "--")):
                xs, ys = _line_path(
                    line,
                    at,
                    lambda f, state=state, fluid=fluid: f[state].get(fluid, 0.0 * _along(0, f)),
                    lambda s, state=state, fluid=fluid: [s[state].get(fluid, 0.0)],
                )
                name = "dissolved" if ls == "-" else "undissolved"
                ax.plot(xs, ys, ls=ls, color=colour, label=f"{label}: {fluid} {name}")
    ax.set_ylabel("fluid [wt% of polymer]")
    ax.set_title("Blowing fluids along the line", fontsize=10)
    ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.3))
    _station_axis(ax, at)
    return png(fig)


def die_pressure_rate(results: Labelled) -> str:
    """Pressure and pressure-drop rate -dP/dt through the die land."""
    fig, (ax_p, ax_r) = plt.subplots(1, 2, figsize=(9, 3.4))
    for (label, r), colour in zip(results, COLOURS, strict=False):
        die = r["line"]["profiles"].get("die")
        if die is None:
            continue
        z = np.asarray(die["z_m"]) * 1e3
        t = np.asarray(die["t_s"])
        p = np.asarray(die["P_bar"])
        rate = -np.gradient(p * 1e5, t) / 1e9
        ax_p.plot(z, p, color=colour, label=label)
        ax_p.plot(z, die["P_sat_bar"], color=colour, ls="--", lw=1)
        ax_r.plot(z, rate, color=colour, label=label)
    ax_p.set(xlabel="position in the land [mm]", ylabel="pressure [bar]")
    ax_p.set_title("Die: P (solid) and P_sat (dashed)", fontsize=10)
    ax_r.set(xlabel="position in the land [mm]", ylabel="-dP/dt [GPa/s]")
    ax_r.set_title("Pressure-drop rate", fontsize=10)
    ax_r.legend(fontsize=7)
    return png(fig)


def nucleation(results: Labelled) -> str:
    """Nucleation rate and the undepleted melt fraction over time from the die inlet."""
    fig, ax = plt.subplots(figsize=(8, 3.6))
    twin = ax.twinx()
    for (label, r), colour in zip(results, COLOURS, strict=False):
        nuc = (r.get("foam") or {}).get("nucleation")
        if not nuc:
            continue
        t = np.asarray(nuc["t_s"]) * 1e3
        rate = np.asarray(nuc["rate_per_cm3_s"], dtype=float)
        ax.semilogy(t, np.where(rate > 0, rate, np.nan), color=colour, label=label)
        twin.plot(t, nuc["undepleted_fraction"], color=colour, ls="--", lw=1)
    top = max((np.nanmax(line.get_ydata()) for line in ax.get_lines()), default=np.nan)
    if np.isfinite(top):
        ax.set_ylim(top * 1e-15, top * 10)  # the burst, not the tails of 1e-200
    ax.set(xlabel="time from the die inlet [ms]", ylabel="nucleation rate [cm^-3 s^-1]")
    twin.set_ylabel("undepleted melt fraction (dashed)")
    twin.set_ylim(0, 1.05)
    ax.set_title("Nucleation: CNT rate in the undepleted melt", fontsize=10)
    ax.legend(fontsize=7)
    return png(fig)


def growth(results: Labelled) -> str:
    """Cell diameter against time for a spread of cohorts (earliest born darkest)."""
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for (label, r), colour in zip(results, COLOURS, strict=False):
        curves = (r.get("foam") or {}).get("growth") or []
        for j, c in enumerate(curves):
            t = np.asarray(c["t_s"]) - c["birth_time_s"]
            keep = t > 0
            alpha = 1.0 - 0.7 * j / max(len(curves) - 1, 1)
            ax.loglog(
                t[keep],
                np.asarray(c["diameter_um"])[keep],
                color=colour,
                alpha=alpha,
                lw=1,
                label=label if j == 0 else None,
            )
    ax.set(xlabel="time since birth [s]", ylabel="cell diameter [um]")
    ax.set_title("Cohort growth (first-born darkest)", fontsize=10)
    ax.legend(fontsize=7)
    return png(fig)


def size_histograms(results: Labelled) -> str:
    """Cell and window diameters with mean +- std and the +-10 % band of claim 1."""
    fig, (ax_c, ax_w) = plt.subplots(1, 2, figsize=(9, 3.6))
    for (label, r), colour in zip(results, COLOURS, strict=False):
        dist = (r.get("membrane") or {}).get("distributions")
        if not dist:
            continue
        for ax, key in ((ax_c, "cell_diameters_um"), (ax_w, "window_diameters_um")):
            d = np.asarray(dist[key])
            if d.size == 0:
                ax.text(0.5, 0.5, "no open walls", ha="center", transform=ax.transAxes)
                continue
            mean, std = d.mean(), d.std(ddof=1) if d.size > 1 else 0.0
            ax.hist(d, bins=25, histtype="step", color=colour, density=True, label=label)
            ax.axvline(mean, color=colour, lw=1.5)
            ax.axvspan(mean - std, mean + std, color=colour, alpha=0.12)
            if ax is ax_c:
                ax.axvline(0.9 * mean, color=colour, ls=":", lw=1)
                ax.axvline(1.1 * mean, color=colour, ls=":", lw=1)
    ax_c.set(xlabel="cell diameter [um]", ylabel="probability density")
    ax_c.set_title("Cells: mean, +-std (shaded), +-10 % (dotted)", fontsize=10)
    ax_w.set(xlabel="window diameter [um]")
    ax_w.set_title("Windows (open walls)", fontsize=10)
    ax_c.legend(fontsize=7)
    return png(fig)


def cross_section(void: np.ndarray, labels: np.ndarray, voxel_um: float, title: str = "") -> str:
    """The middle slice of a membrane volume: void white, polymer dark, cell borders drawn.

    Walls thinner than a voxel are not in the voxels (the network keeps them on its face
    list); the cell borders of the labels show where they are.
    """
    k = void.shape[1] // 2
    cut, lab = void[:, k, :], labels[:, k, :]
    border = np.zeros_like(cut)
    border[:-1, :] |= lab[:-1, :] != lab[1:, :]
    border[:, :-1] |= lab[:, :-1] != lab[:, 1:]
    image = np.where(cut, 1.0, 0.15)
    image[border & cut] = 0.45
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    extent = (0, image.shape[1] * voxel_um, 0, image.shape[0] * voxel_um)
    ax.imshow(image, cmap="gray", vmin=0, vmax=1, origin="lower", extent=extent)
    ax.set(xlabel="[um]", ylabel="[um]")
    ax.set_title(title or "Virtual membrane, middle section", fontsize=10)
    return png(fig)


ALL = (line_profile, dissolved_gas, die_pressure_rate, nucleation, growth, size_histograms)
