-- Wazuh alerts, one alert per request, as the manager's integrator sends them (alert_format json).
-- Alert format: https://documentation.wazuh.com/current/user-manual/manager/manual-integration.html
-- Rule levels:  https://documentation.wazuh.com/current/user-manual/ruleset/rules/rules-classification.html
-- Set-up and the mapping table: docs/webhooks.md#wazuh

local str, clip, bounded = bantu.str, bantu.clip, bantu.bounded  -- webhooks/lib/bantu.lua

-- Severity from rule.level, following Wazuh's rules classification table:
--   0-2   ignored, none, system notifications ("no security relevance")   -> skipped
--   3     successful or authorised events                                   -> info
--   4-6   low-priority errors, user errors, low-relevance attacks           -> low
--   7-9   "bad word" matches, first-time-seen events, errors from bad source -> medium
--   10-11 multiple user errors, integrity-checking warnings                  -> high
--   12-16 high-importance events, unusual errors, severe attacks             -> critical
local function severity_of(level)
  if level <= 3 then return "info" end
  if level <= 6 then return "low" end
  if level <= 9 then return "medium" end
  if level <= 11 then return "high" end
  return "critical"
end

local MIN_LEVEL = 3

local function int(v)
  if type(v) == "string" then v = tonumber(v) end
  if type(v) == "number" then return math.tointeger(v) end
  return nil
end

-- An optional object: nil stays nil, a table passes, anything else rejects the payload.
local function object(v, path)
  if v == nil or type(v) == "table" then return v end
  return reject(path, "must be an object")
end

-- Scalars of a JSON array joined with ", " (other values are left out).
local function join(list)
  if type(list) ~= "table" then return nil end
  local out = {}
  for _, v in ipairs(list) do out[#out + 1] = str(v) end
  if #out == 0 then return nil end
  return clip(table.concat(out, ", "), 500)
end

-- Wazuh writes "2026-11-30T10:15:02.417+0700"; RFC 3339 wants the offset as "+07:00". A time
-- that does not look like ISO-8601 is left out (the case then takes the time Siaga received it).
local function timestamp(v)
  local s = str(v)
  if not s or #s > 64 or not s:match("^%d%d%d%d%-%d%d%-%d%d") then return nil end
  local head, hours, minutes = s:match("^(%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d[%.%d]*)([+-]%d%d)(%d%d)$")
  if head then return head .. hours .. ":" .. minutes end
  return s
end

adapter {
  title = "Wazuh alerts (integrator JSON)",
  format = "json",
  auth = "hmac",
  parse = function(alert, meta)
    if type(alert) ~= "table" then
      return reject("payload", "must be a JSON object: one Wazuh alert")
    end
    local rule = alert.rule
    if type(rule) ~= "table" then
      return reject("rule", "missing or not an object: not a Wazuh alert")
    end
    local level = int(rule.level)
    if not level or level < 0 or level > 16 then
      return reject("rule.level", "must be a number 0-16")
    end
    local rule_id = str(rule.id)
    if not rule_id or rule_id == "" then
      return reject("rule.id", "must be a string or number")
    end
    local description = str(rule.description)
    if not description or description == "" then
      return reject("rule.description", "must be a non-empty string")
    end
    local agent = object(alert.agent, "agent") or {}
    local data = object(alert.data, "data") or {}
    local manager = object(alert.manager, "manager") or {}
    local decoder = object(alert.decoder, "decoder") or {}
    local mitre = object(rule.mitre, "rule.mitre") or {}

    if level < MIN_LEVEL then return {} end

    local agent_name, agent_ip = str(agent.name), str(agent.ip)
    if agent_name == "" then agent_name = nil end
    if agent_ip == "" then agent_ip = nil end
    local asset = agent_name
    if agent_name and agent_ip then
      asset = agent_name .. " (" .. agent_ip .. ")"
    elseif agent_ip then
      asset = agent_ip
    end

    local title = clip((description:sub(1, 1000):gsub("%s+", " ")), 300)
    if agent_name then title = clip("[" .. agent_name .. "] " .. title, 300) end

    local id = str(alert.id)
    return {
      {
        title = title,
        severity = severity_of(level),
        source = "wazuh",
        asset = asset and clip(asset, 500),
        source_ref = id and clip(id, 200),
        dedupe_key = id and clip("wazuh:" .. id, 200),
        occurred_at = timestamp(alert.timestamp),
        fields = bounded {
          rule_id = rule_id,
          rule_level = level,
          rule_groups = join(rule.groups),
          rule_firedtimes = int(rule.firedtimes),
          mitre_ids = join(mitre.id),
          mitre_tactics = join(mitre.tactic),
          agent_id = str(agent.id),
          agent_name = agent_name,
          agent_ip = agent_ip,
          manager = str(manager.name),
          location = str(alert.location),
          decoder = str(decoder.name),
          srcip = str(data.srcip),
          srcuser = str(data.srcuser),
          dstuser = str(data.dstuser),
        },
      },
    }
  end,
}
