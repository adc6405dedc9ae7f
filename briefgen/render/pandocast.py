"""Pandoc's document AST, as the JSON `pandoc -f json` reads, built in Python.

The docx backend writes its document as this AST and lets pandoc's docx
writer make the Word file.  Text enters the AST only as `Str` elements, so
whatever a source says comes out as text: no raw OOXML, no fields.  A
fact's markdown and a citation style's output reach here as the small,
sanitised HTML that the HTML backend shows (nh3's allowlist: emphasis,
links, super- and subscripts, paragraphs and lists); `inlines_of` and
`blocks_of` turn that allowlist into AST elements and drop anything else,
keeping its text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ATTR_NONE = ["", [], []]
LINK_SCHEMES = ("http://", "https://", "mailto:")
INTERNAL = "#ref-"  # links briefgen makes itself: to a source list entry


def attr(identifier: str = "", classes: list[str] | None = None, **keys: str) -> list:
    return [identifier, classes or [], [[k.replace("_", "-"), v] for k, v in keys.items()]]


def text(value: str) -> list[dict]:
    """Plain text as Str and Space elements (any run of white space is one Space)."""
    out: list[dict] = []
    for i, word in enumerate(re.split(r"\s+", value)):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def wrap(kind: str, inlines: list[dict]) -> dict:
    """Emph, Strong, Superscript, Subscript, SmallCaps."""
    return {"t": kind, "c": inlines}


def span(inlines: list[dict], style: str | None = None, identifier: str = "") -> dict:
    return {"t": "Span", "c": [attr(identifier, custom_style=style) if style else attr(identifier), inlines]}


def link(inlines: list[dict], url: str, title: str = "") -> dict:
    return {"t": "Link", "c": [ATTR_NONE, inlines, [url, title]]}


def image(alt: str, url: str, **size: str) -> dict:
    return {"t": "Image", "c": [attr(**size), text(alt), [url, ""]]}


def note(blocks: list[dict]) -> dict:
    return {"t": "Note", "c": blocks}


def para(inlines: list[dict]) -> dict:
    return {"t": "Para", "c": inlines}


def plain(inlines: list[dict]) -> dict:
    return {"t": "Plain", "c": inlines}


def header(level: int, inlines: list[dict], identifier: str = "") -> dict:
    return {"t": "Header", "c": [level, attr(identifier), inlines]}


def div(blocks: list[dict], style: str | None = None, identifier: str = "") -> dict:
    """A group of blocks; `style` is the Word paragraph style of the paragraphs in it."""
    return {"t": "Div", "c": [attr(identifier, custom_style=style) if style else attr(identifier), blocks]}


def bullets(items: list[list[dict]]) -> dict:
    return {"t": "BulletList", "c": items}


def numbered(items: list[list[dict]], start: int = 1) -> dict:
    return {"t": "OrderedList", "c": [[start, {"t": "Decimal"}, {"t": "Period"}], items]}


def columns(cells: list[list[dict]], widths: list[float]) -> dict:
    """A table of one row and no borders: blocks side by side (text beside a QR code)."""
    specs = [[{"t": "AlignLeft" if i == 0 else "AlignRight"}, {"t": "ColWidth", "c": w}] for i, w in enumerate(widths)]
    row = [ATTR_NONE, [[ATTR_NONE, {"t": "AlignDefault"}, 1, 1, blocks] for blocks in cells]]
    return {"t": "Table", "c": [ATTR_NONE, [None, []], specs, [ATTR_NONE, []], [[ATTR_NONE, 0, [], [row]]],
                                [ATTR_NONE, []]]}


def document(blocks: list[dict], api_version: list[int], **meta: str) -> dict:
    return {"pandoc-api-version": api_version, "blocks": blocks,
            "meta": {k: {"t": "MetaString", "c": v} for k, v in meta.items()}}


def plain_text(inlines: list[dict]) -> str:
    """What the inlines read as, as plain text."""
    out = []
    for el in inlines:
        t, c = el["t"], el.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Superscript", "Subscript", "SmallCaps", "Underline", "Strikeout"):
            out.append(plain_text(c))
        elif t in ("Span", "Link"):
            out.append(plain_text(c[1]))
        elif t == "Code":
            out.append(c[1])
    return "".join(out)


# -- the sanitised HTML of facts and citation styles -----------------------

_INLINE = {"em": "Emph", "i": "Emph", "strong": "Strong", "b": "Strong", "sup": "Superscript",
           "sub": "Subscript", "cite": "Emph"}


class _Fragment(HTMLParser):
    """Sanitised HTML to AST: inline elements nest in the open element's
    inlines; <p>, <ul>, <ol> and <li> make blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict] = []
        self.stack: list[tuple[str, dict, list]] = [("#root", {}, [])]  # (tag, attrs, children)
        self.lists: list[tuple[str, dict, list[list[dict]]]] = []  # open lists and their items
        self.items: list[list[dict]] = []  # block content of open <li>

    def _flush(self, make=None) -> None:
        """Loose inline content becomes a paragraph of the enclosing block
        (white space alone, between blocks, becomes nothing)."""
        children = self.stack[0][2]
        content = _trimmed(children)
        children.clear()
        if content:
            make = make or (plain if self.items else para)
            (self.items[-1] if self.items else self.blocks).append(make(content))

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = {k: v or "" for k, v in attrs}
        if tag in ("p", "ul", "ol", "li"):
            self._close_inlines()
            self._flush()
            if tag in ("ul", "ol"):
                self.lists.append((tag, attrs, []))
            elif tag == "li":
                self.items.append([])
            return
        if tag == "br":
            self.stack[-1][2].append({"t": "LineBreak"})
            return
        self.stack.append((tag, attrs, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li", "ul", "ol"):
            self._close_inlines()
            if tag == "p":
                self._flush(para)
            elif tag == "li" and self.items:
                self._flush()
                if self.lists:
                    self.lists[-1][2].append(self.items.pop())
                else:
                    self.blocks += self.items.pop()
            elif self.lists and self.lists[-1][0] == tag:
                self._flush()
                kind, attrs, items = self.lists.pop()
                start = int(attrs["start"]) if attrs.get("start", "").isdigit() else 1
                block = bullets(items) if kind == "ul" else numbered(items, start)
                (self.items[-1] if self.items else self.blocks).append(block)
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                while len(self.stack) > i:
                    self._close_one()
                return

    def _close_inlines(self) -> None:
        while len(self.stack) > 1:
            self._close_one()

    def _close_one(self) -> None:
        tag, attrs, children = self.stack.pop()
        parent = self.stack[-1][2]
        if tag in _INLINE:
            parent.append(wrap(_INLINE[tag], children))
        elif tag == "code":
            parent.append({"t": "Code", "c": [ATTR_NONE, plain_text(children)]})
        elif tag == "span" and "smallcaps" in attrs.get("class", "").split():
            parent.append(wrap("SmallCaps", children))
        elif tag == "a" and (attrs.get("href", "").startswith(LINK_SCHEMES + (INTERNAL,))):
            parent.append(link(children, attrs["href"]))
        else:  # anything else the sanitiser let through: its text only
            parent.extend(children)

    def handle_data(self, data: str) -> None:
        self.stack[-1][2].extend(text(data))

    def result(self) -> tuple[list[dict], list[dict]]:
        self._close_inlines()
        while self.items:
            self.handle_endtag("li")
        while self.lists:
            self.handle_endtag(self.lists[-1][0])
        return self.blocks, _trimmed(self.stack[0][2])


def _trimmed(inlines: list[dict]) -> list[dict]:
    """Without white space at either end."""
    start, end = 0, len(inlines)
    while start < end and inlines[start]["t"] in ("Space", "SoftBreak"):
        start += 1
    while end > start and inlines[end - 1]["t"] in ("Space", "SoftBreak"):
        end -= 1
    return inlines[start:end]


def inlines_of(html: str) -> list[dict]:
    """Sanitised inline HTML as AST inlines (blocks, if any, run together)."""
    parser = _Fragment()
    parser.feed(str(html))
    parser.close()
    blocks, inlines = parser.result()
    out: list[dict] = []
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            out += ([{"t": "Space"}] if out else []) + block["c"]
    return out + ([{"t": "Space"}] if out and inlines else []) + inlines


def blocks_of(html: str) -> list[dict]:
    """Sanitised block HTML (paragraphs and lists) as AST blocks."""
    parser = _Fragment()
    parser.feed(str(html))
    parser.close()
    blocks, inlines = parser.result()
    return blocks + ([para(inlines)] if inlines else [])
