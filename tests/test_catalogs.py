"""Checks the gettext catalogs in locales/ against the message template and the source code.

One parametrized test per catalog and rule, so a failure names the language. The template
test re-extracts the messages from bot/ the way `make messages` does, so a string added to
the code without running `make messages` (and without translations) fails here.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
CATALOG_PATHS = sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))

PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
URL_RE = re.compile(r"https?://[^\s,;()<>\"']+")
COMMAND_RE = re.compile(r"(?<![\w/])/[a-z]+\b")
# Names that stay as they are in every language (the brief for translators).
PROTECTED = ("Fedasil", "IOM", "Caritas", "Dublin", "ReturnBot")


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _key(message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return msgid, message.context


def _entries(catalog: Catalog) -> list:
    """The catalog's messages without the header entry."""
    return [m for m in catalog if m.id]


def _forms(message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def _source_text(message) -> str:
    return " ".join(message.id) if message.pluralizable else message.id


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER_RE.findall(text))


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(TEMPLATE)


def _catalog_params():
    return [pytest.param(path, id=path.parent.parent.name) for path in CATALOG_PATHS]


def test_every_product_language_has_a_catalog():
    assert {path.parent.parent.name for path in CATALOG_PATHS} == set(LANGUAGES)


def test_template_is_current_with_the_code(tmp_path):
    # Same mapping and keywords as `make messages` (-k _ -k ngettext:1,2 are among the defaults).
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    extracted = {
        (msg[0] if isinstance(msg, tuple) else msg, context)
        for _file, _line, msg, _comments, context in extract_from_dir(
            str(ROOT / "bot"), method_map, options_map, keywords=DEFAULT_KEYWORDS)
    }
    in_template = {_key(m) for m in _entries(_read(TEMPLATE))}
    assert extracted - in_template == set(), "new strings in bot/: run `make messages`"
    assert in_template - extracted == set(), "strings gone from bot/: run `make messages`"


@pytest.mark.parametrize("path", _catalog_params())
def test_catalog_has_every_message_of_the_template(path, template):
    missing = {_key(m) for m in _entries(template)} - {_key(m) for m in _entries(_read(path))}
    assert missing == set()


@pytest.mark.parametrize("path", _catalog_params())
def test_catalog_has_no_obsolete_entries(path):
    assert list(_read(path).obsolete) == []


@pytest.mark.parametrize("path", _catalog_params())
def test_every_message_is_translated(path):
    catalog = _read(path)
    empty = [m.id for m in _entries(catalog) if not all(f.strip() for f in _forms(m))]
    assert empty == []


@pytest.mark.parametrize("path", _catalog_params())
def test_plural_messages_have_every_plural_form_of_the_language(path):
    catalog = _read(path)
    wrong = [m.id for m in _entries(catalog)
             if m.pluralizable and len(m.string) != catalog.num_plurals]
    assert wrong == []


@pytest.mark.parametrize("path", _catalog_params())
def test_catalog_has_no_fuzzy_entries(path):
    catalog = _read(path)
    # A fuzzy header makes `pybabel compile` skip the whole catalog.
    assert not catalog.fuzzy
    assert [m.id for m in _entries(catalog) if m.fuzzy] == []


@pytest.mark.parametrize("path", _catalog_params())
def test_translations_keep_the_placeholders_of_the_source(path):
    wrong = []
    for message in _entries(_read(path)):
        expected = _placeholders(_source_text(message))
        for form in _forms(message):
            if _placeholders(form) != expected:
                wrong.append((message.id, sorted(_placeholders(form)), sorted(expected)))
    assert wrong == []


@pytest.mark.parametrize("path", _catalog_params())
def test_babel_checkers_find_no_format_errors(path):
    errors = [(m.id, [str(e) for e in errs]) for m, errs in _read(path).check()]
    assert errors == []


@pytest.mark.parametrize("path", _catalog_params())
def test_translations_keep_names_urls_and_commands_unchanged(path):
    lost = []
    for message in _entries(_read(path)):
        source = _source_text(message)
        fixed = [name for name in PROTECTED if name in source]
        fixed += URL_RE.findall(source) + COMMAND_RE.findall(source)
        for form in _forms(message):
            lost += [(message.id, token) for token in fixed if token not in form]
    assert lost == []


@pytest.mark.parametrize("path", _catalog_params())
def test_translations_keep_the_layout_of_the_source(path):
    # Leading/trailing newlines, line count and bullets: the text is shown as-is in Telegram.
    wrong = []
    for message in _entries(_read(path)):
        source = _source_text(message) if not message.pluralizable else message.id[0]
        for form in _forms(message):
            layout = (len(form) - len(form.lstrip("\n")), len(form) - len(form.rstrip("\n")),
                      form.count("\n"), form.count("•"))
            expected = (len(source) - len(source.lstrip("\n")),
                        len(source) - len(source.rstrip("\n")),
                        source.count("\n"), source.count("•"))
            if layout != expected:
                wrong.append((message.id, layout, expected))
    assert wrong == []


@pytest.mark.parametrize("path", _catalog_params())
def test_catalog_compiles(path, tmp_path):
    catalog = _read(path)
    mo = tmp_path / f"{DOMAIN}.mo"
    with mo.open("wb") as f:
        write_mo(f, catalog)
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in _entries(catalog)[:5]:
        if not message.pluralizable:
            assert compiled.gettext(message.id) == message.string
