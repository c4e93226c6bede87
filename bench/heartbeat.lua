-- wrk script for bench/heartbeat.py: every request beats the next watch session once
-- (seq 1, 30 s played, at 30 s), each thread taking its own share of the tokens.
-- HEARTBEAT_TOKENS names the token file (one a line), HEARTBEAT_THREADS the number of wrk threads.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(os.getenv("HEARTBEAT_TOKENS")) do all[#all + 1] = line end
  local n = tonumber(os.getenv("HEARTBEAT_THREADS") or "1")
  tokens = {}
  for i = id + 1, #all, n do tokens[#tokens + 1] = all[i] end
  sent, posted, ok, refused, other, exhausted = 0, 0, 0, 0, 0, 0
end

function request()
  sent = sent + 1
  local token = tokens[sent]
  if token == nil then
    -- Every session has been beaten: stop this thread (a GET is refused with 405 and writes nothing).
    exhausted = 1
    return wrk.format("GET", "/learn/heartbeat/")
  end
  posted = posted + 1
  local body = '{"token":"' .. token .. '","seq":1,"position":30,"played":30}'
  return wrk.format("POST", "/learn/heartbeat/", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status == 409 then
    refused = refused + 1
  else
    other = other + 1
  end
  if exhausted == 1 then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local t = { posted = 0, ok = 0, refused = 0, other = 0, exhausted = 0 }
  for _, thread in ipairs(threads) do
    t.posted = t.posted + thread:get("posted")
    t.ok = t.ok + thread:get("ok")
    t.refused = t.refused + thread:get("refused")
    t.other = t.other + thread:get("other")
    t.exhausted = t.exhausted + thread:get("exhausted")
  end
  io.write(string.format(
    "HEARTBEAT_RESULT posted=%d ok=%d refused=%d other=%d exhausted_threads=%d p50_us=%d p99_us=%d\n",
    t.posted, t.ok, t.refused, t.other, t.exhausted, latency:percentile(50), latency:percentile(99)))
end
