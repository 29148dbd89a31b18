# syntax=docker/dockerfile:1
# matchsvc production image: gunicorn serving matchsvc:create_app() on 0.0.0.0:8000.
#   docker build -t matchsvc .
#   docker run --rm -e DATABASE_URL=postgresql://... matchsvc flask --app matchsvc db upgrade
#   docker run -d -p 8000:8000 -e DATABASE_URL=postgresql://... -e SECRET_KEY=... matchsvc
# Migrations are a separate step (the command above); the server never migrates on start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    GUNICORN_BIND=0.0.0.0:8000

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin matchsvc \
 && python -m venv /opt/venv

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
# The install is editable (a link to /app/matchsvc) because the app finds migrations/ next to
# the package; a stub package is enough here, the real sources are copied below.
COPY pyproject.toml README.md ./
RUN mkdir matchsvc && touch matchsvc/__init__.py \
 && pip install -e . \
 && rm -rf matchsvc

COPY matchsvc ./matchsvc
COPY migrations ./migrations
COPY gunicorn.conf.py ./

# instance/ holds the default SQLite file and a generated SECRET_KEY when none is set; it is
# the only directory the app writes to. Bytecode is compiled now, as the app can't write it later.
RUN mkdir instance && chown matchsvc:matchsvc instance \
 && python -m compileall -q matchsvc \
 && python -c "import matchsvc; assert matchsvc.__file__ == '/app/matchsvc/__init__.py', matchsvc.__file__"

USER matchsvc
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('GUNICORN_BIND', '0.0.0.0:8000').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "matchsvc:create_app()"]
