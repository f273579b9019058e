#!/bin/sh
# Read the secrets that docker-compose mounts under /run/secrets into the
# variables the programs expect, then run the command.  Nothing secret is
# ever written into an image, a configuration file or the repository.
set -eu

# libpq (psycopg) reads PGPASSWORD; the configuration's URI has no password
if [ -n "${PGPASSWORD_FILE:-}" ] && [ -r "$PGPASSWORD_FILE" ]; then
    PGPASSWORD="$(cat "$PGPASSWORD_FILE")"
    export PGPASSWORD
fi
exec "$@"
