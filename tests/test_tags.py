"""Stage: select — tag expressions and how sections pick their facts."""

import pytest

from briefgen.source.tags import TagExprError, matches, names, parse


@pytest.mark.parametrize(
    "expr, tree",
    [
        ("a", ("tag", "a")),
        ("a or b and c", ("or", ("tag", "a"), ("and", ("tag", "b"), ("tag", "c")))),
        ("a and b or c", ("or", ("and", ("tag", "a"), ("tag", "b")), ("tag", "c"))),
        ("not a and b", ("and", ("not", ("tag", "a")), ("tag", "b"))),
        ("not (a and b)", ("not", ("and", ("tag", "a"), ("tag", "b")))),
        ("(a or b) and c", ("and", ("or", ("tag", "a"), ("tag", "b")), ("tag", "c"))),
        ("not not a", ("not", ("not", ("tag", "a")))),
        ("child-safety and law", ("and", ("tag", "child-safety"), ("tag", "law"))),
    ],
)
def test_precedence_not_over_and_over_or(expr, tree):
    assert parse(expr) == tree


@pytest.mark.parametrize(
    "expr, labels, expected",
    [
        ("a or b and c", {"a"}, True),
        ("a or b and c", {"b"}, False),
        ("(a or b) and c", {"a"}, False),
        ("(a or b) and c", {"b", "c"}, True),
        ("a and not b", {"a", "b"}, False),
        ("a and not b", {"a"}, True),
    ],
)
def test_matches(expr, labels, expected):
    assert matches(parse(expr), frozenset(labels)) is expected


@pytest.mark.parametrize(
    "expr, column, words",
    [
        ("", 1, "empty"),
        ("a and", 6, "ends too early"),
        ("a b", 3, "unexpected 'b'"),
        ("(a or b", 8, "expected )"),
        ("a or )", 6, "expected tag"),
        ("Child", 1, "unexpected character 'C'"),
        ("a & b", 3, "unexpected character '&'"),
        ("and a", 1, "expected tag, found 'and'"),
    ],
)
def test_bad_expressions_name_the_column(expr, column, words):
    with pytest.raises(TagExprError) as exc:
        parse(expr)
    assert exc.value.column == column
    assert words in str(exc.value)


def test_names_lists_every_tag():
    assert names(parse("a and (b or not c)")) == {"a", "b", "c"}
