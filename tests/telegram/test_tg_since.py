"""'Returns since YEAR' in Telegram: the yearly series as a chart photo, with its change, in
the asker's language (real engine and store, real PTB stack, fake Bot API)."""

from __future__ import annotations

import pytest
from conftest import make_settings, running
from fakeapi import FakeBotAPI

from bot.i18n import LANGUAGES
from bot.render import Renderer
from bot.telegram.app import build_application

SINCE_2015 = {
    "en": "Returns since 2015?", "nl": "Terugkeer sinds 2015?", "fr": "Retours depuis 2015 ?",
    "de": "Rückkehrer seit 2015?", "es": "¿Retornos desde 2015?",
    "pt": "Quantos voltaram desde 2015?", "ro": "Întoarceri din 2015 încoace?",
    "ru": "Возвращения с 2015 года?", "uk": "Повернення з 2015 року?",
    "tr": "2015'ten beri dönüşler?", "ar": "العودة منذ 2015؟", "ka": "დაბრუნებები 2015 წლიდან?",
}


@pytest.fixture
async def real_bot(api, tmp_path, store_path):
    settings = make_settings(api, tmp_path, db_path=store_path)
    async with running(build_application(settings)) as app:
        yield app


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_since_a_year_is_sent_as_a_chart_with_the_series_and_its_change(
        real_bot, api, lang, engine_for_numbers):
    user = FakeBotAPI.user(6100 + LANGUAGES.index(lang), lang)
    api.say(user, SINCE_2015[lang])
    await api.wait_for(lambda: api.calls_to("sendPhoto"), what="a chart")
    [photo] = api.calls_to("sendPhoto")
    assert photo.files["photo"].startswith(b"\x89PNG")
    sent = photo.params.get("caption", "") + "\n".join(api.texts(user["id"]))
    r = engine_for_numbers(lang)
    assert r.number(1847) in sent  # the 2020 low
    assert r.percent(-23) in sent  # the change from 2015 to the latest year


@pytest.fixture
def engine_for_numbers(store_path):
    from bot.store import Store

    store = Store(store_path)
    yield lambda lang: Renderer(lang, store)
    store.close()
