-- Nuclei findings as JSON lines, as `nuclei -jsonl` prints them (one result event per line).
-- Format: https://docs.projectdiscovery.io/tools/nuclei/running (-jsonl) and the ResultEvent struct in
--         https://github.com/projectdiscovery/nuclei/blob/dev/pkg/output/output.go
-- Set-up and the mapping table: docs/webhooks.md#nuclei

local str, instant, clip, plain, bounded, key = bantu.str, bantu.instant, bantu.clip, bantu.plain, bantu.bounded, bantu.key  -- webhooks/lib/bantu.lua

-- info.severity is already on Siaga's scale; "unknown" (and a missing severity) become info.
local SEVERITY = { info = "info", low = "low", medium = "medium", high = "high", critical = "critical" }

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
