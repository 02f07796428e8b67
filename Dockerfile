# ReturnBot in a container: the package installed from its wheel (data files and compiled
# catalogs inside), every version pinned by constraints.txt, run as uid 10001. The store,
# staff imports and state live in the /data volume; the store is built there at first start,
# and rebuilt when a new image brings newer data. See README, "Docker".
#   docker build -t returnbot .
#   docker run -d --name returnbot -e TELEGRAM_BOT_TOKEN=… -v returnbot-data:/data returnbot
#   docker run --rm -v returnbot-data:/data -v "$PWD":/in:ro returnbot db import /in/report.csv
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PTB_TIMEDELTA=true \
    MPLCONFIGDIR=/tmp/matplotlib \
    RETURNBOT_DB_PATH=/data/returnbot.db \
    RETURNBOT_STATE_PATH=/data/state.db \
    RETURNBOT_IMPORTS_DIR=/data/imports

RUN groupadd --gid 10001 returnbot \
    && useradd --no-create-home --home-dir /data --uid 10001 --gid 10001 \
        --shell /usr/sbin/nologin returnbot
# A new named volume starts as a copy of this folder, owner included: writable by the bot.
RUN mkdir -p /data/imports && chown -R 10001:10001 /data

WORKDIR /src
# The build tools first, at their pinned versions: the package is built without isolation.
COPY constraints.txt ./
RUN pip install --no-cache-dir --constraint constraints.txt pip setuptools babel
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY bot ./bot
COPY data ./data
COPY locales ./locales
# Not editable: the wheel carries data/ and the compiled catalogs, so /src can go.
RUN pip install --no-cache-dir --no-build-isolation --constraint constraints.txt . \
    && rm -rf /src

WORKDIR /data
USER 10001:10001
# matplotlib's font cache, built once by the user that draws the charts.
RUN python -c "import matplotlib.font_manager"

VOLUME ["/data"]
# 8443 serves webhook mode only; polling needs no port.
EXPOSE 8443
ENTRYPOINT ["returnbot"]
CMD ["run"]
