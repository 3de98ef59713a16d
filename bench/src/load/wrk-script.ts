/**
 * wrk's Lua side. Every request is pre-formatted in init(), one per token, so choosing the
 * next token costs wrk an array index rather than a string build per request. done() prints
 * exact percentiles from wrk's own histogram as one JSON line.
 */
export const WRK_SCRIPT = `
local prepared = {}
local counter = 0

function init(args)
  local file = args[1]
  local cookie = args[2] == "cookie"
  if file ~= nil and file ~= "" then
    for line in io.lines(file) do
      if #line > 0 and cookie then
        prepared[#prepared + 1] = wrk.format("GET", wrk.path, { ["Cookie"] = line })
      elseif #line > 0 then
        prepared[#prepared + 1] = wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. line })
      end
    end
  end
  if #prepared == 0 then prepared[1] = wrk.format("GET", wrk.path) end
end

function request()
  counter = counter + 1
  if counter > #prepared then counter = 1 end
  return prepared[counter]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;
