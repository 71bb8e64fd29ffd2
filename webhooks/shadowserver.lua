-- Shadowserver daily network reports (CSV with a header row), one report file per request.
-- Format: https://www.shadowserver.org/what-we-do/network-reporting/ (one page per report type) and
--         https://github.com/The-Shadowserver-Foundation/report_schema (columns, severity.md, types.md)
-- Set-up and the mapping table: docs/webhooks.md#shadowserver

local cut, clip, key = bantu.cut, bantu.clip, bantu.key  -- webhooks/lib/bantu.lua

local SEVERITIES = { info = true, low = true, medium = true, high = true, critical = true }

-- Case fields the host sets itself; a column of that name is renamed (severity is the draft's own).
local RESERVED = { asset = true, source = true, source_ref = true, adapter = true, occurred_at = true, tlp = true }

-- Older reports have no severity column. Then the tag decides, from Shadowserver's default
-- severity of the report that carries that tag (report_schema/types.md); anything else is medium.
local TAG_SEVERITY = {
  rdp = "high", smb = "high", vnc = "high", netbios = "high", snmp = "high", mysql = "high",
  postgres = "high", redis = "high", mongodb = "high", elasticsearch = "high", memcached = "high",
  ipmi = "high", ldap = "high", ["ldap-tcp"] = "high", ssdp = "high", ubiquiti = "high",
  adb = "critical", docker = "critical", ["cisco-smart-install"] = "critical",
  telnet = "medium", ftp = "medium", ntp = "medium", dns = "medium",
  ssh = "low", isakmp = "low", ["ssl-poodle"] = "low", ["ssl-freak"] = "low",
}

-- A non-empty cell, trimmed; nil for a missing column or an empty cell.
local function cell(row, name)
  local v = row[name]
  if type(v) ~= "string" then return nil end
  v = cut(v, 4096):match("^%s*(.-)%s*$")
  if v == "" then return nil end
  return v
end

local function severity_of(row, tag)
  local s = (cell(row, "severity") or ""):lower()
  if SEVERITIES[s] then return s end
  local best, rank = nil, { info = 1, low = 2, medium = 3, high = 4, critical = 5 }
  for word in (tag or ""):lower():gmatch("[^,;%s]+") do
    local s2 = TAG_SEVERITY[word]
    if s2 and (not best or rank[s2] > rank[best]) then best = s2 end
  end
  return best or "medium"
end

adapter {
  title = "Shadowserver reports (CSV)",
  format = "csv",
  auth = "hmac",
  parse = function(rows, meta)
    if type(rows) ~= "table" then return reject("payload", "must be a CSV report") end
    local first = rows[1]
    if first == nil then return {} end
    if type(first) ~= "table" then return reject("payload", "must be a CSV report") end
    -- Scan reports name the host "ip"; event reports (honeypot, sinkhole) "src_ip".
    local ip_column = first.ip ~= nil and "ip" or first.src_ip ~= nil and "src_ip"
    if not ip_column then
      return reject("ip", "column missing: a Shadowserver report has an ip (or src_ip) column")
    end
    if first.timestamp == nil then
      return reject("timestamp", "column missing: a Shadowserver report has a timestamp column")
    end
    local port_column = ip_column == "ip" and "port" or "src_port"

    local drafts = {}
    for n, row in ipairs(rows) do
      if type(row) ~= "table" then return reject("row " .. n, "must be a CSV row") end
      local ip = cell(row, ip_column)
      -- A row without an address names no host of ours: skipped.
      if ip then
        local port = cell(row, port_column)
        local event_id = cell(row, "event_id")
        local hostname = cell(row, "hostname") or cell(row, "src_hostname")
        local tag = cell(row, "tag") or cell(row, "infection") or "unknown"
        local stamp = cell(row, "timestamp") or ""
        -- Shadowserver writes UTC as "2026-11-29 02:14:37".
        local date, time = stamp:match("^(%d%d%d%d%-%d%d%-%d%d)[ T](%d%d:%d%d:%d%d)")

        local where = (hostname or ip) .. (port and ":" .. port or "")
        local label = (clip(tag, 200):gsub("%s*[;,]%s*", ", "))
        local asset = hostname and (hostname .. " (" .. ip .. ")") or ip
        -- In event reports the port is the client's ephemeral port: left out of the key.
        local dedupe = "shadowserver:" .. tag .. ":" .. ip
        if ip_column == "ip" then dedupe = dedupe .. ":" .. (port or "") end
        dedupe = dedupe .. ":" .. (date or stamp)

        local fields = {}
        for name, value in pairs(row) do
          if type(name) == "string" and #name <= 56 and name ~= "" and name ~= "severity"
              and type(value) == "string" and value ~= "" then
            fields[RESERVED[name] and "column_" .. name or name] = clip(value, 1000)
          end
        end

        drafts[#drafts + 1] = {
          title = clip("[" .. clip(where, 100) .. "] Shadowserver: " .. label, 300),
          severity = severity_of(row, tag),
          source = "shadowserver",
          asset = clip(asset, 500),
          -- Scan reports carry no row id: the reference is what the row is about (tag, address, day).
          source_ref = clip(event_id or dedupe:sub(#"shadowserver:" + 1), 200),
          dedupe_key = key(dedupe),
          occurred_at = date and (date .. "T" .. time .. "Z") or nil,
          fields = fields,
          evidence = row,
        }
      end
    end
    return drafts
  end,
}
