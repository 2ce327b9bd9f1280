#!/usr/bin/env bash
# Starts the service as the README says (no DATABASE_URL: embedded PostgreSQL) in a scratch data folder,
# waits for /health/ready and /docs/json, then stops it with SIGTERM and checks it shut down cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log="$data/service.log"
env -u DATABASE_URL DATA_DIR="$data/.data" PORT="$port" HOST=127.0.0.1 node dist/server.js >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
ready=""
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 1
done
if [ -z "$ready" ]; then echo "service did not become ready:"; tail -30 "$log"; exit 1; fi
curl -fsS "http://127.0.0.1:$port/docs/json" | grep -q '"openapi":"3.1.0"'
test "$(stat -c %a "$data/.data/operator-token")" = 600
# A second instance on the same data folder must refuse, and leave the first one's database alone.
port2=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
if env -u DATABASE_URL DATA_DIR="$data/.data" PORT="$port2" HOST=127.0.0.1 timeout 60 node dist/server.js >"$data/second.log" 2>&1; then
  echo "a second instance on the same data folder started"; exit 1
fi
grep -q "runs with the data folder" "$data/second.log" || { echo "second instance did not say why:"; cat "$data/second.log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "the first instance lost its database"; exit 1; }
kill -TERM "$pid"
for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$pid" 2>/dev/null; then echo "service did not stop on SIGTERM"; exit 1; fi
if pgrep -f "$data/.data/pg" >/dev/null; then echo "embedded PostgreSQL still runs after shutdown"; exit 1; fi
if grep -q "$(cat "$data/.data/operator-token")" "$log"; then echo "the operator token reached the log"; exit 1; fi
echo "smoke: ready, docs served, clean shutdown"
