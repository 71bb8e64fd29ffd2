-- Helpers shared by the webhook adapters. The host loads this file into each adapter's sandbox
-- before the adapter and gives it to the adapter as the global `bantu`:
--   local str, clip, key = bantu.str, bantu.clip, bantu.key
-- Editing it changes every adapter (the server reloads them on save).

-- A scalar as a string; tables and nil give nil.
local function str(v)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" or t == "boolean" then return tostring(v) end
  return nil
end

-- occurred_at only when the tool's time looks like an ISO-8601 instant; anything else would make
-- the host refuse the whole payload, so the case takes the time Siaga received it instead.
local function instant(v)
  local s = str(v)
  if s and #s <= 64 and s:match("^%d%d%d%d%-%d%d%-%d%d") then return s end
  return nil
end

-- The longest prefix of s of at most max bytes that does not split a UTF-8 sequence.
local function cut(s, max)
  if #s <= max then return s end
  while max > 0 do
    local b = s:byte(max + 1)
    if b < 0x80 or b >= 0xC0 then break end
    max = max - 1
  end
  return s:sub(1, max)
end

-- s cut to max bytes with "..." when it was longer.
local function clip(s, max)
  if #s <= max then return s end
  return cut(s, max - 3) .. "..."
end

-- A JSON null inside an array arrives as a hole, and a table with holes cannot go back to JSON:
-- the evidence copy closes them (the nulls are dropped, the order kept).
local function plain(v, depth)
  if type(v) ~= "table" or depth > 64 then return v end
  local out, count, max = {}, 0, 0
  for k, x in pairs(v) do
    count = count + 1
    if math.type(k) == "integer" and k > max then max = k end
    out[k] = plain(x, depth + 1)
  end
  if max <= count then return out end
  local list = {}
  for i = 1, max do
    if out[i] ~= nil then list[#list + 1] = out[i] end
  end
  return list
end

-- Field values are shown on the case; the host takes at most 4000 bytes each.
local function bounded(fields)
  for name, value in pairs(fields) do
    if type(value) == "string" then fields[name] = clip(value, 1000) end
  end
  return fields
end

-- FNV-1a, 64 bits: keeps long dedupe keys (long URLs) distinct when they are shortened.
local function fnv1a(s)
  local h = 0xcbf29ce484222325
  for i = 1, #s do h = (h ~ s:byte(i)) * 0x100000001b3 end
  return string.format("%016x", h)
end

-- A dedupe key of at most 200 bytes: long ones are cut and suffixed with a hash of the whole.
local function key(s)
  if #s <= 200 then return s end
  return cut(s, 183) .. "#" .. fnv1a(cut(s, 8192))
end

return { str = str, instant = instant, cut = cut, clip = clip, plain = plain, bounded = bounded, fnv1a = fnv1a, key = key }
