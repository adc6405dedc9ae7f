"""`briefgen search`: ranked, stemmed, accent-blind search over facts and references."""

import json

from click.testing import CliRunner

from briefgen.commands.cli import cli

REFERENCES = """\
references:
  - {id: survey, title: "Survey of résumé fraud", publisher: Example Institute, issued: "2024"}
  - {id: law, title: "The platform liability statute", issued: "1996"}
"""
FACTS = """\
facts:
  - id: immunity
    claim: "Platforms enjoy broad immunity from liability for what users post."
    tags: [platforms, law-tag]
    kind: law
    cite: [{ref: law}]
  - id: trafficking-online
    claim: "Trafficking of minors increasingly starts online, on platforms children use."
    tags: [child-safety]
    cite: [{ref: survey}]
  - id: fraud
    claim: "One in ten applicants admitted to fraud on a resume."
    tags: [jobs]
    kind: statistic
    cite: [{ref: survey}]
"""
BRIEFS = "briefs: []\n"


def ws(make_workspace):
    return make_workspace(references=REFERENCES, facts=FACTS, briefs=BRIEFS)


def results(run, root, *args):
    result = run(root, "search", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [(r["kind"], r["id"]) for r in json.loads(result.stdout)]


def test_the_fact_about_the_query_comes_first(make_workspace, run):
    root = ws(make_workspace)
    assert results(run, root, "immunity from liability")[0] == ("fact", "immunity")
    assert results(run, root, "trafficked minors")[0] == ("fact", "trafficking-online")  # stems: trafficked ~ trafficking


def test_case_and_accents_are_ignored(make_workspace, run):
    root = ws(make_workspace)
    found = results(run, root, "RÉSUMÉ")
    assert ("fact", "fraud") in found and ("reference", "survey") in found


def test_tag_filter_and_limit(make_workspace, run):
    root = ws(make_workspace)
    assert results(run, root, "platforms", "--tag", "child-safety") == [("fact", "trafficking-online")]
    assert len(results(run, root, "platforms", "--limit", "1")) == 1


def test_json_fields_and_text_output(make_workspace, run):
    root = ws(make_workspace)
    (first,) = json.loads(run(root, "search", "immunity", "--format", "json", "--limit", "1").stdout)
    assert set(first) == {"kind", "id", "score", "text", "tags", "status", "path", "line"}
    assert (first["path"], first["line"], first["status"]) == ("sources/facts.yaml", 2, "draft")
    text = run(root, "search", "immunity", "--limit", "1").stdout.splitlines()
    assert text[0] == "immunity  [draft]  platforms, law-tag  sources/facts.yaml:2"
    assert text[1].strip() == "Platforms enjoy broad immunity from liability for what users post."


def test_matched_words_are_highlighted_on_a_terminal(make_workspace):
    root = ws(make_workspace)
    result = CliRunner().invoke(cli, ["--root", str(root), "search", "immunity", "--limit", "1"], color=True)
    assert "\x1b[" in result.stdout and "immunity\x1b[0m" in result.stdout


def test_no_match(make_workspace, run):
    root = ws(make_workspace)
    result = run(root, "search", "zebra")
    assert result.exit_code == 0 and result.stdout == "no fact or reference matches 'zebra'\n"
