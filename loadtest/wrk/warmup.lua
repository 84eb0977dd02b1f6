-- JIT warm-up before a measured run: half the requests for one fixed (soon cached) shopper, half for a
-- new shopper each time (given as _kx, so every one misses and exercises the upstream path).
-- Usage: LT_COOKIE='__kla_id=...' wrk -t1 -c8 -d3s -s loadtest/wrk/warmup.lua http://127.0.0.1:PORT/v1/recommendations/KEY
local cookie = os.getenv("LT_COOKIE") or ""
local counter = 0
local prefix = string.format("%08x", math.random(0, 0x7fffffff))

request = function()
  counter = counter + 1
  if counter % 2 == 0 then
    local kx = string.format("WarmUp%s%030d%%3D.LdTst1", prefix, counter)
    return wrk.format("GET", wrk.path .. "?_kx=" .. kx, { ["Accept"] = "application/json" })
  end
  return wrk.format("GET", wrk.path, { ["Accept"] = "application/json", ["Cookie"] = cookie })
end
