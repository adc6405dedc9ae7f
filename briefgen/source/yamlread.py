"""YAML for source files, read the way briefgen needs it.

Files are read with PyYAML's parser (the C one when available) as a stream
of events, which is turned into plain data by hand so that:

* every value keeps the line it was written on;
* duplicate keys, anchors, aliases and non-standard tags are refused;
* scalars stay the text that was written (``no`` stays "no", ``01234`` stays
  "01234"); the schema decides what the text means;
* an unquoted value ending in a quotation mark that nothing opens (``quote:
  text"``, half of a quoted text) is noted, so that loading can warn of it.

Parsed files are remembered by content in a cache outside the workspace.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import yaml

from briefgen import __version__
from briefgen.paths import cache_dir as parse_cache_dir
from briefgen.source.origin import Lines

try:  # the C composer is several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 32

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


class Bad(Exception):
    def __init__(self, line: int, message: str, code: str):
        self.line = line
        self.message = message
        self.code = code


_CACHE_FORMAT = 3  # bump when what the parse cache holds changes


def _parse_entry(raw: bytes) -> Path | None:
    folder = parse_cache_dir()
    if folder is None:
        return None
    key = f"{__version__}\0{_CACHE_FORMAT}\0".encode() + raw
    return folder / (hashlib.sha256(key).hexdigest() + ".json")


def read_cached(raw: bytes, store: bool = True) -> tuple[object, Lines]:
    """read_yaml, remembered by content: a re-check after one edit re-parses one file.

    A cache entry that is missing or unreadable only means parsing again.
    Files that do not parse are never cached, so their messages are always
    fresh; the schema is checked on every run, cached or not.  With `store`
    false, a new parse is not kept (see `keep_parsed`)."""
    entry = _parse_entry(raw)
    if entry is None:
        return read_yaml(raw)
    try:
        data, triples, stray = json.loads(entry.read_bytes())
        if isinstance(triples, list) and all(isinstance(t, list) and len(t) == 3 for t in triples[:1]) \
                and isinstance(stray, list):
            return data, Lines(triples=triples, stray_quotes=[tuple(loc) for loc in stray])
    except (OSError, ValueError, TypeError):
        pass
    data, lines = read_yaml(raw)
    if store:
        keep_parsed(raw, data, lines)
    return data, lines


def keep_parsed(raw: bytes, data: object, lines: Lines) -> None:
    """Keep the parse of `raw` in the parse cache."""
    entry = _parse_entry(raw)
    if entry is None or entry.exists():
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        blob = json.dumps([data, lines.triples(), lines.stray_quotes], ensure_ascii=False)
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        tmp.write_bytes(blob.encode("utf-8"))
        os.replace(tmp, entry)
    except OSError:
        pass  # a cache that cannot be written is no cache, not an error


def read_yaml(raw: bytes) -> tuple[object, Lines]:
    """Parse one YAML document into plain data and the line of every value."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Bad(line, "file is not UTF-8 text (save it as UTF-8)", "not-utf8") from None
    loader = None
    try:
        loader = _Loader(text)
        return _build(iter(loader.get_event, None))  # None after the stream's end; no generator in between
    except yaml.MarkedYAMLError as exc:
        raise Bad(*_syntax_error(exc, text)) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise Bad(line, f"invalid YAML: the control character {char!r} is not allowed", "yaml-syntax") from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error above carries a place
        raise Bad(1, f"invalid YAML: {' '.join(str(exc).split())}", "yaml-syntax") from None
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str, str]:
    """The line and message for a YAML syntax error, in words a person who
    has never read the YAML specification can act on.

    For something left open (a quote, a bracket, a key without its colon)
    the place it was opened is more useful than where the parser gave up."""
    context, problem = exc.context or "", exc.problem or ""
    mark = exc.problem_mark
    if exc.context_mark and (context.startswith("while scanning") or "flow" in context or mark is None):
        mark = exc.context_mark
    line = mark.line + 1 if mark else 1
    if exc.problem_mark and text[exc.problem_mark.index: exc.problem_mark.index + 1] == "\t":
        return exc.problem_mark.line + 1, "a tab character in the indentation: YAML indents with spaces only", "yaml-tab"
    plain = _in_plain_words(exc, text)
    if plain is not None:
        return plain[0], plain[1], "yaml-syntax"
    what = " ".join(s for s in (context, problem) if s)
    return line, f"invalid YAML: {what}", "yaml-syntax"


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _unclosed_quote_before(lines: list[str], last: int) -> int | None:
    """The line (1-based, at most `last`) of a value that opens a quotation
    mark and does not close it on its own line, nearest `last` first."""
    for number in range(last, 0, -1):
        value = _value_part(lines[number - 1])
        if value[:1] in ("'", '"') and value.count(value[0]) % 2 == 1:
            return number
    return None


def _value_part(line: str) -> str:
    """What follows 'key:' (or '- ') on a line, stripped."""
    body = line.strip()
    if body.startswith("- "):
        body = body[2:].lstrip()
    head, sep, rest = body.partition(": ")
    return rest.strip() if sep else ("" if body.endswith(":") else body)


def _in_plain_words(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str] | None:
    """The commonest YAML mistakes, said plainly: (line, message), or None."""
    context, problem = exc.context or "", exc.problem or ""
    lines = _lines(text)
    at = exc.problem_mark.line + 1 if exc.problem_mark else 1
    opened = exc.context_mark.line + 1 if exc.context_mark else at
    here = lines[at - 1] if at <= len(lines) else ""
    if context.startswith("while scanning a quoted scalar"):
        quote = text[exc.context_mark.index] if exc.context_mark else '"'
        return opened, (f"a quotation mark ({quote}) opened on this line is never closed: end the text with "
                        f"{quote} too")
    if "flow sequence" in context:
        return opened, "a list opened with [ on this line is never closed: end it with ] on the same line"
    if "flow mapping" in context:
        return opened, "a mapping opened with { on this line is never closed: end it with } on the same line"
    if "cannot start any token" in problem and exc.problem_mark:
        char = text[exc.problem_mark.index]
        return at, f"a text cannot start with {char} in YAML: put the whole text in quotes (\"{char}...\")"
    if "could not find expected ':'" in problem:
        return opened, "this line has no ':' after its field name: write it as name: value"
    if "mapping values are not allowed" in problem:
        previous = next((lines[n - 1] for n in range(at - 1, 0, -1) if lines[n - 1].strip()), "")
        if re.match(r"\s*-[^\s-]", previous):
            return at - 1, "a list entry needs a space after its dash: write - id: ..., not -id: ..."
        if ": " in _value_part(here) or _value_part(here).endswith(":"):
            return at, ("this text contains ': ', which YAML takes for the start of another field: put the "
                        "whole text in quotes, as in detail: \"Note: ...\"")
        return at, ("this line is indented further than the field above it, which already has a value: line it "
                    "up with the fields above (or, if it continues that text, put the whole text in quotes)")
    if "did not find expected key" in problem or "expected '-' indicator" in problem \
            or "expected <block end>" in problem:
        quote_line = _unclosed_quote_before(lines, at)
        if quote_line is not None and quote_line < at:
            return quote_line, ("a quotation mark opened on this line is not closed on it, so the lines after it "
                                "are read as part of the text: close it on this line")
        column = exc.problem_mark.column if exc.problem_mark else 0
        before = here[:column]
        if any(q in before.strip()[1:] for q in ("'", '"')) and _value_part(here)[:1] in ("'", '"'):
            return at, ("text goes on after the closing quotation mark: to put ' inside a text in '...' write it "
                        "twice (it''s), or quote the whole text with \"...\"")
        return at, ("this line is not lined up with the lines above it: indent it by as many spaces as the "
                    "entries it belongs with")
    return None


_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_SCALAR, _MAP, _SEQ = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _build(events) -> tuple[object, Lines]:
    """Plain data from a YAML event stream, keeping the line of every value.

    Working from events (not a node tree) lets anchors and aliases be refused
    where they are written, before anything is expanded, and needs no
    recursion however deep the data."""
    lines: dict[tuple, int] = {}
    columns: dict[tuple, int] = {}
    stray: list[tuple] = []  # unquoted values ending in an unpaired "
    root: object = None
    # Open collections, innermost last: [container, loc, first line of each key, pending key]
    stack: list[list] = []
    documents = 0
    for event in events:
        kind = type(event)
        if kind in _ENDS:
            stack.pop()
            continue
        mark = event.start_mark
        line = mark.line + 1
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise Bad(line, "only one YAML document per file is allowed (remove the '---' separator)",
                           "yaml-documents")
            continue
        if kind is yaml.AliasEvent:
            raise Bad(line, f"YAML aliases (*{event.anchor}) are not supported: write the value out in full", "yaml-alias")
        if kind is not _SCALAR and kind is not _MAP and kind is not _SEQ:
            continue  # stream and document ends
        if event.anchor is not None:
            raise Bad(line, f"YAML anchors (&{event.anchor}) are not supported: write the value out in full", "yaml-anchor")
        if event.tag is not None and event.tag not in _ALLOWED_TAGS and event.tag != "!":
            raise Bad(line, f"YAML tag '{event.tag.replace(_TAG, '!!')}' is not allowed", "yaml-tag")
        if stack:
            frame = stack[-1]
            container = frame[0]
            if type(container) is dict:
                if frame[3] is None:  # this event is a key
                    if kind is not _SCALAR:
                        raise Bad(line, "a key must be plain text", "yaml-key")
                    key = event.value
                    if key in frame[2]:
                        raise Bad(line, f"duplicate key '{key}' (first written on line {frame[2][key]})", "duplicate-key")
                    frame[2][key] = line
                    frame[3] = key
                    lines[frame[1] + (key,)] = line
                    columns[frame[1] + (key,)] = mark.column + 1
                    continue
                loc = frame[1] + (frame[3],)
            else:
                loc = frame[1] + (len(container),)
                lines[loc] = line
                columns[loc] = mark.column + 1
        else:
            loc = ()
            lines[loc] = line
            columns[loc] = mark.column + 1
        if kind is _SCALAR:
            plain = event.style is None or event.style == ""
            value = None if plain and event.implicit[0] and event.value in _NULLS else event.value
            if plain and value and value[-1] == '"' and value.count('"') % 2:
                stray.append(loc)
        else:
            if len(stack) >= MAX_DEPTH:
                raise Bad(line, f"data nested more than {MAX_DEPTH} levels deep", "too-deep")
            value = {} if kind is _MAP else []
        if stack:
            frame = stack[-1]
            if type(frame[0]) is dict:
                frame[0][frame[3]] = value
                frame[3] = None
            else:
                frame[0].append(value)
        else:
            root = value
        if kind is not _SCALAR:
            stack.append([value, loc, {}, None])
    return root, Lines(lines, columns, stray_quotes=stray)
