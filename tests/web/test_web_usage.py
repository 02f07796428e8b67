"""The web page's usage summary (/usage): the anonymous counts, outside the public store,
with small cells suppressed; never a question's text."""

from __future__ import annotations

import httpx

from bot.answer import Answer
from bot.usage import Recorder
from bot.web.app import create_app


def _answer(lang: str, question: str) -> Answer:
    return Answer(question=question, language=lang, status="answered",
                  query={"kind": "total", "year": 2023}, text="…")


async def test_usage_page_shows_the_summary_with_small_cells_suppressed(store_path, tmp_path):
    state = tmp_path / "state.db"
    recorder = Recorder(state)
    for _ in range(7):
        recorder.count(_answer("en", "How many returned to Zanzibar7731?"), "web")
    for _ in range(2):
        recorder.count(_answer("ka", "რამდენი დაბრუნდა?"), "telegram")
    recorder.close()
    app = create_app(store_path, state_path=state)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        page = await client.get("/usage", params={"lang": "en"})
    assert page.status_code == 200
    assert "en 7" in page.text and "ka <5" in page.text
    assert "Zanzibar7731" not in page.text and "რამდენი" not in page.text
    assert "set-cookie" not in page.headers


async def test_usage_page_without_a_state_file_says_so(store_path):
    app = create_app(store_path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        page = await client.get("/usage")
    assert page.status_code == 404 and "RETURNBOT_STATE_PATH" in page.text
