"""`briefgen export references`: CSL-JSON a reference manager imports."""

import json

from conftest import REFERENCES


def test_references_export_as_csl_json(make_workspace, run):
    refs = REFERENCES + """\
  - id: journal
    type: article-journal
    title: "A study"
    author: ["Doe, Jane", "World Health Organization"]
    container-title: A Journal
    issued: 2023-02-01
    accessed: 2026-01-02
    url: https://example.org/s
    note: Peer reviewed
"""
    result = run(make_workspace(references=refs), "export", "references")
    assert result.exit_code == 0, result.stderr
    items = {item["id"]: item for item in json.loads(result.stdout)}
    assert items["report-2024"] == {"id": "report-2024", "type": "report", "title": "A report on things",
                                    "publisher": "Example Institute", "URL": "https://example.org/report",
                                    "issued": {"date-parts": [[2024, 5]]}}
    assert items["statute"]["issued"] == {"date-parts": [[1996]]}
    assert items["journal"] == {
        "id": "journal", "type": "article-journal", "title": "A study",
        "author": [{"family": "Doe", "given": "Jane"}, {"literal": "World Health Organization"}],
        "container-title": "A Journal", "URL": "https://example.org/s", "note": "Peer reviewed",
        "issued": {"date-parts": [[2023, 2, 1]]}, "accessed": {"date-parts": [[2026, 1, 2]]},
    }


def test_export_refuses_a_broken_workspace(make_workspace, run):
    result = run(make_workspace(references="references:\n  - {id: r, title: T, isued: 2020}\n"), "export", "references")
    assert result.exit_code == 1
    assert result.stderr == ("sources/references.yaml:2: reference 'r': unknown field 'isued' "
                             "(did you mean 'issued'?)\n")
    assert result.stdout == ""
