"""Claims 1-3 of the patent held against a measured membrane.

1. open cells >= 80 %, void fraction >= 75 %, pore-size standard deviation <= 10 % of the mean;
2. claim 1 with a mean pore diameter of 0.05-30 um (microfiltration);
3. claim 1 with a mean pore diameter of more than 30 up to 200 um (macrofiltration).

Each criterion is met, not met, or not determinable from the measurement (an open-cell fraction
cannot be measured on a 2-D section: whether a wall is open is decided in the third dimension).
The limits are those of :mod:`foamline.claims` (one place for them); this module adds only the
third verdict, ``not_determinable``, which a simulated or declared membrane never needs.
A claim is not met when one of its criteria is not met, not determinable when none fails but one
cannot be judged, and met otherwise. Claims 2 and 3 depend on claim 1 ("the membrane of
claim 1 with ..."), so they inherit its verdict when their own range is met.
"""

from __future__ import annotations

from dataclasses import dataclass

from foamline.claims import OPEN_CELL_MIN, SPREAD_MAX, VOID_FRACTION_MIN
from foamline.membrane.performance import MACROFILTRATION_UM, MICROFILTRATION_UM

__all__ = [
    "MET",
    "NOT_DETERMINABLE",
    "NOT_MET",
    "ClaimCheck",
    "Criterion",
    "evaluate_membrane_claims",
]

MET, NOT_MET, NOT_DETERMINABLE = "met", "not_met", "not_determinable"


@dataclass(frozen=True)
class Criterion:
    """One limit of a claim: what was measured, the limit, and the verdict."""

    name: str
    status: str
    evidence: str


@dataclass(frozen=True)
class ClaimCheck:
    """A claim's verdict (``met``, ``not_met`` or ``not_determinable``) and its evidence."""

    claim: int
    status: str
    evidence: str
    criteria: tuple[Criterion, ...]

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "claim": self.claim,
            "status": self.status,
            "evidence": self.evidence,
            "criteria": [c.__dict__ for c in self.criteria],
        }


def _combine(criteria: list[Criterion]) -> str:
    statuses = {c.status for c in criteria}
    if NOT_MET in statuses:
        return NOT_MET
    if NOT_DETERMINABLE in statuses:
        return NOT_DETERMINABLE
    return MET


def evaluate_membrane_claims(
    *,
    void_fraction: float | None,
    open_cell_fraction: float | None,
    open_cell_reason: str,
    pore_diameter_um: float | None,
    pore_cv: float | None,
    size_basis: str,
    size_reason: str = "no pore size was measured",
    spread_reason: str | None = None,
) -> list[ClaimCheck]:
    """Claims 1-3 on measured values; None marks a quantity the measurement cannot give.

    Parameters
    ----------
    void_fraction, open_cell_fraction : 0-1.
    open_cell_reason : why the open-cell fraction is missing, when it is.
    pore_diameter_um : the mean pore diameter the claims use, um.
    pore_cv : standard deviation / mean of that pore size.
    size_basis : which size that is, stated in every size criterion.
    size_reason : why the pore size is missing, when it is.
    spread_reason : why its spread is missing, when it is (default: ``size_reason``).

    Examples
    --------
    >>> checks = evaluate_membrane_claims(void_fraction=0.8, open_cell_fraction=None,
    ...     open_cell_reason="not determinable from a 2-D section", pore_diameter_um=7.0,
    ...     pore_cv=0.05, size_basis="cell diameter")
    >>> [(c.claim, c.status) for c in checks]
    [(1, 'not_determinable'), (2, 'not_determinable'), (3, 'not_met')]
    """
    c1: list[Criterion] = []
    if open_cell_fraction is None:
        c1.append(Criterion("open cells >= 80 %", NOT_DETERMINABLE, open_cell_reason))
    else:
        ok = open_cell_fraction >= OPEN_CELL_MIN
        c1.append(
            Criterion(
                "open cells >= 80 %",
                MET if ok else NOT_MET,
                f"open-cell fraction {100 * open_cell_fraction:.1f} %",
            )
        )
    if void_fraction is None:
        c1.append(Criterion("void fraction >= 75 %", NOT_DETERMINABLE, "not measured"))
    else:
        ok = void_fraction >= VOID_FRACTION_MIN
        c1.append(
            Criterion(
                "void fraction >= 75 %",
                MET if ok else NOT_MET,
                f"void fraction {100 * void_fraction:.1f} %",
            )
        )
    if pore_cv is None:
        c1.append(
            Criterion(
                "pore size std <= 10 % of mean", NOT_DETERMINABLE, spread_reason or size_reason
            )
        )
    else:
        ok = pore_cv <= SPREAD_MAX
        c1.append(
            Criterion(
                "pore size std <= 10 % of mean",
                MET if ok else NOT_MET,
                f"std / mean = {100 * pore_cv:.1f} % ({size_basis})",
            )
        )
    claim1 = ClaimCheck(
        1, _combine(c1), "; ".join(f"{c.name}: {c.evidence}" for c in c1), tuple(c1)
    )
    checks = [claim1]
    for claim, (lo, hi), label, lower_open in (
        (2, MICROFILTRATION_UM, "microfiltration 0.05-30 um", False),
        (3, MACROFILTRATION_UM, "macrofiltration > 30-200 um", True),
    ):
        name = f"mean pore diameter in {label}"
        if pore_diameter_um is None:
            own = Criterion(name, NOT_DETERMINABLE, size_reason)
        else:
            inside = (pore_diameter_um > lo if lower_open else pore_diameter_um >= lo) and (
                pore_diameter_um <= hi
            )
            own = Criterion(
                name,
                MET if inside else NOT_MET,
                f"mean pore diameter {pore_diameter_um:.3g} um ({size_basis})",
            )
        parent = Criterion("claim 1", claim1.status, f"claim 1 {claim1.status.replace('_', ' ')}")
        criteria = [own, parent]
        checks.append(
            ClaimCheck(
                claim,
                _combine(criteria),
                f"{own.name}: {own.evidence}; {parent.evidence}",
                tuple(criteria),
            )
        )
    return checks
