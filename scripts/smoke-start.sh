#!/usr/bin/env bash
# The README's quick start as a person or a process manager runs it: `npm start` (no DATABASE_URL: embedded
# PostgreSQL) started from another folder than the repository, in a scratch data folder. Waits for the ready
# line, /health/ready and /docs/json; a second instance must refuse the same data folder and, with a folder
# of its own, the same port (before building a database); then SIGTERM to the one pid that was started
# (npm's) must stop everything within 10 s: no node, no postgres, no postmaster.pid.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
data=$(mktemp -d)
cd "$data"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log="$data/service.log"
# setsid: a process group of its own, as under a process manager; only npm's pid is signalled below.
env -u DATABASE_URL DATA_DIR="$data/.data" PORT="$port" HOST=127.0.0.1 setsid npm --prefix "$repo" start >"$log" 2>&1 &
pid=$!
cleanup() { kill -- -"$pid" 2>/dev/null || true; pkill -f "$data/.data/pg" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
ready=""
for _ in $(seq 1 90); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 1
done
if [ -z "$ready" ]; then echo "service did not become ready:"; tail -30 "$log"; exit 1; fi
grep -q "ready on http://127.0.0.1:$port: API reference at http://127.0.0.1:$port/docs, operator token in $data/.data/operator-token" "$log" \
  || { echo "no ready line naming the address, /docs and the token file:"; tail -5 "$log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/docs/json" | grep -q '"openapi":"3.1.0"'
test "$(stat -c %a "$data/.data/operator-token")" = 600
# A second instance on the same data folder must refuse, and leave the first one's database alone.
port2=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
if env -u DATABASE_URL DATA_DIR="$data/.data" PORT="$port2" HOST=127.0.0.1 timeout 60 node "$repo/dist/server.js" >"$data/second.log" 2>&1; then
  echo "a second instance on the same data folder started"; exit 1
fi
grep -q "runs with the data folder" "$data/second.log" || { echo "second instance did not say why:"; cat "$data/second.log"; exit 1; }
# With a data folder of its own but the same port: refused at once, naming PORT, no database cluster made.
if env -u DATABASE_URL DATA_DIR="$data/other" PORT="$port" HOST=127.0.0.1 timeout 60 node "$repo/dist/server.js" >"$data/third.log" 2>&1; then
  echo "a second instance on the same port started"; exit 1
fi
grep -q "set PORT to a free port" "$data/third.log" || { echo "second instance on the same port did not say why:"; cat "$data/third.log"; exit 1; }
test ! -e "$data/other/pg" || { echo "a database cluster was built before the port was found in use"; exit 1; }
curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "the first instance lost its database"; exit 1; }
kill -TERM "$pid"
stopped=""
for _ in $(seq 1 20); do
  if ! pgrep -f "$repo/dist/server.js|dist/server.js" -s "$pid" >/dev/null && ! pgrep -f "$data/.data/pg" >/dev/null; then stopped=yes; break; fi
  sleep 0.5
done
if [ -z "$stopped" ]; then echo "SIGTERM to npm start's pid left processes running:"; pgrep -af "dist/server.js|$data/.data/pg"; exit 1; fi
test ! -e "$data/.data/pg/postmaster.pid" || { echo "postmaster.pid left behind after SIGTERM"; exit 1; }
if grep -q "$(cat "$data/.data/operator-token")" "$log"; then echo "the operator token reached the log"; exit 1; fi
echo "smoke: npm start from another folder, ready line, docs served, a second instance refused, SIGTERM stops all"
