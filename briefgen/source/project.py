"""The project: one workspace, opened once per command.

A `Project` holds what every stage needs to know about the workspace and
would otherwise recompute: its root folder, the source tree the sources are
read through, the configuration (briefgen.yaml, read once: the one copy),
the template search path (the workspace's templates/ first, then the
built-in ones) and the names of the templates a brief can use.  It also
keeps the list of every file a command read, for tools that want to know
what an output depends on (a preview server watching files, say).

Everything downstream of the loader takes a project, not a root folder.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from briefgen.errors import BriefgenError, Problem
from briefgen.paths import BUILTIN_TEMPLATES, CONFIG_FILE, SOURCES_DIR, TEMPLATE_SUFFIX, TEMPLATES_DIR, shown, workspace_file
from briefgen.source.model import Config
from briefgen.source.origin import Origin
from briefgen.source.tree import FileTree, SourceTree
from briefgen.source.validate import stray_quotes, validate
from briefgen.source.yamlread import Bad, read_yaml


class Project:
    """An open workspace.  Make one with `Project.open(root)`."""

    def __init__(self, root: Path, tree: SourceTree, config: Config, config_problems: list[Problem]):
        # config_problems: briefgen.yaml's errors, and its warnings (severity "warning")
        self.root = root
        self.tree = tree
        self.config = config
        self.config_problems = config_problems
        self.read: list[str] = []  # every file read so far, workspace-relative, in the order read
        # What a process that opens the workspace again and again keeps of
        # its loaded source files (a `briefgen.source.load.Remembered`).
        self.remembered = None

    @classmethod
    def open(cls, root: Path | str = ".", tree: SourceTree | None = None) -> Project:
        """Open the workspace at `root`, reading its sources from `tree`
        (default: the folder itself).  Raises BriefgenError (code
        'not-a-workspace') when `root` has no sources/ folder."""
        root = Path(root)
        if tree is None:
            if not (root / SOURCES_DIR).is_dir():
                raise BriefgenError(Problem(str(root), 0, f"not a briefgen workspace (no '{SOURCES_DIR}/' folder)",
                                            "not-a-workspace", hint="root"))
            tree = FileTree(root)
        project = cls(root, tree, Config(), [])
        project.config, project.config_problems = _read_config(project)
        return project

    def with_tree(self, tree: SourceTree) -> Project:
        """The same workspace with its sources read from another tree (an
        overlay of unsaved edits, say)."""
        return Project.open(self.root, tree)

    # -- files -----------------------------------------------------------

    def read_source(self, rel: str) -> bytes | None:
        """A source file's bytes, through the tree, noted as read."""
        data = self.tree.read(rel)
        if data is not None:
            self.read.append(rel)
        return data

    def file(self, relative: str) -> Path | None:
        """A file of the workspace folder (a snapshot, the logo, a style), or
        None when there is none or it leads outside the workspace."""
        path = workspace_file(self.root, relative)
        if path is not None:
            self.read.append(Path(relative).as_posix())
        return path

    def shown(self, path: Path) -> str:
        """A path for a message: relative to the workspace when inside it."""
        return shown(path, self.root)

    # -- templates -------------------------------------------------------

    @cached_property
    def template_dirs(self) -> tuple[Path, ...]:
        """The folders templates are looked up in, the workspace's first."""
        own = self.root / TEMPLATES_DIR
        return (own, BUILTIN_TEMPLATES) if own.is_dir() else (BUILTIN_TEMPLATES,)

    @cached_property
    def templates(self) -> frozenset[str]:
        """The templates a brief can name (files starting with '_' are partials)."""
        return frozenset(
            p.name[: -len(TEMPLATE_SUFFIX)]
            for d in self.template_dirs
            for p in d.glob("*" + TEMPLATE_SUFFIX)
            if not p.name.startswith("_")
        )

    @property
    def own_templates(self) -> Path | None:
        """The workspace's templates/ folder, if it has one."""
        own = self.root / TEMPLATES_DIR
        return own if own.is_dir() else None


def _read_config(project: Project) -> tuple[Config, list[Problem]]:
    """The workspace's briefgen.yaml (defaults when there is none) and its problems."""
    problems: list[Problem] = []
    try:
        raw = project.read_source(CONFIG_FILE)
        if raw is None:
            return Config(), []
        data, lines = read_yaml(raw)
    except Bad as bad:
        return Config(), [Problem(CONFIG_FILE, bad.line, bad.message, bad.code)]
    except OSError as exc:
        return Config(), [Problem(CONFIG_FILE, 0, f"cannot read file: {exc.strerror or exc}", "unreadable-file")]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return Config(), [Problem(CONFIG_FILE, lines.get(()) or 1, "briefgen.yaml must be a mapping of settings (paper: a4, ...)",
                                  "not-a-mapping")]
    origin = Origin(path=CONFIG_FILE, lines=lines)
    problems += stray_quotes(CONFIG_FILE, data, lines)  # warnings
    config = validate(Config, "", data, origin, problems)
    return config or _valid_part(data, origin), problems


def _valid_part(data: dict, origin: Origin) -> Config:
    """The settings of `data` that are valid, the others left out, so that
    their own checks (the logo's file, the style's name) report in the same
    run as the mistakes beside them."""
    import copy

    from pydantic import ValidationError

    data = copy.deepcopy(data)
    for _ in range(8):  # each round leaves out at least one setting; a few rounds suffice
        try:
            config = Config.model_validate(data)
        except ValidationError as exc:
            # last first, so that leaving out an entry of a list moves none still to go
            removed = [_leave_out(data, tuple(err["loc"])) for err in reversed(exc.errors())]
            if not any(removed):
                break
        else:
            config._origin = origin
            return config
    return Config()


def _leave_out(data: dict, loc: tuple) -> bool:
    """Remove the value at `loc` from `data` (for a field missing there, the
    mapping that misses it); False if there was nothing to remove."""
    node, path = data, []
    for part in loc:
        if (isinstance(node, dict) and part in node) or \
                (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            path.append((node, part))
            node = node[part]
        else:
            break
    if not path:
        return False
    container, key = path[-1]
    del container[key]
    return True
