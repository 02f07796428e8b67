"""The interface speaks the user's language through the gettext catalogs."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from fakeapi import FakeBotAPI

import bot.i18n
from bot.telegram import texts

WELCOME_NL = "Hallo! Ik beantwoord vragen over vrijwillige terugkeer uit België."
START_NL = "Welkom en voorbeeldvragen"


@pytest.fixture
def dutch_catalog(tmp_path, monkeypatch):
    """A tiny compiled nl catalog standing in for locales/nl/LC_MESSAGES/returnbot.mo."""
    catalog = Catalog(locale="nl", domain="returnbot")
    catalog.add(texts.welcome("en"), WELCOME_NL)
    catalog.add(dict(texts.COMMANDS)["start"], START_NL)
    catalog.add("Language: %(language)s. Ask me a question, or tap one of the questions below:",
                "Taal: %(language)s. Stel een vraag, of tik op een van de vragen hieronder:")
    target = tmp_path / "locales" / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "returnbot.mo", "wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(bot.i18n, "LOCALES_DIR", tmp_path / "locales")
    bot.i18n.translations.cache_clear()
    yield
    bot.i18n.translations.cache_clear()


async def test_client_language_picks_the_catalog(dutch_catalog, bot, api):
    nadia = FakeBotAPI.user(6001, "nl-BE")
    api.say(nadia, "/start")
    [text] = await api.wait_messages(nadia["id"], 1)
    assert text == WELCOME_NL


async def test_language_choice_switches_the_interface(dutch_catalog, bot, api):
    john = FakeBotAPI.user(6002, "en")
    api.say(john, "/language")
    await api.wait_messages(john["id"], 1)
    api.press(john, api.chat_messages(john["id"])[0], "Nederlands")
    await api.wait_for(lambda: api.calls_to("editMessageText"), what="confirmation")
    assert api.texts(john["id"])[0] == "Taal: Nederlands. Stel een vraag, of tik op een van de vragen hieronder:"
    api.say(john, "/start")
    texts_ = await api.wait_messages(john["id"], 2)
    assert texts_[1] == WELCOME_NL


async def test_menus_are_registered_in_each_language(dutch_catalog, bot, api):
    by_language = {c.params.get("language_code"): c.params["commands"]
                   for c in api.calls_to("setMyCommands")}
    assert by_language["nl"][0] == {"command": "start", "description": START_NL}
    assert by_language["fr"][0]["description"] == "Welcome and example questions"  # no catalog


def test_untranslated_language_falls_back_to_the_english_msgid(dutch_catalog):
    assert texts.welcome("ka") == texts.welcome("en")
    assert texts.welcome("nl") == WELCOME_NL
