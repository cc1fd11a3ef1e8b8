"""One family of errors, each carrying a message a process engineer understands.

The CLI turns any :class:`FoamlineError` into its message and exit code 2; no traceback
reaches the user. A message names the field, the value and what is allowed.
"""

from __future__ import annotations


class FoamlineError(Exception):
    """Base class: bad input or an impossible request, explained in plain words."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems) if problems else [message]
        super().__init__(message)


class RecipeError(FoamlineError):
    """A recipe file that cannot be read, or a field that is missing, malformed or out of range.

    ``problems`` holds one sentence per problem found; the message is the first of them.
    """

    def __init__(self, problems: str | list[str]) -> None:
        problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(problems[0], problems)


class MaterialError(FoamlineError):
    """An unknown polymer or fluid, or a property asked of a material that lacks it."""


class InfeasibleProcess(FoamlineError):
    """Settings that no line can run: e.g. a fluid loading the melt cannot dissolve."""


class ImageError(FoamlineError):
    """An image or volume that cannot be read or analysed."""
