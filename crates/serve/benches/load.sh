#!/usr/bin/env bash
# Load benchmark of `digindex serve` on loopback with wrk (Debian package):
# the scores endpoint and re-weighting, each for a bounded time; then
# re-weighting while other clients flood the claim checker with claims
# that miss the cache, and the scores endpoint while 1,000 idle
# connections are held open (idle.py).
#
#   crates/serve/benches/load.sh [SECONDS] [CONNECTIONS]   (defaults 10, 16)
#
# Prints wrk's requests/s and latency percentiles; any non-2xx answer or
# socket error is reported by wrk and makes this script fail.
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${1:-10}
conns=${2:-16}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
cargo build --release -q -p digindex-cli
port=$((20000 + RANDOM % 20000))
target/release/digindex serve frameworks/tokyo-statement --addr 127.0.0.1:$port -q &
server=$!
trap 'kill -INT $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/indices" >/dev/null && break; sleep 0.2; done
api="http://127.0.0.1:$port/api/indices/tokyo-statement"
lua=$(mktemp --suffix=.lua)
cat > "$lua" <<'LUA'
-- a different weight set on every request, so nothing can be cached
local n = 0
request = function()
  n = n + 1
  local w = 1 + (n % 9) / 2
  local body = string.format('{"weights":{"Connectivity":%.1f,"Sustainability":%.1f}}', w, 6 - w)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("non-2xx or socket errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
status=0
run() {
  local name=$1; shift
  echo "== $name ($secs s, $conns connections, 2 threads)"
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$@")
  echo "$out" | grep -E 'Requests/sec|Latency  |50%|90%|99%|Non-2xx|Socket errors|non-2xx'
  if echo "$out" | grep -qE 'Non-2xx|Socket errors|non-2xx or socket errors: [1-9]'; then status=1; fi
}
run "GET /scores?region=asean" "$api/scores?region=asean"
run "POST /reweight" -s "$lua" "$api/reweight"

claims=$(mktemp --suffix=.lua)
cat > "$claims" <<'LUA'
-- 600 different claims in turn, more than the server's cache holds
local units = {"IRN","TUR","ISR","SAU","EGY","ARE","QAT","JOR","IRQ","PAK","IND","CHN","JPN","KOR","SGP","MYS","IDN","THA","VNM","PHL"}
local regions = {"middle_east","escap_asia_pacific","oic"}
local n = 0
request = function()
  n = n + 1
  local u = units[(n % #units) + 1]
  local r = regions[(math.floor(n / #units) % #regions) + 1]
  local y = 2013 + (math.floor(n / (#units * #regions)) % 10)
  local body = string.format('{"claim":"%s ranks 2 in ai_papers among %s in %d"}', u, r, y)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
-- answers by status: 200 a verdict, 400 a country outside the region,
-- 503 turned away at once because the claim queue was full
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do io.write(string.format("status %d: %d\n", status, n)) end
  end
end
LUA
echo "== POST /reweight while 8 more connections send claim checks ($secs s)"
claim_out=$(mktemp)
wrk -t1 -c8 -d"${secs}s" --latency -s "$claims" "http://127.0.0.1:$port/api/check" > "$claim_out" &
flood=$!
sleep 1
out=$(wrk -t1 -c8 -d"$((secs - 2))s" --latency -s "$lua" "$api/reweight")
wait $flood
echo "$out" | grep -E 'Requests/sec|Latency  |50%|90%|99%|Non-2xx|Socket errors'
if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then status=1; fi
echo "   claim checks meanwhile:"
grep -E 'Requests/sec|Latency  |99%|^status' "$claim_out" | sed 's/^/   /'
rm -f "$claim_out" "$claims"

echo "== GET /scores while 1,000 idle connections are held open"
python3 crates/serve/benches/idle.py 127.0.0.1 "$port" 1000 $((secs + 4)) &
idle=$!
sleep 2
run "GET /scores?region=asean with 1,000 idle connections" "$api/scores?region=asean"
wait $idle
rm -f "$lua"
exit $status
