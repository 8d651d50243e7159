# One image recipe for every service: build with --build-arg SERVICE=registry SERVICE_PATH=services/registry.
FROM python:3.11-slim

ARG SERVICE
ARG SERVICE_PATH
ENV SERVICE=${SERVICE} PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY lib ./lib
COPY ${SERVICE_PATH} ./service
RUN pip install ./lib ./service \
    && useradd --system --uid 10001 inklusi \
    && mkdir -p /var/lib/inklusi/funding-documents /var/lib/inklusi/audit-spool && chown -R inklusi /var/lib/inklusi
# A new named volume copies the ownership of the folder it is mounted on, so funding can write its
# documents and the gateway its audit spool.
USER inklusi

# Migrations take a PostgreSQL advisory lock, so replicas starting together do not race.
CMD ["sh", "-c", "python -m \"$SERVICE\" migrate && exec python -m \"$SERVICE\" serve"]
