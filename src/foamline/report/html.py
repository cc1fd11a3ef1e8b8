"""The self-contained HTML report of one result or a comparison of several.

Everything is in the one file: the figures are base64 PNG images, the style is inline. One
result gets its station table, diagnostics, key figures, claims with evidence, the plots and a
cross-section of its virtual membrane; several get their key figures and claim verdicts side by
side and the plots overlaid.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from foamline import __version__
from foamline.report import plots
from foamline.report.figures import KEY_FIGURES, claim_statuses, formatted

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { background: #e3f4e3; } .not_met { background: #fbe3e3; } .not_applicable { color: #888; }
.error { color: #b00; } .warning { color: #a60; } .info { color: #357; }
img { max-width: 100%; margin: 0.5em 0; } .small { color: #666; font-size: 0.85em; }
figure { display: inline-block; margin: 0.4em; }
"""

CLAIM_TITLES = {
    1: "membrane: >= 80 % open cells, >= 75 % void, pore std <= 10 % of mean",
    2: "1 + mean pore 0.05-30 um (microfiltration)",
    3: "1 + mean pore > 30-200 um (macrofiltration)",
    4: "1, 2 or 3 + reinforcement",
    5: "4 + polymer family",
    6: "method: preamble + two fluids of different diffusivity + second melt pump",
    7: "6 + cooled >= 50 K",
    8: "6 + > 150 bar",
    9: "6 + a liquid fluid",
    10: "6 + CO2 and water",
    11: "6 + polymer family",
    12: "apparatus: preamble + second melt pump",
    13: "12 + mixer in the exchanger",
    14: "13 + static mixer",
    15: "12 + metering pumps with hollow needles and plates",
    16: "15 + coolable pump heads",
    17: "12 + wide-slit die",
}


def _e(text: Any) -> str:
    return html.escape(str(text))


def _img(b64: str, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{b64}">'


def _key_table(results: Sequence[tuple[str, dict[str, Any]]]) -> str:
    head = "".join(f"<th>{_e(label)}</th>" for label, _ in results)
    rows = []
    for section, label, path, fmt in KEY_FIGURES:
        cells = "".join(f'<td class="num">{_e(formatted(r, path, fmt))}</td>' for _, r in results)
        rows.append(f"<tr><td>{section}</td><td>{_e(label)}</td>{cells}</tr>")
    return f"<table><tr><th></th><th>figure</th>{head}</tr>{''.join(rows)}</table>"


def _claims_table(results: Sequence[tuple[str, dict[str, Any]]]) -> str:
    statuses = [claim_statuses(r) for _, r in results]
    if len(results) == 1:
        rows = [
            f'<tr class="{c["status"]}"><td>{n}</td><td>{_e(CLAIM_TITLES[n])}</td>'
            f"<td>{_e(c['status'].replace('_', ' '))}</td><td>{_e(c['evidence'])}</td></tr>"
            for n, c in sorted(statuses[0].items())
        ]
        head = "<tr><th>claim</th><th>what it needs</th><th>status</th><th>evidence</th></tr>"
        return f"<table>{head}{''.join(rows)}</table>"
    head = "".join(f"<th>{_e(label)}</th>" for label, _ in results)
    rows = []
    for n in range(1, 18):
        cells = "".join(
            f'<td class="{s[n]["status"]}" title="{_e(s[n]["evidence"])}">'
            f"{_e(s[n]['status'].replace('_', ' '))}</td>"
            if n in s
            else "<td>-</td>"
            for s in statuses
        )
        rows.append(f"<tr><td>{n}</td><td>{_e(CLAIM_TITLES[n])}</td>{cells}</tr>")
    note = '<p class="small">Hover over a verdict for its evidence.</p>'
    return (
        f"{note}<table><tr><th>claim</th><th>what it needs</th>{head}</tr>{''.join(rows)}</table>"
    )


def _stations_table(result: dict[str, Any]) -> str:
    head = (
        "<tr><th>station</th><th>T in -> out [C]</th><th>P in -> out [bar]</th>"
        "<th>P_sat [bar]</th><th>residence [s]</th><th>dissolved [wt%]</th></tr>"
    )
    rows = []
    for st in result["line"]["stations"]:
        sat = "-" if st.get("P_sat_bar") is None else f"{st['P_sat_bar']:.0f}"
        dissolved = ", ".join(f"{k} {v:.3g}" for k, v in st["dissolved_wt_pct"].items())
        rows.append(
            f"<tr><td>{_e(st['name'])}</td>"
            f'<td class="num">{st["T_in_C"]:.1f} -> {st["T_C"]:.1f}</td>'
            f'<td class="num">{st["P_in_bar"]:.1f} -> {st["P_bar"]:.1f}</td>'
            f'<td class="num">{sat}</td><td class="num">{st["residence_s"]:.3g}</td>'
            f"<td>{_e(dissolved)}</td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _diagnostics(result: dict[str, Any]) -> str:
    items = [
        f'<li class="{_e(d["severity"])}">{_e(d["severity"])} - {_e(d["station"])}: '
        f"{_e(d['message'])}</li>"
        for d in result["line"]["diagnostics"]
    ]
    items += [f"<li>{_e(n)}</li>" for n in result.get("notes", [])]
    items += [f"<li>foam: {_e(n)}</li>" for n in (result.get("foam") or {}).get("notes", [])]
    return f"<ul>{''.join(items)}</ul>" if items else "<p>none</p>"


def render(
    results: Sequence[tuple[str, dict[str, Any]]],
    sections: Sequence[tuple[str, str]] = (),
    title: str | None = None,
) -> str:
    """The report HTML of one result, or of several compared; ``sections`` are (label, PNG)."""
    single = len(results) == 1
    name = title or (
        f"foamline: {results[0][1]['recipe_name']}" if single else "foamline: comparison"
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(name)}</title>",
        f"<style>{STYLE}</style></head><body><h1>{_e(name)}</h1>",
        f'<p class="small">foamline {__version__}, {stamp}; fidelity '
        f"{', '.join(sorted({_e(r['fidelity']) for _, r in results}))}.</p>",
    ]
    if single:
        result = results[0][1]
        parts += [
            "<h2>Line stations</h2>",
            _stations_table(result),
            "<h2>Diagnostics and notes</h2>",
            _diagnostics(result),
        ]
    else:
        parts.append("<h2>Recipes</h2><ul>")
        parts += [f"<li>{_e(label)}: {_e(r['recipe_name'])}</li>" for label, r in results]
        parts.append("</ul>")
    parts += ["<h2>Key figures</h2>", _key_table(results), "<h2>Claims 1-17</h2>"]
    parts.append(_claims_table(results))
    basis = {(r.get("membrane") or {}).get("pore_size_basis") for _, r in results} - {None}
    if basis:
        parts.append(
            f'<p class="small">Claims 1-3 are judged on the {", ".join(sorted(basis))} '
            "diameter (number-weighted equivalent-sphere diameters of the uncut cells of the "
            "representative volume); window and flow-equivalent sizes are listed beside it.</p>"
        )
    parts.append("<h2>Plots</h2>")
    for figure in plots.ALL:
        parts.append(_img(figure(results), figure.__name__))
    if sections:
        parts.append("<h2>Virtual membrane</h2>")
        parts += [f"<figure>{_img(b64, label)}</figure>" for label, b64 in sections]
    parts.append("</body></html>")
    return "\n".join(parts)
