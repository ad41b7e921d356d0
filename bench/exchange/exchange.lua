-- wrk script for bench/exchange/run.sh: POSTs one RFC 8693 token exchange (form-encoded) to the token
-- endpoint given on wrk's command line, and prints one machine-readable summary line at the end:
--   RESULT {"requests":N,"seconds":S,"rps":R,"non2xx":N,"errors":N,"p50_us":..,"p90_us":..,"p99_us":..,"max_us":..}
-- The form body is read from the file named by EXCHANGE_BODY_FILE (environment): run.sh writes it with a
-- subject token valid for the whole run. The token is never printed.

local path = os.getenv("EXCHANGE_BODY_FILE")
if not path then
  io.stderr:write("exchange.lua: set EXCHANGE_BODY_FILE to the file holding the form body\n")
  os.exit(2)
end
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"non2xx":%d,"errors":%d,' ..
    '"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f,"max_us":%.1f}\n',
    summary.requests, seconds, summary.requests / seconds, summary.errors.status, errors,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
