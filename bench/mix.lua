-- wrk script: cycle through the request paths listed (one per line) in the file named by MIX.
local paths = {}
local counter = 0

init = function(args)
  for line in io.lines(os.getenv("MIX")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  counter = math.random(1, #paths)
end

request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter], {["Accept"] = "*/*"})
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d duration_us=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50), latency:percentile(99)))
end
