"""The fixed words of a page in its language: message catalogues and Babel's locale data.

Every label the built-in templates, sheets, fitting marks and briefgen's own
citation style print comes from a gettext catalogue per language
(``briefgen/source/catalogs/<lang>.po``, read with Babel); a workspace adds
or overrides one with ``locale/<lang>.po``, whose entries come first.  Dates
and numbers are written with Babel's locale data ("24 de agosto de 2025"),
never with month tables of our own.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import time
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from briefgen.errors import BriefgenError, Problem

CATALOGS = Path(__file__).parent / "catalogs"
WORKSPACE_LOCALE = "locale"  # a workspace's own catalogues: locale/<lang>.po
SHIPPED = tuple(sorted(p.stem for p in CATALOGS.glob("*.po")))  # the languages briefgen speaks


def _shown(path: Path) -> str:
    """A workspace catalogue as `locale/es.po`; a built-in one as `(built-in) es.po`."""
    return f"{WORKSPACE_LOCALE}/{path.name}" if path.parent.name == WORKSPACE_LOCALE else f"(built-in) {path.name}"


def _candidates(lang: str) -> list[str]:
    """'es-MX' -> ['es-MX', 'es_MX', 'es']: the catalogue names tried, most specific first."""
    parts = lang.split("-")
    names = []
    for n in range(len(parts), 0, -1):
        tag = "-".join(parts[:n])
        names += [tag, tag.replace("-", "_")] if n > 1 else [tag]
    return list(dict.fromkeys(names))


def catalog_files(lang: str, root: Path | None) -> list[Path]:
    """The catalogues that give `lang` its words, first-consulted first: the
    workspace's own, then briefgen's."""
    found = []
    for base in ([root / WORKSPACE_LOCALE] if root is not None else []) + [CATALOGS]:
        found += [base / f"{name}.po" for name in _candidates(lang) if (base / f"{name}.po").is_file()]
    return found


def _compiled(path: Path) -> Translations:
    """A catalogue read from its .po file (and compiled in memory); one that
    cannot be read is a BriefgenError at its line."""
    try:
        with path.open("rb") as f:
            catalog = read_po(f, abort_invalid=True)
    except PoFileError as exc:
        raise BriefgenError(Problem(_shown(path), getattr(exc, "lineno", 0) or 0,
                                    f"message catalogue: {exc}", "bad-catalogue")) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BriefgenError(Problem(_shown(path), 0, f"message catalogue cannot be read: {exc}",
                                    "bad-catalogue")) from None
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@functools.lru_cache(maxsize=64)
def _translations(files: tuple[tuple[str, int], ...]) -> NullTranslations:
    chain: NullTranslations | None = None
    for name, _mtime in reversed(files):  # the last consulted is the innermost fallback
        t = _compiled(Path(name))
        if chain is not None:
            t.add_fallback(chain)
        chain = t
    return chain or NullTranslations()


@functools.lru_cache(maxsize=64)
def _locale(lang: str) -> Locale:
    """Babel's locale for `lang`, or for its language, or English when Babel has neither."""
    for name in _candidates(lang):
        try:
            return Locale.parse(name.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    return Locale("en")


# The catalogues of each (language, workspace), looked up again at most this
# often: a label costs a dictionary lookup, and a long-running preview still
# sees a workspace's locale/*.po change.
_RECHECK_SECONDS = 1.0
_RESOLVED: dict[tuple[str, str | None], tuple[float, NullTranslations]] = {}


@dataclass(frozen=True)
class Words:
    """The words and formats of one language: what a page says, and how it
    writes a date.  `root`, the workspace whose locale/ may override them.
    Plain data, so that it travels to worker processes."""

    lang: str = "en"
    root: str | None = None

    @property
    def translations(self) -> NullTranslations:
        key = (self.lang, self.root)
        found = _RESOLVED.get(key)
        now = time.monotonic()
        if found is None or now - found[0] > _RECHECK_SECONDS:
            files = catalog_files(self.lang, Path(self.root) if self.root else None)
            found = _RESOLVED[key] = (now, _translations(tuple((str(p), p.stat().st_mtime_ns) for p in files)))
        return found[1]

    def gettext(self, message: str) -> str:
        return self.translations.ugettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ungettext(singular, plural, n)

    def __call__(self, message: str, **values: object) -> str:
        """The message in this language, with %(name)s values filled in."""
        text = self.gettext(message)
        return text % values if values else text

    @property
    def locale(self) -> Locale:
        return _locale(self.lang)

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left."""
        return self.locale.character_order == "right-to-left"

    def date(self, value: str | dt.date) -> str:
        """'2025-08-24' as 'August 24, 2025' (en), '24 de agosto de 2025' (es);
        '2025-08' as 'August 2025', 'agosto de 2025'; '2025' as is."""
        text = value.isoformat() if isinstance(value, dt.date) else value
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 1:
            return str(parts[0])
        if len(parts) == 2:
            return format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=self.locale)
        return _babel_date(dt.date(*parts), format="long", locale=self.locale)

    def number(self, value: float) -> str:
        """A number as the language writes it, its decimals as given (none
        rounded away): 1,200 and 3.2 (en), 1.200 and 3,2 (es), 1 200 (fr)."""
        return format_decimal(value, locale=self.locale, decimal_quantization=False)


ENGLISH = Words()


def language_name(lang: str, in_lang: str | None = None) -> str:
    """'es' as 'Spanish' (or as 'español' in Spanish): for messages and the index."""
    try:
        return _locale(lang).get_display_name(_locale(in_lang or "en")) or lang
    except (AttributeError, ValueError):
        return lang


def catalog_problems(root: Path) -> list[Problem]:
    """Each of the workspace's catalogues (locale/*.po) that cannot be read,
    so that `check` finds it before a build does."""
    problems = []
    for path in sorted((root / WORKSPACE_LOCALE).glob("*.po")):
        try:
            _compiled(path)
        except BriefgenError as exc:
            problems += exc.problems
    return problems
