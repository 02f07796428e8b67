"""All configuration, read from the environment once in main() and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import paths

__all__ = ["Settings", "env_names"]


class Settings(BaseSettings):
    """ReturnBot's settings; every field is documented in the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="RETURNBOT_", extra="ignore")

    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN"),
        description="Bot token from @BotFather; without it `make run` starts the console chat.",
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        validation_alias=AliasChoices("TELEGRAM_API_BASE_URL"),
        description="Bot API base URL (a self-hosted Bot API server, or the tests' fake one).",
    )
    db_path: Path = Field(
        default_factory=paths.default_db_path,
        description="The SQLite store of published figures (a build product, built when missing).",
    )
    state_path: Path = Field(
        default_factory=paths.default_state_path,
        description="Small SQLite file with each user's chosen language and last query.",
    )
    imports_dir: Path = Field(
        default_factory=paths.default_imports_dir,
        description="Folder where `db import` keeps staff CSVs; every store build includes them.",
    )
    admin_ids: list[int] = Field(
        default_factory=list,
        description="Telegram user ids allowed to use /check, the press-office report of conflicts and gaps (JSON list, e.g. [1, 2]).",
    )
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL; when set, the bot uses a webhook."
    )
    webhook_port: int = Field(default=8443, description="Local port the webhook listens on.")
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret token Telegram sends with every webhook call (required in webhook mode).",
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    # Telegram channel tuning (bot/telegram/); the defaults suit Telegram's own limits.
    webhook_listen: str = Field(
        default="0.0.0.0",  # all interfaces: a container is reached from outside
        description="Address the webhook server binds to (webhook mode only).",
    )
    webhook_path: str = Field(
        default="telegram",
        description="URL path of the webhook endpoint; the webhook URL should end with it.",
    )
    telegram_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a Bot API response before retrying."
    )
    rate_limit_per_second: float = Field(
        default=30.0,
        ge=0,
        description="Outgoing messages per second for the whole bot (Telegram's limit; 0 = off).",
    )
    rate_limit_group_per_minute: float = Field(
        default=20.0,
        ge=0,
        description="Outgoing messages per minute into one group (Telegram's limit; 0 = off).",
    )
    retry_base_delay: float = Field(
        default=0.5, gt=0, description="First backoff delay (s) when a reply fails transiently."
    )
    retry_max_delay: float = Field(
        default=30.0, gt=0, description="Longest backoff delay (s) between two retries of a reply."
    )
    retry_deadline: float = Field(
        default=3600.0,
        gt=0,
        description="Seconds a reply keeps being retried before it is given up (logged).",
    )
    bot_username: str | None = Field(
        default=None,
        description="The bot's @username for deep links and posters (else asked with getMe).",
    )
    alert_check_seconds: float = Field(
        default=10.0, gt=0,
        description="Seconds between two looks for new figures to alert subscribers about.",
    )
    concurrent_updates: int = Field(
        default=8,
        ge=1,
        description="Updates handled at once (updates of one chat are always handled in order).",
    )
    fetch_window: int = Field(
        default=100,
        ge=1,
        description="Updates fetched from Telegram and not yet answered, at most; the rest stay with Telegram until there is room (a stop answers these first).",
    )
    chat_backlog: int = Field(
        default=10,
        ge=1,
        description="Questions of one chat in that window, at most; a chat sending more at once is told to ask again later.",
    )
    # Operating the bot (bot/usage.py, bot/health.py).
    usage_counting: bool = Field(
        default=True,
        description="Count questions anonymously (day, channel, language, kind, status; never text or ids).",
    )
    usage_retention_days: int = Field(
        default=400, ge=1, description="Days the anonymous usage counts are kept."
    )


def env_names() -> dict[str, str]:
    """Each setting's environment variable, by field name (for help and error messages)."""
    names = {}
    for name, field in Settings.model_fields.items():
        choices = getattr(field.validation_alias, "choices", None)
        names[name] = str(choices[0]) if choices else f"RETURNBOT_{name.upper()}"
    return names
