"""`returnbot serve`: run the web application with uvicorn."""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from bot.web.app import create_app

__all__ = ["serve"]

# uvicorn's h11 parser refuses a request head above 16 KB before the application sees it;
# a long question must reach the application to get its clear 400 page.
_MAX_REQUEST_HEAD = 256 * 1024


def serve(db_path: Path, *, host: str, port: int, sql: bool = False,
          state_path: Path | None = None) -> None:
    """Serve the store and the question pages until interrupted."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(db_path, sql=sql, state_path=state_path)
    # uvicorn's own access log prints the full URL with the question: ours (app.py) does not.
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=None,
                http="h11", h11_max_incomplete_event_size=_MAX_REQUEST_HEAD)
