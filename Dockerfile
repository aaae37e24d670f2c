FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HARMONY_DATA_DIR=/data \
    HARMONY_MUSIC_DIR=/music HARMONY_DOWNLOADS_DIR=/downloads

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --uid 1000 --create-home harmony && mkdir -p /data /music /downloads \
    && chown -R harmony /data /music /downloads
USER harmony
RUN SECRET_KEY=collectstatic-only-not-a-real-key-000000 HARMONY_DATA_DIR=/tmp/build \
    python manage.py collectstatic --noinput -v 0 && cp -r /tmp/build/staticfiles /data/staticfiles

EXPOSE 8000
CMD ["gunicorn", "harmony.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
