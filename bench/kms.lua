-- wrk script: POST / with a KMS JSON 1.1 request.
--   BENCH_TARGET     the operation (X-Amz-Target: TrentService.<op>); empty: no header (nginx)
--   BENCH_BODY_FILE  the request body; "{KEY}" in it is replaced per request by the
--                    next line of BENCH_KEYS_FILE (when set), cycling, each thread
--                    starting at its own offset.
--   BENCH_HEADERS_FILE (optional) extra headers, "Name: value" a line, sent with every
--                    request: the SigV4 headers bench/prepare_access.py signed for this
--                    exact body (strict mode), so every request is the same signed request.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
  body = f:read("*a")
  f:close()
  local target = os.getenv("BENCH_TARGET") or ""
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
  if target ~= "" then
    wrk.headers["X-Amz-Target"] = "TrentService." .. target
  end
  local hf = os.getenv("BENCH_HEADERS_FILE") or ""
  if hf ~= "" then
    for line in io.lines(hf) do
      local name, value = line:match("^([^:]+): (.*)$")
      if name then wrk.headers[name] = value end
    end
  end
  local kf = os.getenv("BENCH_KEYS_FILE") or ""
  if kf ~= "" then
    keys = {}
    for line in io.lines(kf) do
      if line ~= "" then keys[#keys + 1] = line end
    end
    counter = (id or 0) * math.floor(#keys / 2)
  end
  static = wrk.format("POST", "/", nil, body)
end

function request()
  if keys then
    counter = counter + 1
    local k = keys[(counter % #keys) + 1]
    return wrk.format("POST", "/", nil, (body:gsub("{KEY}", k)))
  end
  return static
end
