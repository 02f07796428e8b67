"""The README documents every setting and every command (like sqlite-utils' test_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import _parser
from bot.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _env_name(name: str) -> str:
    alias = Settings.model_fields[name].validation_alias
    choices = getattr(alias, "choices", None)
    return str(choices[0]) if choices else f"RETURNBOT_{name.upper()}"


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_is_in_the_readme_with_a_description(name):
    assert Settings.model_fields[name].description, name
    assert f"`{_env_name(name)}`" in README


def _commands() -> list[str]:
    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    names = []
    for name, p in sub.choices.items():
        nested = [a for a in p._actions if a.dest == "db_command"]
        names += [f"returnbot {name} {n}" for n in nested[0].choices] if nested else [
            f"returnbot {name}"]
    return names


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command):
    assert f"`{command}" in README


def test_the_readme_opens_with_the_two_commands():
    head = README[:1500]
    assert "make run" in head and "make test" in head
