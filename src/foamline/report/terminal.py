"""Rich tables of results and claim verdicts for the terminal (simulate, compare, check)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.markup import escape
from rich.table import Table

from foamline.claims import ClaimReport
from foamline.report.figures import KEY_FIGURES, claim_statuses, formatted
from foamline.report.html import CLAIM_TITLES

STATUS_STYLE = {"met": "green", "not_met": "red", "not_applicable": "dim"}


def key_figures(results: Sequence[tuple[str, dict[str, Any]]], sections=("foam", "membrane")):
    """Morphology and membrane figures, one column per result."""
    title = "Foam and membrane" if len(results) == 1 else "Side by side"
    table = Table(title=title, title_justify="left")
    table.add_column("figure")
    for label, _ in results:
        table.add_column(escape(label), justify="right", overflow="fold")
    for section, label, path, fmt in KEY_FIGURES:
        if section in sections:
            table.add_row(escape(label), *(formatted(r, path, fmt) for _, r in results))
    return table


def claims_table(report: ClaimReport, title: str = "Claims 1-17") -> Table:
    """Each claim with its status and evidence."""
    table = Table(title=title, title_justify="left")
    table.add_column("claim", justify="right")
    table.add_column("status")
    table.add_column("evidence (value, limit)", overflow="fold")
    for r in report.results:
        style = STATUS_STYLE[r.status]
        status = f"[{style}]{r.status.replace('_', ' ')}[/]"
        table.add_row(str(r.claim), status, escape(r.evidence))
    return table


def claims_matrix(results: Sequence[tuple[str, dict[str, Any]]]) -> Table:
    """Claim verdicts side by side."""
    table = Table(title="Claims", title_justify="left")
    table.add_column("claim", justify="right")
    table.add_column("what it needs", overflow="fold")
    for label, _ in results:
        table.add_column(escape(label))
    statuses = [claim_statuses(r) for _, r in results]
    for n in range(1, 18):
        cells = []
        for s in statuses:
            status = s[n]["status"] if n in s else "not_applicable"
            cells.append(f"[{STATUS_STYLE[status]}]{status.replace('_', ' ')}[/]")
        table.add_row(str(n), escape(CLAIM_TITLES[n]), *cells)
    return table
