# ReturnBot's Telegram bot in a container: dependencies installed, catalogs compiled and the
# store built at image build; runs as a non-root user. See README, "Docker".
#   docker build -t returnbot .
#   docker run -e TELEGRAM_BOT_TOKEN=… -v returnbot-state:/data returnbot
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PTB_TIMEDELTA=true \
    MPLCONFIGDIR=/tmp/matplotlib \
    RETURNBOT_DB_PATH=/app/var/returnbot.db \
    RETURNBOT_STATE_PATH=/data/state.db

RUN groupadd --gid 10001 returnbot \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin returnbot \
    && mkdir -p /data \
    && chown 10001:10001 /data

WORKDIR /app
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY data ./data
COPY locales ./locales

# Editable, so that the package finds data/ and locales/ beside it in /app.
RUN pip install --no-cache-dir -e .
# Compiled catalogs are build products (*.mo are not committed); no catalog yet is no error.
RUN if [ -n "$(find locales -name '*.po')" ]; then pybabel compile -d locales -D returnbot; fi
# The store is built from data/ now and opened read-only by the bot.
RUN returnbot db build

USER 10001:10001
# matplotlib's font cache, built once by the user that draws the charts.
RUN python -c "import matplotlib.font_manager"

# The chosen languages and follow-up context live in /data; 8443 serves webhook mode only.
VOLUME ["/data"]
EXPOSE 8443
CMD ["returnbot", "run"]
