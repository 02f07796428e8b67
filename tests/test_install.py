"""Installing ReturnBot as a user would: `pip install .` (not editable), and a checkout used
without `make`. Offline: the wheel is built without isolation, installed without an index."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import bot.i18n
from bot import paths
from bot.build import write
from bot.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Combien de personnes sont rentrées en 2023 ?"
# Babel writes French thousands with a narrow no-break space.
FRENCH_2952 = re.compile(r"2[\u202f\u00a0 ]952")


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_the_data_files_and_a_compiled_catalog_per_language(wheel):
    names = _wheel_names(wheel)
    for data_file in ("publications.csv", "figures.csv", "excluded.csv"):
        assert f"bot/_data/{data_file}" in names
    for lang in LANGUAGES:
        assert f"bot/_data/lang/{lang}.yaml" in names
        assert f"bot/_locales/{lang}/LC_MESSAGES/returnbot.mo" in names
    topics = {p.name for p in (ROOT / "data" / "content").glob("*.yaml")}
    assert {f"bot/_data/content/{t}" for t in topics} <= names
    # The package reads compiled catalogs only, and never the raw research.
    assert not [n for n in names if n.endswith((".po", ".pot")) or "/research/" in n]


def _user_env(home: Path) -> dict[str, str]:
    """A user's environment: no RETURNBOT_* settings, a home of their own."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory, install_returnbot):
    """The bin folder of a fresh venv with the wheel installed."""
    return install_returnbot(tmp_path_factory.mktemp("installed") / "venv")


def test_pip_install_answers_in_french_from_an_empty_folder_and_builds_the_store_once(
        tmp_path, bin_dir):
    home, cwd = tmp_path / "home", tmp_path / "empty"
    home.mkdir()
    cwd.mkdir()
    store = home / ".local" / "share" / "returnbot" / "returnbot.db"

    first = subprocess.run([str(bin_dir / "returnbot"), "ask", QUESTION], cwd=cwd,
                           env=_user_env(home), capture_output=True, text=True, timeout=300)

    assert first.returncode == 0, first.stderr
    assert FRENCH_2952.search(first.stdout), first.stdout
    assert re.search(r"Source\s:\sFedasil, .* http://fedasil\.be/", first.stdout)
    assert first.stderr.splitlines() == [f"returnbot: building the store at {store}"]
    assert stat.S_IMODE(store.stat().st_mode) == 0o644
    assert not list(cwd.iterdir()), "nothing is written into the folder it was run from"

    again = subprocess.run([str(bin_dir / "returnbot"), "ask", QUESTION], cwd=cwd,
                           env=_user_env(home), capture_output=True, text=True, timeout=300)
    assert (again.returncode, again.stderr, again.stdout) == (0, "", first.stdout)


def test_the_installed_command_reports_its_version(tmp_path, bin_dir):
    done = subprocess.run([str(bin_dir / "returnbot"), "--version"],
                          env=_user_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.stdout == "returnbot 0.1.0\n"


def test_a_checkout_used_without_make_compiles_its_catalogs_at_first_use(tmp_path):
    # Given a checkout with no compiled catalog and no store (what `pip install -e .` leaves)
    checkout = tmp_path / "checkout"
    for name in ("bot", "data", "locales"):
        shutil.copytree(ROOT / name, checkout / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "imports"))
    # When it is asked in French (cwd first on sys.path: the copy's `bot` is the one imported)
    done = subprocess.run([sys.executable, "-m", "bot", "ask", QUESTION], cwd=checkout,
                          env=_user_env(tmp_path), capture_output=True, text=True, timeout=300)
    # Then it answers in French, and saved the compiled catalogs for the next time
    assert done.returncode == 0, done.stderr
    assert FRENCH_2952.search(done.stdout) and "personnes" in done.stdout
    assert (checkout / "locales" / "fr" / "LC_MESSAGES" / "returnbot.mo").exists()
    assert done.stderr.splitlines() == [
        f"returnbot: building the store at {checkout / 'var' / 'returnbot.db'}"]


def _some_translation(lang: str) -> tuple[str, str]:
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "returnbot.po").open("rb") as handle:
        catalog = read_po(handle)
    message = next(m for m in catalog if m.id and m.string and m.id != m.string
                   and isinstance(m.id, str) and "%" not in m.id)
    return str(message.id), str(message.string)


@pytest.fixture
def uncompiled_locales(tmp_path, monkeypatch):
    target = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", target, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(bot.i18n, "LOCALES_DIR", target)
    bot.i18n.translations.cache_clear()
    yield target
    bot.i18n.translations.cache_clear()


def test_a_catalog_that_cannot_be_saved_is_compiled_in_memory_with_a_warning(
        uncompiled_locales, monkeypatch, caplog):
    def read_only(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(bot.i18n.os, "replace", read_only)
    source, translated = _some_translation("de")

    assert bot.i18n.translations("de").gettext(source) == translated
    assert "make catalogs" in caplog.text
    assert not list(uncompiled_locales.glob("de/LC_MESSAGES/*.mo*"))


def test_a_catalog_older_than_its_po_file_is_compiled_again(uncompiled_locales):
    source, translated = _some_translation("nl")
    mo = uncompiled_locales / "nl" / "LC_MESSAGES" / "returnbot.mo"
    mo.write_bytes(b"")  # an outdated (here: empty) compiled catalog…
    os.utime(mo, (0, 0))  # …older than the .po file

    assert bot.i18n.translations("nl").gettext(source) == translated
    assert mo.stat().st_size > 0


def test_the_store_is_written_readable_by_everyone_not_only_its_builder(tmp_path):
    old = os.umask(0o022)
    try:
        write(tmp_path / "store.db")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "store.db").stat().st_mode) == 0o644


def test_the_user_data_folder_follows_xdg_data_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert paths.user_data_dir() == tmp_path / "returnbot"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert paths.user_data_dir() == tmp_path / ".local" / "share" / "returnbot"


def _readme_map() -> list[str]:
    """The paths in the first column of the README's map of the repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Map of the repository", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [p for row in rows for p in re.findall(r"`([^`]+)`", row.split(" | ")[0])]


@pytest.mark.parametrize("entry", _readme_map())
def test_the_readme_map_names_only_files_in_the_repository(entry):
    pattern = re.sub(r"<[^>]+>", "*", entry.rstrip("/"))
    assert list(ROOT.glob(pattern)), f"{entry} is not in the repository"


def test_the_readme_links_only_to_the_web_or_its_own_sections():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    anchors = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-")
               for h in re.findall(r"^#+ (.+)$", readme, flags=re.M)}
    for target in re.findall(r"\]\(([^)]+)\)", readme):
        if target.startswith("#"):
            assert target[1:] in anchors, target
        else:
            assert target.startswith("https://") or (ROOT / target).exists(), target
