# One image for the API/portal, the worker and the migration job.
FROM python:3.11-slim AS base
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy PATH="/app/.venv/bin:$PATH"
WORKDIR /app
# WeasyPrint (the proof of vaccination, the signed agreements, the paper forms) loads Pango from
# the system when it is imported, and the slim image has neither Pango nor a font to fall back
# on for letters the page's fonts lack (a Vietnamese or Polish name on a proof), nor any for
# names in other scripts: Noto's (Arabic, Devanagari, Hebrew, Thai...; Chinese, Japanese and
# Korean from fonts-noto-cjk, ~90 MB) draw them instead of empty boxes.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir "uv>=0.9,<1"
COPY pyproject.toml uv.lock ./
# Runtime dependencies only: no test tools, no embedded Temporal dev server.
RUN uv sync --frozen --no-default-groups --no-install-project
COPY alembic.ini worker.py ./
COPY core core
COPY models models
COPY workflows workflows
COPY activities activities
COPY notifications notifications
COPY api api
# Our own modules' bytecode too (PYTHONDONTWRITEBYTECODE: no process writes it at run time).
RUN python -m compileall -q core models workflows activities notifications api worker.py
RUN useradd --system --uid 10001 cvms && chown -R cvms /app
USER cvms
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Forwarded headers are trusted only from TRUSTED_PROXIES, by the app itself.
CMD ["uvicorn", "api.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers", "--no-server-header", "--timeout-keep-alive", "75"]
