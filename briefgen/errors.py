"""The one exception family of briefgen.

Every stage reports what is wrong with the user's input as `Problem`s: a
workspace-relative path, the line where the offending value starts, and a
message.  A stage that finds problems raises `BriefgenError` carrying all of
them, so that a user sees every mistake in one run.  The CLI turns that into
``path:line: message`` lines and exit code 1, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        if not self.path:
            return self.message
        if not self.line:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class BriefgenError(Exception):
    """Something in the user's input (or environment) stops the job."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("", 0, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
