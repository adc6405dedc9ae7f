"""Property tests: whatever the sources hold, check and build answer with
exit 0 or 1 and messages, never an exception."""

import json
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.commands.cli import cli

FIELDS = ["id", "claim", "tags", "cite", "ref", "kind", "status", "priority", "title", "issued", "template",
          "date", "sections", "heading", "facts", "select", "max_pages", "quote", "locator", "url", "type",
          "detail", "as_of", "reviewed", "review_by", "snapshot", "clam", "tag"]
SLUGS = st.sampled_from(["a", "b", "fact-a", "r1", "t", "x-1", "Bad_Id", "../x", "", "and", "one-pager", "fact-sheet"])
SCALARS = st.one_of(SLUGS, st.text(max_size=40), st.integers(-5, 10), st.booleans(), st.none(),
                    st.sampled_from(["2026-01-15", "2025-02-30", "2024", "https://example.org", "t and (x", "no",
                                     "01234", "verified", "draft", "statistic", "*x* [l](javascript:x)"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=6)), max_leaves=20)
ENTRY = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=9)
# A valid skeleton the fuzzer can start from and break.
VALID = {
    "references": [{"id": "r1", "title": "R", "issued": "2024"}],
    "facts": [{"id": "fact-a", "claim": "A claim.", "tags": ["t"], "cite": [{"ref": "r1"}], "status": "verified",
               "reviewed": {"by": "A", "on": "2026-01-01"}}],
    "briefs": [{"id": "b", "title": "B", "template": "one-pager", "date": "2026-01-15",
                "sections": [{"heading": "H", "select": "t"}]}],
}
FILE = st.one_of(
    st.fixed_dictionaries({}, optional={"references": st.lists(ENTRY, max_size=3), "facts": st.lists(ENTRY, max_size=3),
                                        "briefs": st.lists(ENTRY, max_size=3)}),
    st.builds(lambda key, i, field, value: _mutated(key, i, field, value), st.sampled_from(list(VALID)),
              st.integers(0, 0), st.sampled_from(FIELDS), VALUES),
    VALUES,
)


def _mutated(key, index, field, value):
    data = json.loads(json.dumps(VALID))
    data[key][index][field] = value
    return data


def _write(root: Path, files: list, raw: bytes | None) -> None:
    (root / "sources").mkdir(parents=True)
    for i, data in enumerate(files):
        (root / "sources" / f"f{i}.yaml").write_text(json.dumps(data))  # JSON is YAML
    if raw is not None:
        (root / "sources" / "raw.yaml").write_bytes(raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(FILE, min_size=1, max_size=3), raw=st.one_of(st.none(), st.binary(max_size=200),
       st.text(max_size=200).map(str.encode)))
def test_check_and_build_never_raise(files, raw):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root, files, raw)
        for args in (["check"], ["build", "--format", "html", "--jobs", "1"]):
            result = CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)
            assert result.exit_code in (0, 1), result.output
            if result.exit_code == 1:
                assert result.stderr.strip(), "a failure always says why"
                assert "Traceback" not in result.stderr
