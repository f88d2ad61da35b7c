-- wrk script for the chava benchmark harness (run with -t1).
-- args: <paths file> <Accept header> <request limit, 0 = none>
-- Each request takes the next path of the file (one path per line, cycling), so a file with
-- one line repeats one request and a file with many lines defeats caches. The thread stops
-- after <limit> responses, bounding the run in count as well as in time (wrk -d). wrk's own
-- duration is always the full -d, so the script notes the wall-clock time when the limit is
-- reached (`date`, called twice per run) and reports it as "stopped_after_us".
local paths = {}
local position = 0
local responses = 0
local limit = 0
local started_ns = 0
stopped_after_us = 0
statuses = ""
local counts = {}

local function now_ns()
  local pipe = io.popen("date +%s%N")
  local value = tonumber(pipe:read("*l"))
  pipe:close()
  return value
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  wrk.headers["Accept"] = args[2]
  limit = tonumber(args[3]) or 0
  started_ns = now_ns()
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  responses = responses + 1
  if status >= 400 then
    counts[status] = (counts[status] or 0) + 1
    local parts = {}
    for code, count in pairs(counts) do
      parts[#parts + 1] = code .. ":" .. count
    end
    statuses = table.concat(parts, ",")
  end
  if limit > 0 and responses == limit then
    stopped_after_us = math.floor((now_ns() - started_ns) / 1000)
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local stopped = 0
  local codes = ""
  for _, thread in ipairs(threads) do
    stopped = math.max(stopped, thread:get("stopped_after_us") or 0)
    codes = codes .. (thread:get("statuses") or "")
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "stopped_after_us": %d, "bytes": %d, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %d, "p99_us": %d, "statuses": "%s"}\n',
    summary.requests, summary.duration, stopped, summary.bytes, summary.errors.status,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), codes))
end
