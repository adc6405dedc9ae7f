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


# ------------------------------------------------------------- the stored index

QUERIES = ["platform", "immunity liability", "resume fraud survey", "trafficking children online", "law",
           "institute", "platforms platforms users", "nothing-like-this", "survey"]


def _both(run, root, monkeypatch, *args):
    """The search's output with the stored index, then without any cache (everything loaded)."""
    indexed = run(root, "search", *args)
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", "")
    loaded = run(root, "search", *args)
    monkeypatch.undo()
    return indexed, loaded


def test_the_stored_index_gives_what_loading_everything_gives(make_workspace, run, parse_cache, monkeypatch):
    from conftest import copy_sample

    for root in (ws(make_workspace), copy_sample(make_workspace(references=None, facts=None, briefs=None).parent
                                                  / "sample")):
        monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(parse_cache))
        for query in QUERIES + ["section 230 immunity", "maxwell interview", "one in four children", "fosta"]:
            for fmt in ("json", "text"):
                indexed, loaded = _both(run, root, monkeypatch, query, "--format", fmt, "--limit", "50")
                monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(parse_cache))
                assert (indexed.exit_code, indexed.stdout, indexed.stderr) == \
                       (loaded.exit_code, loaded.stdout, loaded.stderr), query
    assert len(list((parse_cache / "search").glob("*.sqlite"))) == 2  # one per workspace: the index was used


def facts_found(run, root, *args):
    return [id for kind, id in results(run, root, *args) if kind == "fact"]


def test_the_index_follows_the_files(make_workspace, run, parse_cache, monkeypatch):
    root = ws(make_workspace)
    assert facts_found(run, root, "fraud") == ["fraud"]
    facts = root / "sources/facts.yaml"
    facts.write_text(facts.read_text().replace("fraud on a resume", "lying on a resume"))
    (root / "sources/more.yaml").write_text("facts:\n  - id: more-fraud\n    claim: \"Fraud, again.\"\n"
                                            "    tags: [jobs]\n    cite: [{ref: survey}]\n")
    assert facts_found(run, root, "fraud") == ["more-fraud", "fraud"]  # the id still says fraud
    assert facts_found(run, root, "lying") == ["fraud"]
    (root / "sources/more.yaml").unlink()
    assert facts_found(run, root, "fraud") == ["fraud"]
    for query in QUERIES:
        indexed, loaded = _both(run, root, monkeypatch, query, "--format", "json")
        assert indexed.stdout == loaded.stdout


def test_the_index_counts_the_workspaces_problems(make_workspace, run, parse_cache, monkeypatch):
    root = ws(make_workspace)
    (root / "sources/bad.yaml").write_text("facts:\n  - id: bad\n    claim: \"No tags.\"\n    cite: [{ref: survey}]\n"
                                           "  - {id: broken\n")
    (root / "briefgen.yaml").write_text("paper: tabloid\n")
    indexed, loaded = _both(run, root, monkeypatch, "platform")
    assert "(the workspace has 2 problems: entries with errors are not searched" in loaded.stderr
    assert (indexed.stdout, indexed.stderr) == (loaded.stdout, loaded.stderr)
    (root / "sources/bad.yaml").write_text("facts:\n  - id: bad\n    claim: \"No tags.\"\n    cite: [{ref: survey}]\n")
    indexed, loaded = _both(run, root, monkeypatch, "platform")
    assert "(the workspace has 2 problems" in loaded.stderr  # the missing tags, and briefgen.yaml's paper
    assert (indexed.stdout, indexed.stderr) == (loaded.stdout, loaded.stderr)


def test_a_damaged_index_is_a_warning_and_a_search_without_it(make_workspace, run, parse_cache, monkeypatch, caplog):
    root = ws(make_workspace)
    first = results(run, root, "platform")
    [index] = (parse_cache / "search").glob("*.sqlite")
    index.write_bytes(b"this is not a database" * 100)
    with caplog.at_level("WARNING", logger="briefgen"):
        assert results(run, root, "platform") == first
    assert any("the search index could not be read" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level("WARNING", logger="briefgen"):
        assert results(run, root, "platform") == first  # built again
    assert caplog.records == [] and index.stat().st_size > 1000
