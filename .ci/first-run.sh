#!/usr/bin/env bash
# A new user's first run, as the README tells it: clone this checkout (its last commit) into a
# fresh 0700 folder (like root's home, which the embedded PostgreSQL's user cannot enter),
# `npm ci`, `npm start` on free ports until /readyz answers 200, stop it, start it again (the
# data must be reused: no second demo seed), stop it. Fails loudly on any step.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
chmod 700 "$work"
server=''

fail() {
  echo "first-run: FAILED: $*" >&2
  [ -f "$work/start.log" ] && { echo '--- npm start output (last 40 lines) ---' >&2; tail -n 40 "$work/start.log" >&2; }
  exit 1
}

cleanup() {
  [ -n "$server" ] && kill -KILL -- "-$server" 2>/dev/null || true
  local data="$work/shop/.data/pg"
  [ -L "$data" ] && rm -rf "$(readlink "$data")" # as root the data lives outside the clone
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"; }

# Starts `npm start` in its own process group, waits for /readyz 200 and for the staff panel
# (its "Admin" line), at most 180 s. The API serves before the panel is built; stopping only
# once it is built matters under tsx, which SIGKILLs a child that is too busy (AdminJS loading)
# to acknowledge a relayed SIGTERM within 30 ms.
start() {
  : > "$work/start.log"
  PORT="$port" EMBEDDED_PG_PORT="$pg_port" setsid npm start > "$work/start.log" 2>&1 &
  server=$!
  local ready=''
  for _ in $(seq 1 180); do
    kill -0 "$server" 2>/dev/null || fail "npm start exited before it was ready"
    [ -z "$ready" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] && ready=yes
    [ -n "$ready" ] && grep -q '"msg":"Admin ' "$work/start.log" && return 0
    sleep 1
  done
  [ -n "$ready" ] && fail "the staff panel was not built within 180 s"
  fail "/readyz did not answer 200 within 180 s"
}

# SIGTERM to the whole process group, as a process manager (or Ctrl-C, with SIGINT) sends it:
# npm itself dies of it (status 143), so the server's own drain is what is checked. Every
# process, the embedded PostgreSQL included, must be gone within 20 s.
stop() {
  kill -TERM -- "-$server"
  for _ in $(seq 1 20); do
    if ! kill -0 -- "-$server" 2>/dev/null; then
      wait "$server" || true
      server=''
      grep -q '"msg":"draining connections"' "$work/start.log" || fail "the server did not drain its connections on SIGTERM"
      return 0
    fi
    sleep 1
  done
  fail "npm start (or its embedded PostgreSQL) was still running 20 s after SIGTERM"
}

git clone --quiet "$repo" "$work/shop"
cd "$work/shop"
npm ci --no-audit --no-fund > "$work/install.log" 2>&1 || { tail -n 40 "$work/install.log" >&2; fail "npm ci"; }
port="$(free_port)"
pg_port="$(free_port)"

start
grep -q 'demo catalog seeded' "$work/start.log" || fail "the first start did not seed the demo catalog"
stop
start
grep -q 'demo catalog seeded' "$work/start.log" && fail "the second start seeded again: the data did not survive the restart"
stop
echo "first-run: ok (clone in a 0700 folder as $(id -un): npm ci, npm start serves /readyz 200, a restart reuses the data)"
