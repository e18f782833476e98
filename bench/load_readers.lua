-- Readers for bench/load.py: each connection cycles through the public pages in
-- LOAD_PATHS (comma-separated); answers are counted by status, latencies as wrk measures them.
local paths = {}
for path in string.gmatch(os.getenv("LOAD_PATHS") or "/", "[^,]+") do
  paths[#paths + 1] = path
end
local next_path = 0
counts = {}

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("STATUS %d %d\n", status, n))
  end
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("LATENCY p%s %.1f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("LATENCY max %.1f\n", latency.max / 1000))
  local e = summary.errors
  io.write(string.format("REQUESTS %d %d\n", summary.requests, summary.duration))
  io.write(string.format("ERRORS %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
end
