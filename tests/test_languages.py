"""Briefs in more than one language, through the command line: language
editions, translations that go stale, missing ones, language tags, a
workspace's own catalogue, right-to-left pages, the Spanish sample."""

import json
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from conftest import copy_sample

ONE_PAGER = "section-230-one-pager"


@pytest.fixture(scope="module")
def spanish(tmp_path_factory):
    """The sample, its Spanish editions built (`build --lang es`)."""
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    root = copy_sample(tmp_path_factory.mktemp("sample-es"))
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--lang", "es", "--format", "all"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return root, result


def _text(path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_build_lang_es_writes_the_spanish_edition_only(spanish):
    root, result = spanish
    out = root / "output"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(ONE_PAGER)) == [
        f"{ONE_PAGER}.es.docx", f"{ONE_PAGER}.es.html", f"{ONE_PAGER}.es.manifest.json", f"{ONE_PAGER}.es.pdf"]
    assert not (out / "maxwell-interview-fact-sheet.es.pdf").exists()  # that brief has no Spanish edition
    manifest = json.loads((out / f"{ONE_PAGER}.es.manifest.json").read_text())
    assert manifest["lang"] == "es" and manifest["id"] == ONE_PAGER
    assert '<html lang="es">' in (out / f"{ONE_PAGER}.es.html").read_text()
    assert result.stderr == ""  # every text of the edition is translated, no translation is stale


def test_the_spanish_sample_fits_on_one_page(spanish):
    root, _ = spanish
    pdf = root / "output" / f"{ONE_PAGER}.es.pdf"
    assert len(PdfReader(pdf).pages) == 1
    manifest = json.loads((root / "output" / f"{ONE_PAGER}.es.manifest.json").read_text())
    assert manifest["fit"]["pages"] == 1 and manifest["dropped"] == []  # every fact, as in English


# What the Spanish page may keep in English: proper names and the sources'
# own titles (the list of sources is left out of the comparison).
PROPER = {"MSNBC", "FOSTA", "Allow", "States", "and", "Victims", "to", "Fight", "Online", "Sex", "Trafficking", "Act"}


def _body_words(text: str) -> set[str]:
    body = re.split(r"FUENTES|SOURCES", text)[0] + " " + re.split(r"CONTACTO|CONTACT", text)[-1]
    return set(re.findall(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]{2,}", body))


def test_the_spanish_one_pager_has_no_english_words_left(spanish, tmp_path):
    root, _ = spanish
    spanish_text = _text(root / "output" / f"{ONE_PAGER}.es.pdf")
    from click.testing import CliRunner

    from briefgen.commands.cli import cli

    english_root = copy_sample(tmp_path)
    CliRunner().invoke(cli, ["--root", str(english_root), "build", ONE_PAGER, "--lang", "en"],
                       catch_exceptions=False)
    english = _body_words(_text(english_root / "output" / f"{ONE_PAGER}.pdf"))
    left = (_body_words(spanish_text) & english) - PROPER
    # Words Spanish writes as English does.
    assert left <= {"base", "briefgen", "civil", "examine", "federal", "no", "sexual"}, sorted(left)
    for label in ("INFORME DE POLÍTICAS", "PARA PERSONAL LEGISLATIVO", "LO ESENCIAL", "LO QUE PEDIMOS", "FUENTES",
                  "CONTACTO", "24 de noviembre de 2026", "Página 1 de 1", "[1, punto 16]", "Emisión, 24 de agosto de 2025",
                  "1 de cada 4 (25 %)"):  # the chart's title, its number as Spanish writes it
        assert label in spanish_text, label
    # The sources keep their own words.
    assert "“Expert: Ghislaine Maxwell’s DOJ interview" in spanish_text


def test_the_spanish_word_document_is_in_spanish(spanish):
    from docx import Document

    root, _ = spanish
    doc = Document(str(root / "output" / f"{ONE_PAGER}.es.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Lo esencial" in text and "Lo que pedimos" in text and "Fuentes" in text
    assert "Bottom line" not in text and "What we ask" not in text
    assert "Fuente: MSNBC" in text and "Source" not in text  # the line under the chart
    import zipfile

    with zipfile.ZipFile(root / "output" / f"{ONE_PAGER}.es.docx") as package:
        footer = package.read("word/briefgen-footer.xml").decode("utf-8")
    assert ">Página </w:t>" in footer and "> de </w:t>" in footer and "Page" not in footer
    # The chart is a picture whose description is in Spanish.
    pictures = [shape for shape in doc.inline_shapes]
    assert len(pictures) == 1
    description = " ".join(pictures[0]._inline.docPr.get("descr").split())  # pandoc writes the no-break space as a space
    assert description == "1 de cada 4 (25 %). Matriz de iconos: 25 de 100 cuadrados llenos."


def test_the_spanish_edition_draws_its_chart_in_spanish(spanish):
    root, _ = spanish
    html = (root / "output" / f"{ONE_PAGER}.es.html").read_text()
    assert '<title id="chart-one-in-four-children-title">1 de cada 4 (25&nbsp;%). Matriz de iconos: 25 de 100 ' \
           'cuadrados llenos.</title>' in html
    assert '<desc id="chart-one-in-four-children-desc">Gráfico de matriz de iconos. Fuente: MSNBC.</desc>' in html
    assert "Icon array" not in html and "squares filled" not in html


def test_a_whole_build_makes_every_edition_and_the_index_groups_them(make_workspace, run):
    import yaml

    root = make_workspace()
    briefs = yaml.safe_load((root / "sources/briefs.yaml").read_text())
    briefs["briefs"][0]["translations"] = {"fr": {"title": "Note un", "headings": ["Premier", "Second"]}}
    (root / "sources/briefs.yaml").write_text(yaml.safe_dump(briefs, allow_unicode=True))
    result = run(root, "build")
    assert result.exit_code == 0, result.stderr
    out = root / "output"
    assert (out / "brief-one.pdf").is_file() and (out / "brief-one.fr.pdf").is_file()
    index = (out / "index.html").read_text()
    assert index.count('class="title"') == 1  # one entry for the brief, its editions beside its files
    assert 'href="./brief-one.fr.pdf">PDF (fr)</a>' in index
    french = (out / "brief-one.fr.html").read_text()
    assert "<h1>Note un</h1>" in french and ">Premier</h2>" in french and ">Sources</h2>" in french
    assert "15 janvier 2026" in french
    # The translation is dropped: its edition is removed with it.
    del briefs["briefs"][0]["translations"]
    (root / "sources/briefs.yaml").write_text(yaml.safe_dump(briefs, allow_unicode=True))
    assert run(root, "build").exit_code == 0
    assert not (out / "brief-one.fr.pdf").exists() and (out / "brief-one.pdf").exists()


def _line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_translation_goes_stale_when_its_original_changes(tmp_path, run):
    root = copy_sample(tmp_path)
    assert run(root, "check").stderr == ""
    facts = root / "sources/facts/online-exploitation.yaml"
    facts.write_text(facts.read_text().replace("only a few people are convicted", "only a handful of people are convicted"))
    result = run(root, "check")
    assert result.exit_code == 0
    digest_line = _line_of(facts, "digest: 10da0dbe")
    from briefgen.source.project import Project
    from briefgen.source.load import load
    from briefgen.source.translations import digest_of

    now = digest_of(next(f for f in load(Project.open(root)).facts if f.id == "few-convicted"))
    assert result.stderr.splitlines() == [
        f"sources/facts/online-exploitation.yaml:{digest_line}: warning: the es translation of fact 'few-convicted' "
        f"is stale: the original changed after it was translated (digest 10da0dbe, now {now}); update the "
        "translation, then its digest"]
    assert run(root, "check", "--strict").exit_code == 1
    # A release refuses the Spanish edition; the English one is released.
    result = run(root, "build", "--release", "--lang", "es")
    assert result.exit_code == 1
    assert "is stale" in result.stderr
    assert not (root / "output/release" / f"{ONE_PAGER}.es.pdf").exists()
    # Re-wrapping the original's lines is no change.
    facts.write_text(facts.read_text().replace("only a handful of people are convicted", "only a few people are convicted")
                     .replace("convicted of sex trafficking in\n      the United States", "convicted of sex\n      trafficking in the United States"))
    assert run(root, "check").stderr == ""


def test_a_missing_translation_is_a_warning_naming_the_field_and_an_error_for_a_release(tmp_path, run):
    root = copy_sample(tmp_path)
    (root / "briefgen.yaml").write_text("languages: [es]\n")
    result = run(root, "check")
    assert result.exit_code == 0
    briefs = root / "sources/briefs.yaml"
    title_line = _line_of(briefs, 'title: "The Maxwell Interview')
    assert (f"sources/briefs.yaml:{title_line}: warning: brief 'maxwell-interview-fact-sheet' has no es "
            "translation of 'title'") in result.stderr.splitlines()
    maxwell = root / "sources/facts/maxwell-case.yaml"
    assert re.search(r"sources/facts/maxwell-case.yaml:\d+: warning: fact '[a-z0-9-]+' has no es translation of "
                     r"'claim' \(shown in the es edition of brief 'maxwell-interview-fact-sheet'\)", result.stderr)
    assert maxwell.is_file()
    assert "section-230-one-pager" not in result.stderr  # the one-pager's edition is complete
    result = run(root, "build", "--release", "maxwell-interview-fact-sheet", "--lang", "es")
    assert result.exit_code == 1 and "has no es translation of 'title'" in result.stderr
    assert not (root / "output/release/maxwell-interview-fact-sheet.es.pdf").exists()


@pytest.mark.parametrize("bad", ["xx", "english", "en_US", "e"])
def test_language_tags_are_bcp_47(make_workspace, run, bad):
    root = make_workspace(extra={"briefgen.yaml": f"lang: {bad}\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"briefgen.yaml:1: lang: '{bad}' is not a language tag: write one such as en, en-US or es"]
    result = run(root, "build", "--lang", bad)
    assert result.exit_code == 2 and f"'{bad}' is not a language tag" in result.stderr


def test_a_language_no_brief_is_built_in_is_refused(make_workspace, run):
    root = make_workspace()
    result = run(root, "build", "--lang", "de")
    assert result.exit_code == 1
    assert "no brief has an edition in de" in result.stderr
    assert not (root / "output").exists()


def test_a_workspace_catalogue_overrides_the_built_in_one(make_workspace, run):
    import yaml

    root = make_workspace(extra={"locale/es.po": 'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
                                 'msgid "Bottom line"\nmsgstr "En pocas palabras"\n'})
    briefs = yaml.safe_load((root / "sources/briefs.yaml").read_text())
    briefs["briefs"][0].update(lang="es", bottom_line="Resumen.")
    (root / "sources/briefs.yaml").write_text(yaml.safe_dump(briefs, allow_unicode=True))
    assert run(root, "build", "--format", "html").exit_code == 0
    html = (root / "output/brief-one.html").read_text()
    assert "En pocas palabras" in html and ">Fuentes</h2>" in html  # the rest from briefgen's catalogue
    (root / "locale/es.po").write_text('msgid "Bottom line"\nmsgstr "x"\nmsgid "Bottom line"\n')
    result = run(root, "check")
    assert result.exit_code == 1 and result.stderr.startswith("locale/es.po:")


def test_a_quote_stays_in_the_source_language_with_its_translation_beside_it(make_workspace, run):
    from conftest import BRIEFS, FACTS

    quote = '        quote: "A is true"\n'
    facts = FACTS.replace(quote, quote + '        translations:\n          es: {quote: "A es verdad", locator: "pág. 3"}\n')
    facts = facts.replace("  - id: fact-b", '    translations:\n      es: {claim: "El hecho A es *cierto*."}\n  - id: fact-b', 1)
    briefs = BRIEFS.replace("template: one-pager", "template: fact-sheet").replace(
        'title: "Brief one"', 'title: "Brief one"\n    translations: {es: {title: "Informe uno"}}')
    root = make_workspace(facts=facts, briefs=briefs)
    result = run(root, "build", "--lang", "es", "--format", "html")
    assert result.exit_code == 0, result.stderr
    html = (root / "output/brief-one.es.html").read_text()
    assert "<p>“A is true”</p>" in html and '<p class="quote-translation" lang="es">A es verdad</p>' in html
    assert "El hecho A es <em>cierto</em>." in html
    assert "Fuente [1], pág. 3" in html


HEBREW = """\
references:
  - id: ref-one
    type: report
    title: "דוח לדוגמה"
    publisher: Example Institute
    issued: 2024-05
facts:
  - id: fact-he
    claim: "ראשון שני שלישי רביעי"
    tags: [topic]
    status: verified
    reviewed: {by: Ann Analyst, on: 2026-01-10}
    cite:
      - ref: ref-one
briefs:
  - id: brief-he
    title: "כותרת"
    template: one-pager
    date: 2026-01-15
    lang: he
    sections:
      - heading: "פרק"
        facts: [fact-he]
"""


def _runs(pdf) -> list[tuple[float, str]]:
    """Each run of text on the first page with the x where it starts."""
    found = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            found.append((cm[4] + tm[4] * cm[0], text.strip()))

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def test_a_right_to_left_brief_is_laid_out_right_to_left(tmp_path, run):
    from conftest import write_workspace

    root = write_workspace(tmp_path / "he", {"sources/all.yaml": HEBREW})
    assert run(root, "build").exit_code == 0, "built"
    assert '<html lang="he" dir="rtl">' in (root / "output/brief-he.html").read_text()
    runs = _runs(root / "output/brief-he.pdf")
    x = {text: x for x, text in runs}
    claim = x["ראשון שני שלישי רביעי"]
    # The claim reads from the right: its marker, which follows it, is at its left; its bullet at its right.
    assert x["["] < claim < x["•"]
    # The heading is set against the right margin, the way the page reads.
    assert x["פרק"] > 612 / 2


@pytest.mark.skipif(not shutil.which("fc-list") or "Noto Sans CJK" not in
                    subprocess.run(["fc-list"], capture_output=True, text=True).stdout,
                    reason="fonts-noto-cjk is not installed (.ci/run installs it)")
def test_text_in_cjk_renders_with_the_noto_fallback(tmp_path, run):
    from conftest import write_workspace

    root = write_workspace(tmp_path / "ja", {"sources/all.yaml": HEBREW.replace("ראשון שני שלישי רביעי", "日本語の文章")
                                            .replace("lang: he", "lang: ja")})
    assert run(root, "build").exit_code == 0
    fonts = set()
    page = PdfReader(root / "output/brief-he.pdf").pages[0]
    for font in page["/Resources"]["/Font"].values():
        fonts.add(str(font.get_object()["/BaseFont"]))
    assert any(re.search(r"Noto.?Sans.?CJK", f) for f in fonts), fonts


def test_a_language_with_no_catalogue_and_headings_that_do_not_match_are_reported(make_workspace, run):
    from conftest import BRIEFS

    briefs = BRIEFS.replace('title: "Brief one"', 'title: "Brief one"\n    translations: {fr: {headings: [Premier]}}')
    root = make_workspace(briefs=briefs, extra={"briefgen.yaml": "languages: [de]\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert ("briefgen.yaml:1: warning: briefgen has no catalogue of labels for 'de' (it has en, es, fr): its pages' "
            "labels stay English; add locale/de.po") in lines
    assert any(line.startswith("sources/briefs.yaml:") and "the fr translation of brief 'brief-one' has 1 headings "
               "for 2 sections" in line for line in lines), lines


def test_build_lang_leaves_the_other_editions_as_they_are(tmp_path, run):
    root = copy_sample(tmp_path)
    assert run(root, "build", "--format", "html").exit_code == 0
    sheet = root / "output/maxwell-interview-fact-sheet.html"
    before = sheet.read_bytes()
    briefs = root / "sources/briefs.yaml"
    briefs.write_text(briefs.read_text().replace('subtitle: "What the MSNBC segment of August 24, 2025 reported"',
                                                 'subtitle: "What the MSNBC segment reported"'))
    result = run(root, "build", "--lang", "es", "--format", "html")
    assert result.exit_code == 0
    assert sheet.read_bytes() == before  # not the Spanish editions: not rebuilt, but said to be out of date
    assert "1 other document in the output folder is out of date" in result.stdout


FIGURED = """\
facts:
  - id: fact-a
    claim: "Region A had 12 reports and Region B had 30."
    tags: [topic-x]
    kind: statistic
    figure:
      unit: count
      label: reports
      series:
        - {label: Region A, value: 12}
        - {label: Region B, value: 30}
    cite:
      - ref: report-2024
    translations:
      es:
        claim: "La región A tuvo 12 informes y la región B, 30."
        figure_label: informes
        figure_names: [Región A, Región B]
"""


def test_a_charts_label_and_categories_are_translated_with_the_claim(make_workspace, run):
    root = make_workspace(facts=FIGURED, briefs=BRIEFS_ONE_SECTION)
    result = run(root, "build", "--lang", "es", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert "has no es translation" not in result.stderr
    html = (root / "output/brief-one.es.html").read_text()
    assert ("Región B, el valor más alto: 30. Gráfico de barras, informes por categoría: Región A: 12; "
            "Región B: 30.") in html
    assert "Region" not in html.split("<main")[1].split("Fuentes")[0]  # no English name left on the chart
    # The original's names are what the English edition draws.
    assert run(root, "build", "--lang", "en", "--format", "html").exit_code == 0
    assert "Region B highest, at 30" in (root / "output/brief-one.html").read_text()
    facts = root / "sources/facts.yaml"
    facts.write_text(FIGURED.replace("        figure_names: [Región A, Región B]\n", ""))
    result = run(root, "check")
    assert (f"sources/facts.yaml:{_line_of(facts, '- {label: Region A')}: warning: fact 'fact-a' has no es "
            "translation of 'figure_names'") in result.stderr
    facts.write_text(FIGURED.replace("[Región A, Región B]", "[Región A]"))
    result = run(root, "check")
    assert result.exit_code == 1
    assert (f"sources/facts.yaml:{_line_of(facts, 'figure_names:')}: the es translation of fact 'fact-a' has 1 "
            "names for 2 categories of its figure") in result.stderr


BRIEFS_ONE_SECTION = """\
briefs:
  - id: brief-one
    title: "Brief one"
    template: one-pager
    date: 2026-01-15
    translations: {es: {title: "Informe uno", headings: [Primera]}}
    sections:
      - heading: "First"
        facts: [fact-a]
"""
