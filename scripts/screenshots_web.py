"""Screenshots of the web page for the README: the home page and an Arabic answer.

Runs `returnbot serve` on the store and drives Debian's Chromium with Playwright.

    .venv/bin/python scripts/screenshots_web.py   # writes docs/web-home.png, docs/web-answer-ar.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "web"))

from conftest import start_server  # noqa: E402
from test_web_browser import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

from bot.build import write  # noqa: E402

SHOTS = {
    "web-home.png": "/?lang=en",
    "web-answer-ar.png": "/ask?q=%D9%87%D9%84+%D8%B5%D8%AD%D9%8A%D8%AD+%D8%A3%D9%86+3500+"
                         "%D8%B4%D8%AE%D8%B5+%D8%B9%D8%A7%D8%AF%D9%88%D8%A7+%D9%81%D9%8A+2023"
                         "%D8%9F&lang=ar",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "returnbot.db"
        write(db)
        server = start_server(db, Path(tmp) / "serve.log")
        url = next(server).url
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            for name, path in SHOTS.items():
                page.goto(url + path)
                page.screenshot(path=str(ROOT / "docs" / name))
                print(f"docs/{name}")
            browser.close()
        server.close()


if __name__ == "__main__":
    main()
