-- MISP events in the MISP core format ({"Event": {...}}), as a MISP workflow's Webhook module or
-- a script (PyMISP, curl on /events/view/ID) sends them. One event gives one case.
-- Format: https://www.misp-project.org/datamodels/ (MISP core format, draft-dulaunoy-misp-core-format)
-- Set-up and the mapping table: docs/webhooks.md#misp

local str, instant, clip, bounded = bantu.str, bantu.instant, bantu.clip, bantu.bounded  -- webhooks/lib/bantu.lua

-- threat_level_id: 1 High, 2 Medium, 3 Low, 4 Undefined.
local SEVERITY = { ["1"] = "high", ["2"] = "medium", ["3"] = "low", ["4"] = "info" }

-- MISP tlp:* tags to TLP 2.0 labels (tlp:white is TLP 1.0's name for CLEAR); the strictest wins.
local TLP = {
  ["tlp:clear"] = "CLEAR", ["tlp:white"] = "CLEAR", ["tlp:green"] = "GREEN",
  ["tlp:amber"] = "AMBER", ["tlp:amber+strict"] = "AMBER+STRICT", ["tlp:red"] = "RED",
}
local TLP_RANK = { CLEAR = 1, GREEN = 2, AMBER = 3, ["AMBER+STRICT"] = 4, RED = 5 }

-- An optional array or object: nil gives an empty table, anything but a table rejects.
local function list(v, path)
  if v == nil then return {} end
  if type(v) == "table" then return v end
  return reject(path, "must be an array")
end

adapter {
  title = "MISP events (core format JSON)",
  format = "json",
  auth = "token",
  parse = function(payload, meta)
    if type(payload) ~= "table" then
      return reject("payload", "must be a JSON object: {\"Event\": {...}}")
    end
    local event = payload.Event
    -- Some exports send the event object itself, without the {"Event": ...} wrapper.
    if event == nil and payload.uuid ~= nil and payload.info ~= nil then event = payload end
    if type(event) ~= "table" then
      return reject("Event", "missing or not an object: not a MISP event")
    end
    local uuid = str(event.uuid)
    if not uuid or uuid == "" then
      return reject("Event.uuid", "must be a non-empty string")
    end
    local info = str(event.info)
    if not info or info == "" then
      return reject("Event.info", "must be a non-empty string")
    end
    local severity = SEVERITY[str(event.threat_level_id) or ""]
    if not severity then
      return reject("Event.threat_level_id", "must be 1, 2, 3 or 4")
    end

    -- Tags: tlp:* set the label; the others are listed in a field.
    local tlp, others = nil, {}
    for i, tag in ipairs(list(event.Tag, "Event.Tag")) do
      local name = type(tag) == "table" and str(tag.name)
      if not name then return reject("Event.Tag[" .. (i - 1) .. "].name", "must be a string") end
      local label = TLP[name:lower()]
      if label then
        if not tlp or TLP_RANK[label] > TLP_RANK[tlp] then tlp = label end
      else
        others[#others + 1] = name
      end
    end

    -- Attributes, those inside objects included: a count, the IDS-flagged count, and the types.
    -- The asset: the first target-* attribute (target-machine, target-org...), which MISP uses for
    -- the victim; without one, the first network indicator, marked as such.
    local count, ids, types, type_order = 0, 0, {}, {}
    local target, indicator
    local NETWORK = { ["ip-dst"] = true, ["ip-src"] = true, domain = true, hostname = true, url = true }
    local function tally(attributes, path)
      for i, attribute in ipairs(list(attributes, path)) do
        if type(attribute) ~= "table" then
          return reject(path .. "[" .. (i - 1) .. "]", "must be an object")
        end
        count = count + 1
        if attribute.to_ids == true or attribute.to_ids == "1" then ids = ids + 1 end
        local kind = str(attribute.type) or "?"
        local value = str(attribute.value)
        if value and not target and kind:sub(1, 7) == "target-" then target = value end
        if value and not indicator and NETWORK[kind] then indicator = kind .. " " .. value end
        if not types[kind] then type_order[#type_order + 1] = kind end
        types[kind] = (types[kind] or 0) + 1
      end
    end
    tally(event.Attribute, "Event.Attribute")
    for i, object in ipairs(list(event.Object, "Event.Object")) do
      if type(object) ~= "table" then
        return reject("Event.Object[" .. (i - 1) .. "]", "must be an object")
      end
      tally(object.Attribute, "Event.Object[" .. (i - 1) .. "].Attribute")
    end
    local summary = {}
    for _, kind in ipairs(type_order) do summary[#summary + 1] = kind .. " " .. types[kind] end

    local orgc = type(event.Orgc) == "table" and event.Orgc or {}
    return {
      {
        title = clip((info:sub(1, 1000):gsub("%s+", " ")), 300),
        severity = severity,
        source = "misp",
        source_ref = clip(uuid, 200),
        asset = (target and clip(target, 500)) or (indicator and clip("indikator: " .. indicator, 500)) or nil,
        dedupe_key = clip("misp:" .. uuid, 200),
        occurred_at = instant(event.date),
        tlp = tlp,
        fields = bounded {
          event_id = str(event.id),
          org = str(orgc.name),
          threat_level_id = str(event.threat_level_id),
          analysis = str(event.analysis),
          published = event.published == true or nil,
          attribute_count = count,
          ids_attribute_count = ids,
          attribute_types = count > 0 and clip(table.concat(summary, ", "), 500) or nil,
          tags = #others > 0 and clip(table.concat(others, ", "), 500) or nil,
        },
      },
    }
  end,
}
