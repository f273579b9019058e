# One image for every process of the platform (see docker-compose.yml):
# trytond with the sao web client, trytond-cron, trytond-worker and the
# storefront under gunicorn.  All of them load the same addons/lao_* modules.

# sao, the web client, from npm: its dependencies must sit inside its folder
FROM node:20-bookworm-slim AS sao
ARG SAO_VERSION=8.0
WORKDIR /build
RUN npm pack --silent "tryton-sao@${SAO_VERSION}" \
    && tar xzf tryton-sao-*.tgz \
    && cd package \
    && npm install --silent --omit=dev --legacy-peer-deps \
    && test -d dist

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# libpq5: psycopg 3 (trytond[postgresql]) talks to PostgreSQL through it;
# pango and the Noto fonts render the PDF lot labels in Lao and Chinese
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /var/lib/trytond trytond

WORKDIR /opt/lao
COPY requirements.txt ./
# The runtime dependencies only: the test tools stay out of the image
RUN grep -v -E '^(pytest|pytest-xdist|playwright|pyyaml)\b' requirements.txt \
        > /tmp/requirements-runtime.txt \
    && pip install -r /tmp/requirements-runtime.txt
COPY addons/ addons/
RUN for module in addons/lao_*/; do pip install "$module"; done \
    && python -c 'import trytond.modules.lao_b2b'
COPY storefront/ storefront/
COPY config/gunicorn.conf.py config/gunicorn.conf.py
# The storefront's static files fingerprinted and compressed, built here
# since the storefront runs as trytond and may not write under /opt/lao
RUN python -m storefront.assets
COPY --from=sao /build/package /opt/sao/package
COPY docker/entrypoint.sh /usr/local/bin/lao-entrypoint
RUN chmod 0755 /usr/local/bin/lao-entrypoint

# Documents' files (the filestore) live in a volume
ENV TRYTOND_DATABASE__PATH=/var/lib/trytond/db
RUN mkdir -p /var/lib/trytond/db && chown -R trytond /var/lib/trytond
USER trytond
EXPOSE 8000 5000
ENTRYPOINT ["lao-entrypoint"]
CMD ["trytond", "-c", "/etc/trytond.conf"]
