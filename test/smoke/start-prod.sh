#!/usr/bin/env bash
# CI, after `npm run build`: the compiled build starts with node alone (embedded PostgreSQL in a
# fresh DATA_DIR) and serves the API, the staff panel's login page and its prebuilt bundle.
# Catches a file the compiled code reads at run time that the build does not put in dist/.
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${SMOKE_PORT:-4390}
data=$(mktemp -d)
PORT=$port HOST=127.0.0.1 EMBEDDED_PG_PORT=${SMOKE_PG_PORT:-54390} DATA_DIR="$data" LOG_LEVEL=warn CLERK_TELEMETRY_DISABLED=1 \
  node dist/src/main.js > "$data/server.log" 2>&1 &
server=$!
# as root the data lives behind the DATA_DIR/pg link (src/shared/embedded-postgres.ts): remove both
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -L "$data/pg" ] && rm -rf "$(readlink "$data/pg")"; rm -rf "$data"' EXIT
for path in /readyz /admin/login /admin/frontend/assets/components.bundle.js; do
  if ! node -e '
    const url = process.argv[1], until = Date.now() + 60_000;
    const poll = async () => {
      const status = await fetch(url).then((r) => r.status, () => 0);
      if (status === 200) process.exit(0);
      if (Date.now() > until) process.exit(1);
      setTimeout(poll, 200);
    };
    poll();' "http://127.0.0.1:$port$path"; then
    echo "start:prod smoke: $path did not answer 200 within 60 s; the server said:" >&2
    cat "$data/server.log" >&2
    exit 1
  fi
done
echo "start:prod smoke: /readyz, /admin/login and the prebuilt panel bundle answer 200"
