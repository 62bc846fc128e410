#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 on 127.0.0.1:${PGPORT:-55432} for the test suite and prints its URL.
# Uses Debian's server binaries (installed with apt when missing); runs the server as the postgres user.
set -euo pipefail
PGPORT=${PGPORT:-55432}
PGDATA=${PGDATA_DIR:-/tmp/tessera-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA"
  su postgres -c "$BIN/initdb -D $PGDATA -U postgres --auth=trust -E UTF8" >/dev/null
fi
if ! su postgres -c "$BIN/pg_ctl -D $PGDATA status" >/dev/null 2>&1; then
  su postgres -c "$BIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -w -o '-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' start" >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$PGPORT/postgres"
