-- wrk script: optional Cookie header from the environment, and a JSON summary from done().
-- Usage: LT_COOKIE='__kla_id=...' wrk -t1 -c16 -d8s -s loadtest/wrk/report.lua http://127.0.0.1:PORT/path
-- Prints one line: WRK_JSON {...} with requests, req/s and latency percentiles in microseconds.

local cookie = os.getenv("LT_COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local parts = {
    string.format('"requests":%d', summary.requests),
    string.format('"duration_s":%.3f', seconds),
    string.format('"rps":%.1f', summary.requests / seconds),
    string.format('"bytes":%d', summary.bytes),
    string.format('"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}',
      e.connect, e.read, e.write, e.status, e.timeout),
    string.format('"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}',
      latency.min, latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)),
  }
  io.write("WRK_JSON {" .. table.concat(parts, ",") .. "}\n")
end
