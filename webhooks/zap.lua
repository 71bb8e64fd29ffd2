-- ZAP "Traditional JSON Report" (template traditional-json), e.g. from the automation framework's
-- report job. One case per alert instance (alert x URL x parameter).
-- Format: https://www.zaproxy.org/docs/desktop/addons/report-generation/report-traditional-json/
-- Risk and confidence codes: https://www.zaproxy.org/docs/constants/
-- Set-up and the mapping table: docs/webhooks.md#zap

local str, instant, cut, clip, plain, bounded, key = bantu.str, bantu.instant, bantu.cut, bantu.clip, bantu.plain, bantu.bounded, bantu.key  -- webhooks/lib/bantu.lua

-- riskcode: 0 Informational (skipped), 1 Low, 2 Medium, 3 High.
local SEVERITY = { ["1"] = "low", ["2"] = "medium", ["3"] = "high" }

-- ZAP's desc/solution fields are HTML paragraphs; fields get plain text.
local function text(v, max)
  local s = str(v)
  if not s or s == "" then return nil end
  s = cut(s, 4 * max):gsub("<[^>]*>", " "):gsub("&lt;", "<"):gsub("&gt;", ">"):gsub("&amp;", "&")
  s = s:gsub("%s+", " "):match("^ *(.-) *$")
  if s == "" then return nil end
  return clip(s, max)
end

-- attack and evidence are kept as ZAP wrote them (they often are markup).
local function raw(v, max)
  local s = str(v)
  if not s or s == "" then return nil end
  return clip(s, max)
end

local function array(v, path)
  if v == nil then return {} end
  if type(v) == "table" then return v end
  return reject(path, "must be an array")
end

adapter {
  title = "ZAP scan reports (Traditional JSON)",
  format = "json",
  auth = "hmac",
  parse = function(report, meta)
    if type(report) ~= "table" then
      return reject("payload", "must be a JSON object: a ZAP Traditional JSON report")
    end
    if type(report.site) ~= "table" then
      return reject("site", "missing or not an array: not a ZAP Traditional JSON report")
    end
    local created = instant(report.created)
    local drafts = {}
    for s, site in ipairs(report.site) do
      local site_path = "site[" .. (s - 1) .. "]"
      if type(site) ~= "table" then return reject(site_path, "must be an object") end
      local site_name = str(site["@name"])
      if not site_name or site_name == "" then
        return reject(site_path .. ".@name", "must be a non-empty string")
      end
      local host = str(site["@host"])
      if not host or host == "" then host = site_name end

      for a, alert in ipairs(array(site.alerts, site_path .. ".alerts")) do
        local path = site_path .. ".alerts[" .. (a - 1) .. "]"
        if type(alert) ~= "table" then return reject(path, "must be an object") end
        local riskcode = str(alert.riskcode)
        if riskcode ~= "0" and not SEVERITY[riskcode or ""] then
          return reject(path .. ".riskcode", "must be 0, 1, 2 or 3")
        end
        local plugin = str(alert.pluginid)
        if not plugin or plugin == "" then
          return reject(path .. ".pluginid", "must be a non-empty string")
        end
        local name = str(alert.alert) or str(alert.name)
        if not name or name == "" then return reject(path .. ".alert", "must be a non-empty string") end
        -- alertRef tells apart the variants of one rule (10038-1, 10038-2...); older reports lack it.
        local ref = str(alert.alertRef) or plugin
        local instances = array(alert.instances, path .. ".instances")

        -- Informational alerts and those marked false positive (confidence 0) are skipped.
        if riskcode ~= "0" and str(alert.confidence) ~= "0" then
          -- The alert without its instance list, kept with each instance as evidence.
          local summary = {}
          for k, v in pairs(alert) do
            if k ~= "instances" then summary[k] = v end
          end
          local title = clip("[" .. clip(host, 100) .. "] " .. (name:sub(1, 1000):gsub("%s+", " ")), 300)
          local solution = text(alert.solution, 1000)

          for i, instance in ipairs(instances) do
            local ipath = path .. ".instances[" .. (i - 1) .. "]"
            if type(instance) ~= "table" then return reject(ipath, "must be an object") end
            local uri = str(instance.uri)
            if not uri or uri == "" then return reject(ipath .. ".uri", "must be a non-empty string") end
            local param = str(instance.param) or ""
            -- The query string is left out of the key: ZAP writes its attack payload there, and
            -- a re-scan may pick another payload for the same weakness.
            local path_only = cut(uri, 4096)
            path_only = path_only:sub(1, (path_only:find("?", 1, true) or 0) - 1)
            local dedupe = "zap:" .. site_name .. ":" .. ref .. ":" .. path_only
            if param ~= "" then dedupe = dedupe .. ":" .. param end

            drafts[#drafts + 1] = {
              title = title,
              severity = SEVERITY[riskcode],
              source = "zap",
              asset = clip(uri, 500),
              source_ref = clip(ref, 200),
              dedupe_key = key(dedupe),
              occurred_at = created,
              fields = bounded {
                site = site_name,
                pluginid = plugin,
                alert_ref = str(alert.alertRef),
                risk = str(alert.riskdesc),
                confidence = str(alert.confidence),
                cweid = str(alert.cweid),
                wascid = str(alert.wascid),
                method = str(instance.method),
                param = param ~= "" and clip(param, 200) or nil,
                attack = raw(instance.attack, 500),
                evidence = raw(instance.evidence, 500),
                solution = solution,
              },
              evidence = plain({ site = site_name, alert = summary, instance = instance }, 1),
            }
          end
        end
      end
    end
    return drafts
  end,
}
