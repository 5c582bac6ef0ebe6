#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: initdb in a temporary folder, started on a free
# loopback port with TLS on (a self-signed certificate), its admin URL exported as CDRPIPE_TEST_POSTGRES,
# stopped and removed when the command ends. When CDRPIPE_TEST_POSTGRES is already set, or no PostgreSQL binaries are installed, the command
# runs as it is (the PostgreSQL tests then use that server, or say they are skipped and why).
set -uo pipefail

if [ -n "${CDRPIPE_TEST_POSTGRES:-}" ]; then
  exec "$@"
fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: no PostgreSQL binaries under /usr/lib/postgresql; PostgreSQL tests will be skipped" >&2
  exec "$@"
fi

run_as=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root and there is no postgres user to run the server; PostgreSQL tests will be skipped" >&2
    exec "$@"
  fi
  run_as=(runuser -u postgres --)
fi

dir=$(mktemp -d /tmp/cdrpipe-pg.XXXXXX)
chmod 755 "$dir"
[ ${#run_as[@]} -gt 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)

stop() {
  "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$dir"
}

if ! "${run_as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed; PostgreSQL tests will be skipped:" >&2
  cat "$dir/initdb.log" >&2
  rm -rf "$dir"
  exec "$@"
fi
ssl=""
if command -v openssl >/dev/null && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$dir/data/server.key" -out "$dir/data/server.crt" >/dev/null 2>&1; then
  chmod 600 "$dir/data/server.key"
  [ ${#run_as[@]} -gt 0 ] && chown postgres "$dir/data/server.key" "$dir/data/server.crt"
  ssl="-c ssl=on"
fi
if ! "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 $ssl" start >/dev/null; then
  echo "with-postgres: the server did not start; PostgreSQL tests will be skipped:" >&2
  cat "$dir/server.log" >&2
  stop
  exec "$@"
fi
trap stop EXIT
export CDRPIPE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port" >&2
"$@"
