FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md manage.py gunicorn.conf.py ./
COPY patchserver patchserver
COPY apps apps
COPY templates templates
COPY static static
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput

# gunicorn.conf.py binds loopback by default; in a container the port is
# published by the runtime instead (docker-compose.yml: host loopback only).
ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
