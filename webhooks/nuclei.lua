-- Nuclei findings as JSON lines, as `nuclei -jsonl` prints them (one result event per line).
-- Format: https://docs.projectdiscovery.io/tools/nuclei/running (-jsonl) and the ResultEvent struct in
--         https://github.com/projectdiscovery/nuclei/blob/dev/pkg/output/output.go
-- Set-up and the mapping table: docs/webhooks.md#nuclei

-- info.severity is already on Siaga's scale; "unknown" (and a missing severity) become info.
local SEVERITY = { info = "info", low = "low", medium = "medium", high = "high", critical = "critical" }

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

local function cut(s, max)
  if #s <= max then return s end
  while max > 0 do
    local b = s:byte(max + 1)
    if b < 0x80 or b >= 0xC0 then break end
    max = max - 1
  end
  return s:sub(1, max)
end

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

local function key(s)
  if #s <= 200 then return s end
  return cut(s, 183) .. "#" .. fnv1a(cut(s, 8192))
end

local function join(list)
  if type(list) ~= "table" then return str(list) end
  local out = {}
  for _, v in ipairs(list) do out[#out + 1] = str(v) end
  if #out == 0 then return nil end
  return clip(table.concat(out, ", "), 500)
end

adapter {
  title = "Nuclei findings (JSON lines)",
  format = "jsonl",
  auth = "token",
  parse = function(lines, meta)
    if type(lines) ~= "table" then return reject("payload", "must be JSON lines") end
    local drafts = {}
    for n, result in ipairs(lines) do
      local at = "line " .. n
      if type(result) ~= "table" then return reject(at, "must be a JSON object") end
      local template_id = str(result["template-id"])
      if not template_id or template_id == "" then
        return reject(at .. ": template-id", "must be a non-empty string")
      end
      local info = result.info
      if type(info) ~= "table" then return reject(at .. ": info", "missing or not an object") end
      local classification = type(info.classification) == "table" and info.classification or {}

      -- With -matcher-status nuclei also prints the templates that did not match: not findings.
      if result["matcher-status"] ~= false then
        local host = str(result.host) or str(result.ip) or "?"
        local matched = str(result["matched-at"]) or str(result.url) or host
        local matcher = str(result["matcher-name"]) or str(result["extractor-name"])
        local name = str(info.name) or template_id
        if matcher and matcher ~= "" then name = name .. " (" .. matcher .. ")" end

        local remediation = str(info.remediation)
        local cvss = tonumber(classification["cvss-score"])
        local asset = host
        local ip = str(result.ip)
        if ip and ip ~= host then asset = host .. " (" .. ip .. ")" end

        -- One case per template, matcher and matched location: a re-scan that finds the same
        -- thing again adds to the open case.
        local dedupe = "nuclei:" .. template_id .. ":" .. (matcher or "") .. ":" .. matched

        drafts[#drafts + 1] = {
          title = clip("[" .. clip(host, 100) .. "] " .. (name:sub(1, 1000):gsub("%s+", " ")), 300),
          severity = SEVERITY[(str(info.severity) or ""):lower()] or "info",
          source = "nuclei",
          asset = clip(asset, 500),
          source_ref = clip(template_id, 200),
          dedupe_key = key(dedupe),
          occurred_at = instant(result.timestamp),
          fields = bounded {
            template_id = template_id,
            template_url = str(result["template-url"]),
            matcher_name = matcher,
            type = str(result.type),
            matched_at = clip(matched, 1000),
            ip = ip,
            port = str(result.port),
            tags = join(info.tags),
            cve = join(classification["cve-id"]),
            cwe = join(classification["cwe-id"]),
            cvss_score = cvss and cvss == cvss and math.abs(cvss) ~= math.huge and cvss or nil,
            cvss_metrics = str(classification["cvss-metrics"]),
            extracted = join(result["extracted-results"]),
            remediation = remediation and clip(remediation, 1000),
          },
          evidence = plain(result, 1),
        }
      end
    end
    return drafts
  end,
}
