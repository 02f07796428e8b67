"""The Telegram channel (python-telegram-bot 22): `app.build_application` and `app.run`.

Modules: app (building and running), handlers (PTB callbacks), services (engine + state on a
worker thread), sending (message limits), keyboards and callbacks (buttons), delivery
(rate limits, retries, per-chat order), state (the SQLite state file), texts (gettext).
"""
