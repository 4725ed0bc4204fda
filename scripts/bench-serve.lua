-- The wrk side of scripts/bench-serve (ServeBench): POST /predict with the bench's request bodies in
-- turn, read from $SERVE_BENCH_BODIES/body0.json ... body(N-1).json, N = $SERVE_BENCH_COUNT.
local dir = assert(os.getenv("SERVE_BENCH_BODIES"), "SERVE_BENCH_BODIES not set")
local n = tonumber(os.getenv("SERVE_BENCH_COUNT") or "1")
local requests = {}
for i = 0, n - 1 do
  local f = assert(io.open(dir .. "/body" .. i .. ".json", "rb"))
  requests[i + 1] = wrk.format("POST", "/predict", {["Content-Type"] = "application/json"}, f:read("*a"))
  f:close()
end
local k = 0
function request()
  k = k % n + 1
  return requests[k]
end
