-- wrk script for bench/h5p_xapi.py: every request posts one xAPI "answered" statement for the next
-- teacher (round robin over the teachers file, each wrk thread taking its own share), logged in by a
-- Django session cookie, with Django's CSRF cookie and X-CSRFToken header, and a fresh v4 UUID id.
-- Statements alternate between the right answer and a wrong one; every 10th (a wrong one) claims full
-- marks, and says so in a bench-only context extension, so that the check knows which ones lied.
-- H5P_TEACHERS names the file (one "sessionid csrftoken mbox claims" a line), H5P_PATH the statement URL path,
-- H5P_THREADS the number of wrk threads, H5P_SEED a per-run seed; H5P_RIGHT / H5P_WRONG the responses
-- and H5P_MAX the maximum score.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(os.getenv("H5P_TEACHERS")) do all[#all + 1] = line end
  local n = tonumber(os.getenv("H5P_THREADS") or "1")
  teachers = {}
  for i = id + 1, #all, n do
    local session, csrf, mbox, token = line_split(all[i])
    teachers[#teachers + 1] = {
      headers = {
        ["Content-Type"] = "application/json",
        ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf,
        ["X-CSRFToken"] = csrf,
        ["X-H5P-Token"] = token,
      },
      mbox = mbox,
    }
  end
  path = os.getenv("H5P_PATH")
  right, wrong, maximum = os.getenv("H5P_RIGHT"), os.getenv("H5P_WRONG"), os.getenv("H5P_MAX")
  math.randomseed(tonumber(os.getenv("H5P_SEED") or "1") + 7919 * id)
  sent, ok, bad, forbidden, other, lies = 0, 0, 0, 0, 0, 0
end

function line_split(line)
  local parts = {}
  for part in line:gmatch("%S+") do parts[#parts + 1] = part end
  return parts[1], parts[2], parts[3], parts[4]
end

local function hex(count)
  local out = {}
  for i = 1, count do out[i] = string.format("%x", math.random(0, 15)) end
  return table.concat(out)
end

local function uuid4()
  -- version 4, variant 10xx
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" .. string.format("%x", math.random(8, 11)) .. hex(3)
    .. "-" .. hex(12)
end

function request()
  sent = sent + 1
  local teacher = teachers[(sent - 1) % #teachers + 1]
  local is_right = sent % 2 == 1
  local lie = sent % 10 == 0  -- always a wrong answer (even), claiming full marks
  local response = is_right and right or wrong
  local raw = (is_right or lie) and maximum or "0"
  if lie then lies = lies + 1 end
  local body = '{"id":"' .. uuid4() .. '",'
    .. '"actor":{"name":"基准教师","mbox":"' .. teacher.mbox .. '","objectType":"Agent"},'
    .. '"verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"en-US":"answered"}},'
    .. '"object":{"id":"http://127.0.0.1/h5p/activities/1","objectType":"Activity","definition":{'
    .. '"extensions":{"http://h5p.org/x-api/h5p-local-content-id":"1"},"interactionType":"choice"}},'
    .. '"context":{"contextActivities":{"category":[{"id":"http://h5p.org/libraries/H5P.MultiChoice-1.16",'
    .. '"objectType":"Activity"}]}' .. (lie and ',"extensions":{"http://lms.invalid/bench/lie":true}' or '') .. '},'
    .. '"result":{"completion":true,"success":' .. tostring(raw == maximum) .. ',"duration":"PT5S",'
    .. '"response":"' .. response .. '",'
    .. '"score":{"min":0,"max":' .. maximum .. ',"raw":' .. raw .. ',"scaled":' .. (raw == maximum and "1" or "0") .. '}}}'
  return wrk.format("POST", path, teacher.headers, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status == 400 then
    bad = bad + 1
  elseif status == 403 then
    forbidden = forbidden + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = { sent = 0, ok = 0, bad = 0, forbidden = 0, other = 0, lies = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format(
    "H5P_RESULT sent=%d ok=%d bad=%d forbidden=%d other=%d lies=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    t.sent, t.ok, t.bad, t.forbidden, t.other, t.lies, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
