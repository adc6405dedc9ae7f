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
    code: str = "error"  # a stable short name, documented in the README
    severity: str = "error"  # or "warning"
    subject: str = ""  # the id of the fact, reference or brief concerned, if any
    column: int = 0  # 0 when unknown
    # Where in the record the problem is, as a path of keys and indexes
    # ("facts[3].cite[0].ref"), so that a form can mark the field; for a
    # problem with a request rather than a file, the name of the setting
    # ("tag", "style").  Empty when unknown.
    field: str = ""
    # The name of a setting that would change the outcome ("time_limit",
    # "fit"): a command line turns it into a hint naming its option.
    hint: str = ""

    def __str__(self) -> str:
        # One problem, one line: a newline or other control character taken
        # from the user's text, or from a file's name, is shown escaped.
        message = terminal_text(self.message)
        if self.severity != "error":
            message = f"{self.severity}: {message}"
        if not self.path:
            return message
        path = terminal_text(self.path)
        if not self.line:
            return f"{path}: {message}"
        return f"{path}:{self.line}: {message}"


def terminal_text(value: str) -> str:
    """`value` as text that is safe to show: every character that a terminal
    would act on (C0 and C1 controls, DEL) or that would hide or reorder
    text is written as its escape, so that a path or a message is one line
    that reads as it is.  Undecodable bytes of a file name (lone surrogates)
    are escaped too, so printing one cannot fail."""
    return value.translate(_ESCAPES)


# Control characters (C0, DEL, C1), the invisible ones that would hide or
# reorder text (zero-width spaces, line and paragraph separators,
# bidirectional overrides, the byte-order mark), and lone surrogates.
UNSAFE = frozenset((*range(32), *range(0x7F, 0xA0), *range(0x200B, 0x2010), *range(0x2028, 0x202F),
                    *range(0x2060, 0x2070), 0xFEFF, *range(0xD800, 0xE000)))
_ESCAPES = ({c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in UNSAFE}
            | {10: "\\n", 13: "\\r", 9: "\\t"})


class BriefgenError(Exception):
    """Something in the user's input (or environment) stops the job."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("", 0, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
