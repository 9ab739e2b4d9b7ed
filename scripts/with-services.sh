#!/usr/bin/env bash
# Start throw-away PostgreSQL and Redis servers (data in a temporary directory, loopback only), run the
# given command with DATABASE_URL and REDIS_URL pointing at them, then stop both and delete the data.
# Usage: scripts/with-services.sh COMMAND [ARGS...]
set -euo pipefail

STATE=$(mktemp -d -t salescard-services.XXXXXX)
chmod 755 "$STATE"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

# PostgreSQL refuses to run as root: run it as the postgres user that the Debian package creates.
if [ "$(id -u)" -eq 0 ]; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi

stop() {
  set +e
  [ -f "$STATE/pg/data/postmaster.pid" ] && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$STATE/pg/data" -m immediate -w stop >/dev/null
  [ -f "$STATE/redis.pid" ] && kill "$(cat "$STATE/redis.pid")" 2>/dev/null
  # Whatever else answers on the port (a Redis that a test started again there): nothing outlives the command.
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1
  rm -rf "$STATE"
}
trap stop EXIT

mkdir -p "$STATE/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$STATE/pg"
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$STATE/pg/data" -U salescard --auth=trust -E UTF8 --no-locale >/dev/null
# Durability is irrelevant for a throw-away test server; speed is not.
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$STATE/pg/data" -l "$STATE/pg/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $STATE/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U salescard salescard

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" --dir "$STATE" >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

export DATABASE_URL="postgres://salescard@127.0.0.1:$PG_PORT/salescard"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
echo "Services up: PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT"
"$@"
