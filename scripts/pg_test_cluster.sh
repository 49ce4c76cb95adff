#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests of the PostgreSQL store, from
# Debian's packages (postgresql-15): initdb in a temp dir, run by an
# unprivileged user (PostgreSQL refuses to run as root, and CI runs as root),
# listening on 127.0.0.1 only, on a free port, with trust authentication for
# the user `rotor` (loopback only, thrown away after the run).
#   scripts/pg_test_cluster.sh start DIR   prints the admin URL (database postgres)
#   scripts/pg_test_cluster.sh stop DIR
#   scripts/pg_test_cluster.sh start-again DIR   after stop: the same cluster, port and options
# fsync is off: the tests kill Rotor, never PostgreSQL, and a cluster that is
# deleted after the run needs no crash safety. ROTOR_PG_DURABLE=1 keeps
# PostgreSQL's defaults (fsync on: bench/replicas.sh measures durable writes).
set -euo pipefail
action=${1:?start or stop}
dir=${2:?a directory}
bin=${ROTOR_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x $bin/initdb ]] || { echo "pg_test_cluster: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 2; }
as_user=()
if [[ $(id -u) -eq 0 ]]; then
  id rotorpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin rotorpg
  as_user=(runuser -u rotorpg --)
fi
case $action in
  start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown rotorpg "$dir"
    durability="-c fsync=off -c full_page_writes=off"
    [[ ${ROTOR_PG_DURABLE:-0} == 1 ]] && durability=""
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "${as_user[@]}" "$bin/initdb" -D "$dir/data" -U rotor --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $durability -c max_connections=400" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://rotor@127.0.0.1:$port/postgres"
    ;;
  stop)
    [[ -d $dir/data ]] && "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    ;;
  start-again)
    # pg_ctl restart on a stopped cluster starts it with the options of its
    # last start (postmaster.opts): the same port, loopback only.
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 restart \
      >/dev/null 2>&1 || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  *) echo "pg_test_cluster: start, stop or start-again" >&2; exit 2 ;;
esac
