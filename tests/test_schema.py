"""`briefgen schema`: the JSON Schema editors check the sources against."""

import datetime as dt
import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from briefgen.commands.cli import cli
from conftest import REPO, SAMPLE


class Yaml12(yaml.SafeLoader):
    """Closer to YAML 1.2, as editors read it: only true/false are booleans (so
    `on:` is a key, not True) and dates stay text."""


Yaml12.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12.add_implicit_resolver("tag:yaml.org,2002:bool", __import__("re").compile(r"^(?:true|false)$"), list("tf"))


def as_an_editor_reads_it(path):
    """YAML as a YAML-1.2 language server sees it."""
    def plain(value):
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value
    return plain(yaml.load(path.read_text(), Loader=Yaml12))


@pytest.fixture(scope="module")
def schema():
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_the_schema_accepts_every_sample_file(schema):
    files = sorted(SAMPLE.rglob("*.yaml"))
    assert files
    for path in files:
        jsonschema.validate(as_an_editor_reads_it(path), schema)


def test_the_schema_accepts_what_people_write_bare(schema, tmp_path):
    """A year, a volume, names as text or maps: an editor must not mark them."""
    path = tmp_path / "r.yaml"
    path.write_text("references:\n  - id: r\n    title: T\n    issued: 2020\n    volume: 47\n    URL: https://x.org\n"
                    "    author: [\"Doe, Jane\", {literal: WHO}]\n", encoding="utf-8")
    jsonschema.validate(as_an_editor_reads_it(path), schema)


@pytest.mark.parametrize("broken", [
    {"facts": [{"id": "a", "claim": "c", "tags": ["t"], "cite": [{"ref": "r"}], "clam": "x"}]},
    {"facts": [{"id": "Bad_Id", "claim": "c", "tags": ["t"], "cite": [{"ref": "r"}]}]},
    {"facts": [{"id": "a", "tags": ["t"], "cite": [{"ref": "r"}]}]},
    {"references": [{"id": "r", "title": "T", "issued": "2024", "type": "tv"}]},
    {"references": [{"id": "r", "title": "T", "DOl": "10.1/x"}]},
    {"references": [{"id": "r", "title": "T", "author": [{"family": "Doe", "gven": "J"}]}]},
    {"fact": []},
])
def test_the_schema_rejects_broken_files(schema, broken):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_committed_schema_is_current(schema):
    assert json.loads((REPO / "sources.schema.json").read_text()) == schema


def test_config_schema():
    result = CliRunner().invoke(cli, ["schema", "--config"])
    config = json.loads(result.stdout)
    jsonschema.validate({"paper": "a4", "colors": {"primary": "#123456"}}, config)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"papr": "a4"}, config)
