# xunjian: the `crawl` command in a container. docker-compose.yml runs it as the nightly
# scheduler (`crawl schedule`) against Postgres; see docs/deployment.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XUNJIAN_HOME=/data

RUN useradd --create-home --uid 10001 xunjian \
    && mkdir -p /data /config \
    && chown xunjian:xunjian /data

WORKDIR /src
# Every runtime dependency has a manylinux wheel for Python 3.11: no compiler is needed.
COPY pyproject.toml README.md ./
COPY crawler ./crawler
COPY rules ./rules
COPY storage ./storage
RUN pip install . && rm -rf /src

WORKDIR /data
USER xunjian
# /data holds the embedded SQLite database when no XUNJIAN_DATABASE_URL is given.
VOLUME ["/data"]
# The scheduler's Prometheus metrics, when --metrics-port / XUNJIAN_METRICS_PORT is 9108.
EXPOSE 9108
CMD ["crawl", "schedule"]
