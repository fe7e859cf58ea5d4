-- wrk script: POST /v1/leads with a small valid lead; the key comes from BIZFLOW_KEY.
wrk.method = "POST"
wrk.body = '{"email":"load@example.com","company_size":40,"industry":"software","source":"LEAD_SOURCE_WEB_FORM"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BIZFLOW_KEY")

done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("errors: %d non-2xx, %d socket\n", summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
