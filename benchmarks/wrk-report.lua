-- wrk's summary as one line the benchmark scripts read: requests, errors, requests/s, p50, p99 and max in
-- milliseconds, and non-2xx answers.
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.0f %.2f %.2f %.2f %d\n", summary.requests, summary.errors.status
    + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status))
end
