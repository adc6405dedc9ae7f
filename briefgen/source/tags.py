"""Tag expressions: ``child-safety and (law or recommendation) and not retired``.

Grammar, with the usual precedence (not > and > or)::

    expr := term ('or' term)*
    term := factor ('and' factor)*
    factor := 'not' factor | '(' expr ')' | TAG

A TAG is a slug.  An expression is parsed once into a tree of tuples and
evaluated against a set of labels (a fact's tags plus its kind).
"""

from __future__ import annotations

import functools
import re

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([a-z0-9][a-z0-9-]*)|(\S))")
_KEYWORDS = {"and", "or", "not"}


class TagExprError(ValueError):
    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.column = column


Expr = tuple  # ("tag", name) | ("not", e) | ("and", a, b) | ("or", a, b)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing white space is left
            break
        col = m.start(m.lastindex) + 1
        if m[1]:
            out.append(("(", "(", col))
        elif m[2]:
            out.append((")", ")", col))
        elif m[3]:
            word = m[3]
            out.append((word if word in _KEYWORDS else "tag", word, col))
        else:
            raise TagExprError(f"unexpected character '{m[4]}' (tags are lowercase slugs)", col)
        pos = m.end()
    return out


MAX_TOKENS = 200  # tags, words and brackets in one expression
MAX_DEPTH = 32  # brackets and 'not's inside one another


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Expr:
    """Parse a tag expression; raise TagExprError with the column of the problem."""
    tokens = _tokens(text)
    if not tokens:
        raise TagExprError("empty tag expression", 1)
    if len(tokens) > MAX_TOKENS:
        raise TagExprError(f"tag expression too long (more than {MAX_TOKENS} tags, words and brackets)",
                           tokens[MAX_TOKENS][2])
    pos = 0
    depth = 0

    def peek() -> str | None:
        return tokens[pos][0] if pos < len(tokens) else None

    def take(kind: str) -> tuple[str, str, int]:
        nonlocal pos
        if pos >= len(tokens):
            raise TagExprError(f"expression ends too early: expected {kind}", len(text) + 1)
        tok = tokens[pos]
        if tok[0] != kind:
            raise TagExprError(f"expected {kind}, found '{tok[1]}'", tok[2])
        pos += 1
        return tok

    def expr() -> Expr:
        node = term()
        while peek() == "or":
            take("or")
            node = ("or", node, term())
        return node

    def term() -> Expr:
        node = factor()
        while peek() == "and":
            take("and")
            node = ("and", node, factor())
        return node

    def factor() -> Expr:
        nonlocal depth
        kind = peek()
        if kind in ("not", "("):
            depth += 1
            if depth > MAX_DEPTH:
                raise TagExprError(f"tag expression nested too deeply (more than {MAX_DEPTH} levels)", tokens[pos][2])
            take(kind)
            node = ("not", factor()) if kind == "not" else expr()
            if kind == "(":
                take(")")
            depth -= 1
            return node
        return ("tag", take("tag")[1])

    tree = expr()
    if pos < len(tokens):
        tok = tokens[pos]
        raise TagExprError(f"unexpected '{tok[1]}' (join tags with 'and', 'or', 'not')", tok[2])
    return tree


def matches(expr: Expr, labels: frozenset[str]) -> bool:
    op = expr[0]
    if op == "tag":
        return expr[1] in labels
    if op == "not":
        return not matches(expr[1], labels)
    if op == "and":
        return matches(expr[1], labels) and matches(expr[2], labels)
    return matches(expr[1], labels) or matches(expr[2], labels)


def names(expr: Expr) -> set[str]:
    """Every tag named in the expression."""
    if expr[0] == "tag":
        return {expr[1]}
    return set().union(*(names(e) for e in expr[1:]))
