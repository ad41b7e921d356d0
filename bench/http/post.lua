-- wrk script for bench/http/run.sh: POSTs the decision input of the issue 5 benchmark to the URL
-- given on wrk's command line, and prints one machine-readable summary line at the end:
--   RESULT {"requests":N,"seconds":S,"rps":R,"non2xx":N,"errors":N,"p50_us":..,"p90_us":..,"p99_us":..,"max_us":..}
-- WRK_DELAY_MS=<n> (environment) adds a pause of n ms after each response on every connection, to
-- drive a rate below the peak (wrk 4.1 has no rate option): rate ~ connections / (n ms + latency).

wrk.method = "POST"
wrk.body = '{"input": {"agent": {"trust_level": "trusted"}, "request": {"operation": "execute", "tool": "shell"}}}'
wrk.headers["Content-Type"] = "application/json"

local pause = tonumber(os.getenv("WRK_DELAY_MS") or "")
if pause and pause > 0 then
  delay = function()
    return pause
  end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"non2xx":%d,"errors":%d,' ..
    '"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f,"max_us":%.1f}\n',
    summary.requests, seconds, summary.requests / seconds, summary.errors.status, errors,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
