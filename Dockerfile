# Lotse: a slim image that runs the bot as a non-root user. Configure it only through
# environment variables (see README.md); data/ holds the SQLite file when no DATABASE_URL is set.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . && pip uninstall -y lotse
COPY migrations ./migrations
COPY locales ./locales
COPY content ./content
COPY babel.cfg ./
RUN pybabel compile --domain messages --directory locales \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin lotse \
    && mkdir -p /app/data && chown lotse /app/data

USER lotse
VOLUME ["/app/data"]
# Webhook mode listens on WEBHOOK_PORT (default 8443) when WEBHOOK_URL is set.
EXPOSE 8443
# `run` migrates the database, loads the shipped content if the database has none, and starts.
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
