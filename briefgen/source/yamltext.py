"""YAML text for new values, written the way a source file writes them.

Used by `briefgen.source.writer` for what it splices into a file: scalars
quoted only where YAML needs it (ruamel.yaml decides), short lists and
mappings on one line (``[a, b]``, ``{ref: r1}``), longer ones as blocks
indented like their neighbours.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping

NL = re.compile(r"\r?\n")  # (a lone CR does not end a line here)
WIDTH = 100  # a list or mapping is written on one line ([a, b]) if its line stays this short
def clean(data: Mapping) -> dict:
    return {k: v for k, v in data.items() if v is not None}


def plain(value: object) -> object:
    """A value as briefgen's reader would give it back: text, lists and mappings."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items() if v is not None}
    return None if value is None else str(value).lower() if isinstance(value, bool) else str(value)


# Text that every YAML reader takes as the same plain text; anything else
# is written in double quotes (ruamel would otherwise write '? g' bare).
_PLAIN = re.compile(r"[A-Za-z0-9(\u00c0-\uffff][^:#\[\]{},\"'\\]*(?:[:#,'][^ :#\[\]{},\"'\\][^:#\[\]{},\"'\\]*)*")
_FLOW_PLAIN = re.compile(r"[A-Za-z0-9(\u00c0-\uffff][^:#\[\]{},\"'\\]*")  # inside [ ] or { }: none of those
_BREAKS = re.compile("[\x85\u2028\u2029\ufeff]")  # line breaks to YAML, or a BOM: never bare
_YAML = None


def scalar(value: object, flow: bool, style: str | None = None, col: int = 0) -> str:
    """One scalar as ruamel.yaml writes it in a block (or, with `flow`, inside [ ])."""
    global _YAML
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString

    if _YAML is None:
        from ruamel.yaml import YAML

        _YAML = YAML()
        _YAML.width = 4096  # never re-wrap a line
    if isinstance(value, str):
        plain = (_FLOW_PLAIN if flow else _PLAIN).fullmatch(value) and value == value.strip() and \
            not _BREAKS.search(value)
        if style in ("|", ">") and not flow and value == value.strip() and not _BREAKS.search(value) and \
                (style == "|" or "\n" not in value):
            value = (LiteralScalarString if style == "|" else FoldedScalarString)(value)
        else:
            value = value if plain else DoubleQuotedScalarString(value)
    elif isinstance(value, dt.date):
        pass  # written bare, as a date: a string that looks like one would be quoted
    elif not isinstance(value, (int, float)) or isinstance(value, bool):
        value = str(value).lower() if isinstance(value, bool) else str(value)
    if flow:
        from ruamel.yaml.comments import CommentedSeq

        value = CommentedSeq([value])
        value.fa.set_flow_style()
    out = io.StringIO()
    _YAML.width = max(40, 88 - col) if isinstance(value, FoldedScalarString) else 4096
    _YAML.dump(value if flow else {"k": value}, out)
    text = out.getvalue().rstrip("\n")
    return text[1:-1] if flow else text[3:]


def one_line(value: object, col: int = 0, style: str | None = None) -> str | None:
    """`value` written on one line (a list or mapping in flow style, if short enough), or None."""
    if isinstance(value, (list, tuple, Mapping)):
        text = flow(value)
        return text if col + len(text) <= WIDTH else None
    text = scalar(value, False, style, col)
    return None if "\n" in text else text


def flow(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value if v is not None) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{scalar(k, True)}: {flow(v)}" for k, v in value.items() if v is not None) + "}"
    return scalar(value, True)


def block_map(data: Mapping, col: int, nl: str, style: str | None = None) -> str:
    """The mapping `data` in block style, each key at column `col` (the first one indented too)."""
    lines = []
    for key, value in data.items():
        head = " " * col + scalar(key, False) + ":"
        inline = one_line(value, len(head) + 1, style)
        if inline is not None:
            lines.append(f"{head} {inline}")
        elif isinstance(value, Mapping):
            lines += [head, block_map(clean(value), col + 2, nl)]
        elif isinstance(value, (list, tuple)):
            lines += [head, *(list_item(v, col + 2, nl) for v in value if v is not None)]
        else:  # a block scalar: `>-` and its lines
            text = scalar(value, False, style, col + 2)
            lines.append(f"{head} " + NL.sub(lambda _: nl + " " * col, text))
    return nl.join(lines)


def list_item(value: object, dash: int, nl: str) -> str:
    """One item of a block list, its dash at column `dash`."""
    if isinstance(value, Mapping):
        return " " * dash + "- " + block_map(clean(value), dash + 2, nl)[dash + 2:]
    inline = one_line(value, dash + 2)
    if inline is not None:
        return " " * dash + "- " + inline
    if isinstance(value, (list, tuple)):
        return " " * dash + "- " + nl.join(list_item(v, dash + 2, nl) for v in value)[dash + 2:]
    return " " * dash + "- " + NL.sub(lambda _: nl + " " * (dash + 2), scalar(value, False, None, dash + 2))


# ------------------------------------------------ finding places in a file's text


def parse(text: str):
    """The ruamel.yaml node tree of `text` (None for a file of comments only)."""
    from ruamel.yaml import YAML

    return YAML().compose(text)


def plain_document(text: str) -> dict:
    from briefgen.source.yamlread import read_yaml

    data, _ = read_yaml(text.encode("utf-8"))
    return data if isinstance(data, dict) else {}


def pairs(node) -> list:
    return node.value if node is not None and node.tag.endswith(":map") else []


def value_of(mapping, key: str):
    return next(((k, v) for k, v in pairs(mapping) if k.value == key), (None, None))


def value_end(text: str, node, key=None) -> int:
    """Where the value `node` (of `key`) ends: its last character that is not space."""
    if node.tag.endswith((":map", ":seq")) and not node.flow_style and node.value:
        last = node.value[-1]
        return value_end(text, last[1], last[0]) if isinstance(last, tuple) else value_end(text, last)
    if key is not None and node.start_mark.index == node.end_mark.index:  # `key:` and no value
        return text.index(":", key.end_mark.index) + 1
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def line_end(text: str, i: int) -> int:
    m = NL.search(text, i)
    return m.start() if m else len(text)


def next_line(text: str, i: int) -> int:
    m = NL.search(text, i)
    return m.end() if m else len(text)


def ending(text: str) -> str:
    """The line ending most of `text`'s lines have (LF if none)."""
    endings = NL.findall(text)
    return max(("\n", "\r\n"), key=endings.count) if endings else "\n"


def splice(text: str, splices: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(splices, reverse=True):
        text = text[:start] + new + text[end:]
    return text
