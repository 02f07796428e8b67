"""The web channel: the store published with Datasette, and questions in the browser.

`create_app(db_path)` builds the ASGI application; `serve(...)` runs it (`returnbot serve`).
"""

from __future__ import annotations

from bot.web.app import create_app

__all__ = ["create_app"]
