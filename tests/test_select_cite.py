"""Stages: select and cite — which facts a brief shows and how sources are numbered."""

from briefgen.build.pipeline import check_project
from briefgen.source.project import Project

FACTS = """\
facts:
  - id: f1
    claim: "One."
    tags: [x]
    priority: 3
    cite: [{ref: r1}]
  - id: f2
    claim: "Two."
    tags: [x, y]
    priority: 1
    cite: [{ref: r2}, {ref: r1, locator: "p. 4"}]
  - id: f3
    claim: "Three."
    tags: [y]
    kind: recommendation
    priority: 1
    cite: [{ref: r3}]
  - id: f4
    claim: "Four."
    tags: [x]
    status: retired
    cite: [{ref: r4}]
  - id: f5
    claim: "Five."
    tags: [x]
    status: disputed
    cite: [{ref: r4}]
  - id: f0
    claim: "Zero."
    tags: [x]
    priority: 3
    cite: [{ref: r3}]
"""

REFERENCES = "references:\n" + "".join(
    f"  - {{id: r{i}, title: 'Ref {i}', issued: '2020'}}\n" for i in range(1, 6)
)


def brief(sections: str) -> str:
    return f"""\
briefs:
  - id: b
    title: B
    template: one-pager
    date: 2026-01-01
    sections:
{sections}"""


def cited(make_workspace, sections):
    root = make_workspace(references=REFERENCES, facts=FACTS, briefs=brief(sections))
    return check_project(Project.open(root)).cited["b"]


def test_select_orders_by_priority_then_id_and_skips_unrenderable(make_workspace):
    c = cited(make_workspace, "      - {heading: H, select: x}\n")
    # f2 (priority 1), then f0 and f1 (priority 3, by id); retired f4 and disputed f5 never render
    assert [cf.fact.id for cf in c.sections[0].facts] == ["f2", "f0", "f1"]


def test_kind_counts_as_a_tag(make_workspace):
    c = cited(make_workspace, "      - {heading: H, select: recommendation}\n")
    assert [cf.fact.id for cf in c.sections[0].facts] == ["f3"]


def test_a_fact_appears_once_first_section_keeps_it(make_workspace):
    c = cited(make_workspace, "      - {heading: A, facts: [f1]}\n      - {heading: B, select: x}\n")
    assert [cf.fact.id for cf in c.sections[0].facts] == ["f1"]
    assert [cf.fact.id for cf in c.sections[1].facts] == ["f2", "f0"]


def test_explicit_facts_keep_their_order(make_workspace):
    c = cited(make_workspace, "      - {heading: A, facts: [f3, f1, f2]}\n")
    assert c.fact_ids == ["f3", "f1", "f2"]


def test_references_numbered_by_first_citation_and_deduplicated(make_workspace):
    c = cited(make_workspace, "      - {heading: A, facts: [f1, f2, f3, f0]}\n")
    # f1 cites r1 -> 1; f2 cites r2 -> 2 and r1 again -> still 1; f3 cites r3 -> 3; f0 cites r3 -> 3
    markers = {cf.fact.id: [(m.number, m.ref_id, m.locator) for m in cf.markers]
               for cf in c.sections[0].facts}
    assert markers == {
        "f1": [(1, "r1", None)],
        "f2": [(2, "r2", None), (1, "r1", "p. 4")],
        "f3": [(3, "r3", None)],
        "f0": [(3, "r3", None)],
    }
    assert [(e.number, e.ref.id) for e in c.references] == [(1, "r1"), (2, "r2"), (3, "r3")]


def test_uncited_references_are_not_listed(make_workspace):
    c = cited(make_workspace, "      - {heading: A, facts: [f3]}\n")
    assert [e.ref.id for e in c.references] == ["r3"]
