-- wrk script for bench/load.py: each request picks a random path from a file, and `done` prints one JSON line.
-- Usage: wrk -t1 -c N -d 60s -s bench/wrk_paths.lua http://127.0.0.1:8765 -- /path/to/paths.txt [MAX_ANSWERS]
-- With MAX_ANSWERS (use -t1), the thread stops sending after that many answers; wrk still waits out -d.
local paths = {}
local answers, max_answers = 0, nil

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  max_answers = tonumber(args[2])
  if max_answers then response = count_answer end  -- without a limit, wrk does not hand answers to Lua at all
  math.randomseed(os.time() + #paths)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function count_answer(status, headers, body)
  answers = answers + 1
  if max_answers and answers >= max_answers then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"count": %d, "errors": %d, "status_errors": %d, "p50": %.3f, "p95": %.3f, "p99": %.3f, "max": %.3f, "seconds": %.3f}\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.duration / 1e6))
end
