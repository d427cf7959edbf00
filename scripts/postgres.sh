# Throwaway PostgreSQL cluster on 127.0.0.1 for the test suite (sourced by ./dev).
# pg_start exports GLUE_MAGICS_TEST_PG_URL; pg_stop removes the cluster.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Run a command as the postgres user when we are root (PostgreSQL refuses to run as root).
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && su postgres -s /bin/sh -c "$1"); else sh -c "$1"; fi
}

pg_start() {
  local bin; bin=$(pg_bin)
  if [ -z "$bin" ]; then
    apt_install postgresql || return 1
    bin=$(pg_bin)
    [ -n "$bin" ] || return 1
  fi
  PG_DIR=$(mktemp -d /tmp/glue-magics-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
  PG_PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as_owner "$bin/initdb -D $PG_DIR/data -U postgres --auth=trust -E UTF8 >$PG_DIR/initdb.log 2>&1" || return 1
  pg_as_owner "$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/server.log -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off' -w start >/dev/null" || return 1
  PG_BIN=$bin
  export GLUE_MAGICS_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL test server on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  [ -n "${PG_BIN:-}" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast -w stop >/dev/null" || true
  rm -rf "$PG_DIR"
}
