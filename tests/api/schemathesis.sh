#!/usr/bin/env bash
# Schemathesis against the real server's own OpenAPI document, with all its checks: once
# anonymous, once as a signed-in student and once as a verified teacher with a section, each
# a bounded run. Any failure fails the script.
#
#   tests/api/schemathesis.sh [path/to/kodlek]
#
# Needs `st` (schemathesis, from PyPI) on PATH or in $SCHEMATHESIS; curl and python3.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=$(realpath "${1:-${KODLEK_BIN:-target/debug/kodlek}}")
ST=${SCHEMATHESIS:-st}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-25}
MAX_TIME=${SCHEMATHESIS_MAX_TIME:-120}

DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
LOG=$DATA/server.log

# Only the settings this run chooses reach the server: a fresh SQLite database and outbox.
env -i PATH="$PATH" HOME="$DATA" KODLEK_DATA_DIR="$DATA" KODLEK_LISTEN="127.0.0.1:$PORT" \
  KODLEK_PUBLIC_URL="$BASE" "$BIN" serve >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$BASE/healthz" >/dev/null || { cat "$LOG"; echo "the server did not start" >&2; exit 1; }

# Signs up; prints the session cookie ("kodlek_session=...").
sign_up() {
  curl -fsS -o /dev/null -D - -H 'content-type: application/json' -d "$1" "$BASE/api/v1/accounts" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(kodlek_session=[^;]*\).*/\1/p' | head -1
}

STUDENT=$(sign_up '{"role":"student","display_name":"Probe Student","email":"probe.student@example.org","password":"correct horse battery","age":14}')
TEACHER=$(sign_up '{"role":"teacher","display_name":"Probe Teacher","email":"probe.teacher@example.org","password":"correct horse battery"}')
[[ -n $STUDENT && -n $TEACHER ]] || { echo "could not sign up the probe accounts" >&2; exit 1; }
# The teacher confirms the address with the link in the outbox.
TOKEN=$(python3 - "$DATA/outbox" <<'PY'
import pathlib, re, sys
text = "".join(p.read_text() for p in sorted(pathlib.Path(sys.argv[1]).glob("*.eml")))
text = re.sub(r"=\r?\n", "", text)  # quoted-printable soft line breaks
print(re.findall(r"/verify-email/([A-Za-z0-9_-]+)", text)[-1])
PY
)
curl -fsS -X POST "$BASE/api/v1/email-verifications/$TOKEN" >/dev/null
curl -fsS -H 'content-type: application/json' -H "cookie: $TEACHER" \
  -d '{"name":"Probe class","course_id":"maze-intro","login_type":"picture"}' "$BASE/api/v1/sections" >/dev/null

run() {
  local who=$1
  shift
  local out=$DATA/schemathesis-$who.log
  for round in 1 2; do
    echo "== schemathesis: $who"
    # From the data directory, so that schemathesis keeps its cache there and not in the checkout.
    if (cd "$DATA" && "$ST" --config-file "$HERE/schemathesis.toml" run "$BASE/api/openapi.json" --checks all --max-examples "$MAX_EXAMPLES" \
      --max-time "$MAX_TIME" --request-timeout 20 --workers 2 --suppress-health-check all \
      --warnings off "$@") 2>&1 | tee "$out"; then
      return 0
    fi
    # A crash inside schemathesis itself (its "Runtime Error", such as Python's own AST recursion
    # error while it describes a strategy) says nothing about the API: that run is made once
    # more. Any failed check, or a second crash, fails.
    if [[ $round -eq 1 ]] && grep -q "Runtime Error" "$out" && ! grep -q "FAILURES" "$out"; then
      echo "== schemathesis crashed by itself (not a failed check); running $who once more"
      continue
    fi
    return 1
  done
}

status=0
run anonymous || status=1
run student -H "cookie: $STUDENT" || status=1
run teacher -H "cookie: $TEACHER" || status=1
if [[ $status -ne 0 ]]; then
  echo "schemathesis found failures; the server's log:" >&2
  tail -50 "$LOG" >&2
fi
exit $status
