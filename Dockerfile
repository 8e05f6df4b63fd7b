# syntax=docker/dockerfile:1
# Reelforge on CPU: the API, the workers, beat, Flower and the one-shot `reelforge migrate`
# all run from this image; docker-compose.yml picks the command. See docs/deployment.md.
#
#   docker build -t reelforge .
#
# The ffmpeg that renders is the static binary inside the imageio-ffmpeg wheel, so the image
# needs no system ffmpeg. tests/deploy/test_dockerfile.py replays the Python steps of the
# build stage in a fresh virtualenv: keep that stage free of system packages, and write
# absolute paths in its RUN lines only through the variables set here ($VIRTUAL_ENV, $WHEELS).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: one wheel of the project, installed with its dependencies into a venv ----
FROM ${PYTHON_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV VIRTUAL_ENV=/opt/venv \
    WHEELS=/wheels \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY backend/ backend/
RUN python -m venv "$VIRTUAL_ENV" \
    && "$VIRTUAL_ENV/bin/pip" wheel --no-deps --wheel-dir "$WHEELS" . \
    && "$VIRTUAL_ENV/bin/pip" install "$WHEELS"/reelforge-*.whl

# ---- runtime: the venv, the source tree and its root configs, espeak-ng, a non-root user ----
FROM ${PYTHON_IMAGE} AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# espeak-ng is the offline voice (app.speech); Debian's stable package is what we test with.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 reelforge \
    && useradd --system --uid 10001 --gid reelforge --home-dir /app --shell /usr/sbin/nologin \
       reelforge \
    && install -d -o reelforge -g reelforge -m 0750 /data
ENV VIRTUAL_ENV=/opt/venv
# `app` is imported from the source tree at /app/backend (the wheel in the venv carries the
# same code, migrations included); the venv supplies the dependencies and the console script.
ENV PATH="$VIRTUAL_ENV/bin:$PATH" \
    PYTHONPATH=/app/backend \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENVIRONMENT=production \
    DATA_DIR=/data
COPY --from=build /opt/venv /opt/venv
COPY --chown=root:root backend/ /app/backend/
# Celery's settings and Alembic's config sit in the WORKDIR, where every command starts:
# Celery imports celeryconfig from there (app/tasks/app.py).
COPY --chown=root:root celeryconfig.py alembic.ini /app/
WORKDIR /app
# numeric, so that Kubernetes' runAsNonRoot can check it
USER 10001:10001
# Assets and results live in S3 (STORAGE_BACKEND=s3); DATA_DIR holds only this container's
# temp folders: give each container its own (emptyDir), never one shared between them.
EXPOSE 8000 5555
# per-message deflate costs more CPU and memory than it saves on ~150-byte events
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", \
     "--ws-per-message-deflate", "false"]
