#!/usr/bin/env bash
# Start a throwaway PostgreSQL server, run $PYTEST (or the arguments) against it, stop it.
# initdb refuses to run as root, so the server runs as the 'postgres' user when we are root.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDIR=$(mktemp -d /tmp/benchmark-pg.XXXXXX)
PGPORT=${PGPORT:-$((54000 + RANDOM % 1000))}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
stop() {
  as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap stop EXIT
as_owner "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_owner "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE ROLE benchmark LOGIN PASSWORD 'benchmark'" \
  -c "CREATE DATABASE benchmark_test OWNER benchmark" >/dev/null
export TEST_DATABASE_URL="postgresql+psycopg://benchmark:benchmark@127.0.0.1:$PGPORT/benchmark_test"
echo "PostgreSQL test server on port $PGPORT"
if [ $# -gt 0 ]; then "$@"; else $PYTEST; fi
