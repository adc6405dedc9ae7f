"""The XSS corpus through the editor's forms: every payload, sent as the
editor's form sends a fact's claim and a brief's heading, is saved as a
YAML string that reads back as the same text, and comes out of the unsaved
preview as text, never as markup."""

from __future__ import annotations

import pytest

from briefgen.build.studio import Change, Studio
from briefgen.source.forms import form
from conftest import copy_sample
from test_xss import FORBIDDEN, PAYLOADS, URL_ATTRIBUTES, Audit, safe_url

FACTS = "sources/facts/online-exploitation.yaml"
ONE_PAGER = "section-230-one-pager"


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("ws"))
    return Studio(root, root / "drafts")


@pytest.fixture(scope="module")
def baseline(studio):
    return Audit(_preview(studio, "harmless words", "Harmless heading").read_text(encoding="utf-8"))


def _preview(studio: Studio, claim: str, heading: str):
    fact = studio.open("fact", "few-convicted")
    brief = studio.open("brief", ONE_PAGER)
    fact_change = Change("fact", fact.id, fact.file, fact.digest, _form({**fact.data, "claim": claim}))
    sections = [{**brief.data["sections"][0], "heading": heading}, *brief.data["sections"][1:]]
    outcome = studio.save(fact_change)
    assert outcome.saved, outcome.problems
    brief_change = Change("brief", brief.id, brief.file, brief.digest, _form({**brief.data, "sections": sections},
                                                                              "brief"))
    outcome = studio.propose(brief_change)
    assert outcome.ok, outcome.problems
    return studio.preview(brief_change, ONE_PAGER, outcome.checked)


def _form(data: dict, kind: str = "fact") -> dict:
    return {f.key: data.get(f.key) for f in form(kind).children}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_typed_into_a_form_stays_text(studio, baseline, payload):
    claim = "According to the segment, " + payload
    probe = studio.propose(Change("fact", "few-convicted", FACTS, studio.open("fact", "few-convicted").digest,
                                  _form({**studio.open("fact", "few-convicted").data, "claim": claim})))
    if not probe.ok:  # refused for what it is (an invisible character, say): at the claim, in words
        assert "claim" in probe.fields, probe.problems
        return
    path = _preview(studio, claim, payload)
    saved = studio.open("fact", "few-convicted").data["claim"]
    assert saved == claim.strip()  # a YAML string that reads back as what was typed
    audit = Audit(path.read_text(encoding="utf-8"))
    for tag in FORBIDDEN:
        assert audit.tags[tag] <= baseline.tags[tag], (payload, tag)
    for tag, name, value in audit.attributes:
        assert not name.startswith("on"), (payload, name)
        assert name != "style", payload
        if name in URL_ATTRIBUTES:
            assert safe_url(value), (payload, value)


def test_markup_is_saved_as_text_not_refused(studio):
    """The corpus above is not passed by refusing it: markup is ordinary text to a claim."""
    path = _preview(studio, "According to the segment, <script>alert(1)</script>", "<b>Heading</b>")
    assert studio.open("fact", "few-convicted").data["claim"] == "According to the segment, <script>alert(1)</script>"
    html = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;Heading&lt;/b&gt;" in html
