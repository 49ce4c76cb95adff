#!/usr/bin/env bash
# A stand-in for the rotor binary (ROTOR_BIN) that puts every server it starts on
# --store postgres, each in a fresh schema of one PostgreSQL database, so suites whose
# runners know only --in-memory and --data-dir (tests/e2e/js, labs) run against the
# PostgreSQL store unchanged:
#   PG_WRAP_URL=postgres://rotor@127.0.0.1:PORT/postgres PG_WRAP_BIN=$PWD/build/rotor \
#     ROTOR_BIN=$PWD/tests/e2e/rotor_on_postgres.sh tests/e2e/js/run.sh
# (scripts/pg_test_cluster.sh start DIR prints such a URL.) The variables are not ROTOR_*
# ones, which the runners strip from the server's environment.
#   serve: --in-memory becomes a fresh data dir (it then holds only the root key), and
#          --store postgres --database-url URL-of-a-new-schema is added;
#   report, export: with a --data-dir a server above was given, that server's schema;
#   anything else (clock, faults, version, help) runs the binary unchanged.
# Schemas are left in the database (a throwaway cluster); data dirs in ${TMPDIR:-/tmp}.
set -euo pipefail
real=${PG_WRAP_BIN:?PG_WRAP_BIN: the rotor binary}
base=${PG_WRAP_URL:?PG_WRAP_URL: a PostgreSQL URL}
map=${TMPDIR:-/tmp}/rotor-pg-wrap-map  # data dir -> its schema's URL
mkdir -p "$map"
args=("$@")
cmd=serve
[[ ${#args[@]} -gt 0 && ${args[0]} != -* ]] && cmd=${args[0]}
case $cmd in serve | report | export) ;; *) exec "$real" "$@" ;; esac
out=()
data_dir=""
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[i]}
  case $a in
    --in-memory | --in-memory=true | --in-memory=1) ;;
    --data-dir) data_dir=${args[i + 1]:-}; out+=("$a" "$data_dir"); i=$((i + 1)) ;;
    --data-dir=*) data_dir=${a#--data-dir=}; out+=("$a") ;;
    *) out+=("$a") ;;
  esac
done
if [[ $cmd == serve && -z $data_dir ]]; then
  data_dir=$(mktemp -d "${TMPDIR:-/tmp}/rotor-pg-wrap-XXXXXX")
  out+=(--data-dir "$data_dir")
fi
[[ -n $data_dir ]] || exec "$real" "$@"
mkdir -p "$data_dir"
key=$(realpath "$data_dir" | sha256sum | cut -c1-16)
if [[ ! -f $map/$key ]]; then
  [[ $cmd == serve ]] || exec "$real" "$@"  # no server ran on it: its SQLite data dir
  schema=wrap_$(head -c8 /dev/urandom | od -An -tx1 | tr -d ' \n')
  psql "$base" -qAtX -v ON_ERROR_STOP=1 -c "CREATE SCHEMA $schema" >/dev/null
  sep='?'; [[ $base == *\?* ]] && sep='&'
  echo "$base${sep}options=-csearch_path%3D$schema" >"$map/$key"
fi
exec "$real" "${out[@]}" --store postgres --database-url "$(cat "$map/$key")"
