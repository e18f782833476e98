-- Readers for bench/morning.py: each connection cycles through LOAD_PATHS (comma-separated)
-- through Varnish; answers are counted by status, and per path by Varnish's X-Cache verdict.
local paths = {}
for path in string.gmatch(os.getenv("LOAD_PATHS") or "/", "[^,]+") do
  paths[#paths + 1] = path
end
local next_path = 0
counts = {}
verdicts = {}

-- A reader pauses between pages (READER_PAUSE_MS, default 5): 64 readers, not 64 loops
-- flooding two cores that the app servers, PostgreSQL and the editors share with them.
local pause = tonumber(os.getenv("READER_PAUSE_MS") or "5")
function delay()
  return pause
end

function request()
  next_path = next_path % #paths + 1
  -- Varnish names the address it answered (X-Url): a thread's connections interleave.
  -- Readers ask as browsers do: Varnish keeps pages gzipped and sends them so.
  return wrk.format("GET", paths[next_path], {
    ["X-Debug-Keys"] = "1",
    ["Accept-Encoding"] = "gzip, deflate, br, zstd",
  })
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  local verdict = headers["X-Cache"] or headers["x-cache"] or "NONE"
  local key = verdict .. " " .. (headers["X-Url"] or headers["x-url"] or "?")
  verdicts[key] = (verdicts[key] or 0) + 1
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local total, by_path = {}, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
    for key, n in pairs(thread:get("verdicts")) do
      by_path[key] = (by_path[key] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("STATUS %d %d\n", status, n))
  end
  for key, n in pairs(by_path) do
    io.write(string.format("VERDICT %s %d\n", key, n))
  end
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("LATENCY p%s %.2f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("LATENCY max %.1f\n", latency.max / 1000))
  local e = summary.errors
  io.write(string.format("REQUESTS %d %d\n", summary.requests, summary.duration))
  io.write(string.format("ERRORS %d %d %d %d\n", e.connect, e.read, e.write, e.timeout))
end
