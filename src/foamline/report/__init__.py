"""Reports: a self-contained HTML page of a result or a comparison, with embedded plots.

``result_report(result)`` and ``compare_report(results)`` return the HTML text;
:mod:`.plots` draws the figures from result dicts (the result JSON), :mod:`.figures` names the
key figures shared by the terminal tables and the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from foamline.report import plots
from foamline.report.html import render
from foamline.simulate import Result


def _section(label: str, result: Result) -> list[tuple[str, str]]:
    m = result.membrane
    if m is None or m.structure is None:
        return []
    s = m.structure
    return [(label, plots.cross_section(s.void, s.labels, s.voxel_size_m * 1e6, label))]


def result_report(result: Result) -> str:
    """The HTML report of one simulation."""
    return render([(result.recipe.name, result.to_dict())], _section("virtual membrane", result))


def compare_report(results: Sequence[tuple[str, Result | dict]]) -> str:
    """The HTML comparison of several results (simulated, or read from result.json)."""
    dicts = [(label, r.to_dict() if isinstance(r, Result) else r) for label, r in results]
    sections = [s for label, r in results if isinstance(r, Result) for s in _section(label, r)]
    return render(dicts, sections)


__all__ = ["compare_report", "result_report"]
