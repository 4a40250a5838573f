#!/usr/bin/env bash
# A warehouse day under faults, on this machine: two soko servers on one
# fresh PostgreSQL database, driven by soko-load (cmd/soko-load) over HTTP; a third of the
# way in one server is killed with SIGKILL and restarted, two thirds of the
# way in PostgreSQL is stopped (soko must answer /readyz with 503 and
# Retry-After) and started again (soko must recover without a restart);
# then `soko check --orders` must pass. Prints the figures at the end.
#
#   scripts/proof.sh full     # make proof: the whole day, under 10 minutes
#   scripts/proof.sh short    # make proof-short: a few minutes, for CI
#
# Needs Go and a PostgreSQL on 127.0.0.1 with trust authentication for
# postgres (as .ci/run has), managed by pg_ctlcluster for the restart.
# PROOF_PG_PORT (default 5432) picks the cluster; the database is created
# under a unique name and dropped at the end, unless PROOF_KEEP=1 keeps it
# and the logs for a look.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin

mode=${1:-full}
case $mode in
# Orders arrive over the intake time; the faults come at a third and two
# thirds of the duration, both while orders still arrive; the floor then
# ships the rest before the duration is up. An order whose request died
# with a server or the database waits two minutes for its Idempotency-Key
# (the server's idempotencyStale): the full run leaves room for that after
# the database restart, the short one leaves such an order unacknowledged.
full) orders=3000 handhelds=200 stations=20 intake=320 duration=450 ;;
short) orders=600 handhelds=60 stations=8 intake=110 duration=150 ;;
*)
  echo "usage: $0 full|short" >&2
  exit 2
  ;;
esac
port=${PROOF_PG_PORT:-5432}
started=$(date +%s)
work=$(mktemp -d -t soko-proof.XXXXXX)
db=soko_proof_$(date +%Y%m%d%H%M%S)_$$
dburl="postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"
psql=(psql -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt)
cluster=$(pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p { print $1, $2; exit }')
declare -A server_pid server_port
load_pid=""
pg_stopped=0
events=()

say() { printf '%s proof: %s\n' "$(date +%H:%M:%S)" "$*"; }
event() {
  events+=("$*")
  say "$*"
}
fail() {
  say "FAIL: $*"
  exit 1
}

stop_pid() { # pid [signal]: stop a process this script started, and reap it
  local pid=$1 sig=${2:-TERM}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  { wait "$pid" || true; } 2>/dev/null
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$load_pid" INT
  for name in "${!server_pid[@]}"; do stop_pid "${server_pid[$name]}"; done
  if [ "$pg_stopped" = 1 ]; then
    pg_ctlcluster --skip-systemctl-redirect $cluster start || true
  fi
  if [ "${PROOF_KEEP:-}" = 1 ]; then
    say "kept database $dburl and logs in $work"
    exit "$status"
  fi
  "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || say "could not drop database $db"
  if [ "$status" = 0 ]; then
    rm -rf "$work"
  else
    say "logs kept in $work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server NAME PORT: starts soko serve on 127.0.0.1:PORT (0: any free
# port) and waits until it is ready.
start_server() {
  local name=$1 p=$2 log=$work/server-$1.log
  touch "$log"
  SOKO_DATABASE_URL=$dburl SOKO_WEBHOOK_ALLOW_HOSTS=127.0.0.1 SOKO_LOG_FORMAT=json SOKO_NOTIFY_BATCH=20 \
    "$work/soko" serve --addr "127.0.0.1:$p" >>"$log" 2>&1 &
  server_pid[$name]=$!
  for _ in $(seq 1 300); do
    if [ "$p" = 0 ]; then
      p=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" | tail -1)
      p=${p:-0}
    fi
    if [ "$p" != 0 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/readyz")" = 200 ]; then
      server_port[$name]=$p
      return 0
    fi
    kill -0 "${server_pid[$name]}" 2>/dev/null || fail "soko serve $name exited: $(tail -3 "$log")"
    sleep 0.2
  done
  fail "soko serve $name was not ready within a minute"
}

# at SECONDS: waits until that many seconds after the load started; fails
# when the load ended before, since the fault would not be under load.
at() {
  while [ $(($(date +%s) - load_started)) -lt "$1" ]; do
    kill -0 "$load_pid" 2>/dev/null || fail "the load ended at $(($(date +%s) - load_started)) s, before the fault due at $1 s"
    sleep 1
  done
}

api_key=""
api_status() { # SERVER: the status of one merchant API call
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $api_key" "http://127.0.0.1:${server_port[$1]}/api/v1/orders?limit=1"
}

[ -n "$cluster" ] || fail "no pg_ctlcluster cluster listens on port $port: the PostgreSQL restart needs one"
pg_isready -h 127.0.0.1 -p "$port" -t 30 >/dev/null || fail "PostgreSQL is not reachable on 127.0.0.1:$port"

say "$mode run: $orders orders over ${intake}s, $handhelds handhelds, $stations stations, at most ${duration}s, PostgreSQL cluster $cluster (port $port)"
go build -o "$work/soko" ./cmd/soko
go build -o "$work/soko-load" ./cmd/soko-load
"${psql[@]}" -d postgres -c "CREATE DATABASE $db"
SOKO_DATABASE_URL=$dburl "$work/soko-load" --setup --world "$work/world.json" \
  --orders "$orders" --handhelds "$handhelds" --stations "$stations"
api_key=$(sed -n 's/.*"key": "\(soko_[a-z2-7]*\)".*/\1/p' "$work/world.json" | head -1)

start_server a 0
start_server b 0
say "servers a on ${server_port[a]} (pid ${server_pid[a]}), b on ${server_port[b]} (pid ${server_pid[b]})"

"$work/soko-load" --world "$work/world.json" --acked "$work/acked.tsv" \
  --targets "http://127.0.0.1:${server_port[a]},http://127.0.0.1:${server_port[b]}" \
  --orders "$orders" --handhelds "$handhelds" --stations "$stations" --intake "${intake}s" --duration "${duration}s" \
  --require-shipped >"$work/load.log" 2>&1 &
load_pid=$!
load_started=$(date +%s)

# A third of the way in: server a dies mid-request and comes back.
at $((duration / 3))
kill -KILL "${server_pid[a]}"
wait "${server_pid[a]}" 2>/dev/null || true
killed=$(date +%s)
event "$(($(date +%s) - load_started)) s: server a (pid ${server_pid[a]}) killed with SIGKILL"
sleep 5
start_server a "${server_port[a]}"
event "$(($(date +%s) - load_started)) s: server a restarted on the same port, ready $(($(date +%s) - killed)) s after the kill"

# Two thirds of the way in: PostgreSQL stops and starts again under the servers.
at $((duration * 2 / 3))
pids_before="${server_pid[a]} ${server_pid[b]}"
pg_stopped=1
pg_ctlcluster --skip-systemctl-redirect $cluster stop -m fast
down=$(date +%s)
event "$((down - load_started)) s: PostgreSQL stopped"
ready=$(curl -s -D - -o /dev/null --max-time 10 "http://127.0.0.1:${server_port[b]}/readyz" | tr -d '\r')
code=$(printf '%s\n' "$ready" | awk 'NR == 1 { print $2 }')
retry=$(printf '%s\n' "$ready" | sed -n 's/^[Rr]etry-[Aa]fter: *//p')
[ "$code" = 503 ] && [ -n "$retry" ] || fail "with PostgreSQL down, /readyz answered $code (Retry-After: ${retry:-none}), want 503 with Retry-After"
api=$(api_status a)
[ "$api" = 503 ] || fail "with PostgreSQL down, the order API answered $api, want 503"
event "PostgreSQL down: /readyz answers 503 with Retry-After: $retry; the order API answers 503"
sleep 5
pg_ctlcluster --skip-systemctl-redirect $cluster start
pg_stopped=0
pg_isready -h 127.0.0.1 -p "$port" -t 60 >/dev/null || fail "PostgreSQL did not come back"
event "$(($(date +%s) - load_started)) s: PostgreSQL started again after $(($(date +%s) - down)) s"
for _ in $(seq 1 150); do
  ok=1
  for name in a b; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:${server_port[$name]}/readyz")" = 200 ] && [ "$(api_status "$name")" = 200 ] || ok=0
  done
  [ $ok = 1 ] && break
  sleep 0.2
done
[ $ok = 1 ] || fail "the servers did not recover within 30 s of PostgreSQL's return"
[ "${server_pid[a]} ${server_pid[b]}" = "$pids_before" ] && kill -0 ${server_pid[a]} ${server_pid[b]} || fail "a server process did not survive the database restart"
event "$(($(date +%s) - load_started)) s: both servers ready and answering the API again, same processes (pids $pids_before)"

load_status=0
wait "$load_pid" || load_status=$?
load_pid=""
event "$(($(date +%s) - load_started)) s: the load ended (exit $load_status)"
for name in a b; do stop_pid "${server_pid[$name]}"; done

check_status=0
SOKO_DATABASE_URL=$dburl "$work/soko" check --orders "$work/acked.tsv" >"$work/check.log" 2>&1 || check_status=$?

echo
echo "================ soko proof ($mode) ================"
sed -n '/^soko-load .* against /,/^summary:/p' "$work/load.log"
[ "$load_status" = 0 ] || tail -1 "$work/load.log"
echo
echo "faults:"
printf '  %s\n' "${events[@]}"
echo
echo "soko check --orders (exit $check_status):"
sed 's/^/  /' "$work/check.log"
echo
acked=$(sed -n 's/^summary: .*acked=\([0-9]*\).*/\1/p' "$work/load.log")
shipped=$(sed -n 's/^summary: .*shipped=\([0-9]*\) .*/\1/p' "$work/load.log")
server_errors=$(sed -n 's/^summary: .*server_errors=\([0-9]*\).*/\1/p' "$work/load.log")
echo "wall time: $(($(date +%s) - started)) s (load $(sed -n 's/^summary: elapsed=\([^ ]*\).*/\1/p' "$work/load.log")); acknowledged $acked, shipped $shipped; server errors (500) $server_errors"
if [ "$load_status" != 0 ] || [ "$check_status" != 0 ] || [ -z "$acked" ] || [ "$acked" = 0 ]; then
  fail "the load exited $load_status, soko check exited $check_status"
fi
say "PASS: soko check passed after a server kill and a database restart"
