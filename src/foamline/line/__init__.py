"""The line: every apparatus unit of claims 12-17 acting on the melt, and the station profile.

``run_line(recipe) -> LineProfile``: stations at every unit's inlet and outlet, profiles inside
the heat exchanger and the die, the P(t), T(t) history of a melt parcel through the die for the
foaming model, and diagnostics in plain sentences.
"""

from foamline.line.run import LineProfile, run_line
from foamline.line.state import Diagnostic, MeltState, Profile, Station

__all__ = ["Diagnostic", "LineProfile", "MeltState", "Profile", "Station", "run_line"]
