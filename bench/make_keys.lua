-- wrk script: CreateKey, appending each new KeyId to BENCH_KEYS_OUT.<thread>
-- (a line per acknowledged key). With BENCH_ENABLE_ROTATION=1 each new key then
-- gets EnableKeyRotation, and each acknowledgement appends a line to
-- BENCH_KEYS_OUT.rot.<thread>. wrk runs for its whole -d even after
-- wrk.thread:stop(), so the caller counts the lines and stops wrk itself.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local total = tonumber(os.getenv("BENCH_KEYS"))
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
  quota = math.floor(total / nthreads) + ((id < total % nthreads) and 1 or 0)
  made = 0
  rotated = 0
  pending = {}
  enable_rotation = os.getenv("BENCH_ENABLE_ROTATION") == "1"
  out = assert(io.open(os.getenv("BENCH_KEYS_OUT") .. "." .. id, "w"))
  out:setvbuf("line")
  if enable_rotation then
    rot = assert(io.open(os.getenv("BENCH_KEYS_OUT") .. ".rot." .. id, "w"))
    rot:setvbuf("line")
  end
  wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
  create = wrk.format("POST", "/", {["X-Amz-Target"] = "TrentService.CreateKey"}, "{}")
end

function request()
  if enable_rotation and #pending > 0 then
    local k = table.remove(pending)
    return wrk.format("POST", "/", {["X-Amz-Target"] = "TrentService.EnableKeyRotation"},
                      '{"KeyId":"' .. k .. '"}')
  end
  return create
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("make_keys: HTTP " .. status .. " " .. body .. "\n")
    return
  end
  local k = body:match('"KeyId":"([0-9a-f%-]+)"')
  if body:find('"KeyMetadata"') and k then
    made = made + 1
    out:write(k, "\n")
    if enable_rotation then table.insert(pending, k) end
  else
    rotated = rotated + 1
    rot:write("r\n")
  end
  if made >= quota and (not enable_rotation or (rotated >= quota and #pending == 0)) then
    out:flush()
    wrk.thread:stop()
  end
end
