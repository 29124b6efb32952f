# Multi-stage: build a virtualenv, then copy it into a slim runtime image as a non-root user.
FROM python:3.12-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install .

FROM python:3.12-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CRMDQ_HOST=0.0.0.0 \
    CRMDQ_PORT=8000 \
    CRMDQ_ENV=production
RUN useradd --system --uid 10001 --home-dir /app crmdq
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY alembic.ini ./
COPY migrations ./migrations
USER crmdq
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
# DATABASE_URL must point at an external PostgreSQL; `serve` applies migrations, then starts Uvicorn.
CMD ["crm-dq", "serve"]
