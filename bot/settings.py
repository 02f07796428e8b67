"""All configuration, read from the environment once in main() and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


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
        default=Path("var/returnbot.db"),
        description="The SQLite store of published figures (a build product).",
    )
    state_path: Path = Field(
        default=Path("var/state.db"),
        description="Small SQLite file with each user's chosen language and last query.",
    )
    admin_ids: list[int] = Field(
        default_factory=list,
        description="Telegram user ids allowed to use admin commands (JSON list, e.g. [1, 2]).",
    )
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL; when set, the bot uses a webhook."
    )
    webhook_port: int = Field(default=8443, description="Local port the webhook listens on.")
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token Telegram sends with every webhook call."
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
