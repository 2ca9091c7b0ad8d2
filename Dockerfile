# City Relations web image: Django + gunicorn; the same image runs the Celery worker and beat.
# Only Debian and PyPI packages are downloaded.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CITYRELATIONS_VAR_DIR=/app/var

# Pango for WeasyPrint (briefing books, PDFs); a font so PDFs have glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# Hashed, compressed static files for whitenoise; the key is only for this build step.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only-not-a-runtime-secret \
    cityrelations/deploy/start collectstatic

RUN useradd --create-home --uid 1000 app && mkdir -p /app/var/media /app/var/mail && chown -R app /app/var
USER app

EXPOSE 8000
# Every service's command: cityrelations/deploy/start (docker-compose.yml runs worker and beat).
CMD ["cityrelations/deploy/start", "web"]
