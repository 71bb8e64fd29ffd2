-- Siaga's own finding format, for scripts and tools without an adapter of their own.
-- Format: docs/webhooks.md#generic (this file is its reference implementation)
--
--   {"source": "cek-situs", "findings": [ {finding}, ... ]}     a batch (source is optional)
--   [ {finding}, ... ]                                          a batch without a source
--   {finding}                                                   one finding
--
--   finding: title (required), severity (required: info|low|medium|high|critical), id, asset,
--            source, occurred_at, tlp (CLEAR|GREEN|AMBER|AMBER+STRICT|RED), details (flat object)

local cut, clip, plain, key = bantu.cut, bantu.clip, bantu.plain, bantu.key  -- webhooks/lib/bantu.lua

local SEVERITIES = { info = true, low = true, medium = true, high = true, critical = true }
-- Case fields the host sets itself: a finding names them with its own members, not in details.
local RESERVED = { severity = true, asset = true, source = true, source_ref = true, adapter = true,
                   occurred_at = true, tlp = true }
local TLPS = { CLEAR = true, GREEN = true, AMBER = true, ["AMBER+STRICT"] = true, RED = true }

-- "findings[2]" + "title" -> "findings[2].title"; a lone finding has no prefix.
local function at(path, name)
  if path == "" then return name end
  return path .. "." .. name
end

-- An optional string member: nil stays nil, "" counts as absent, anything else rejects.
local function text(finding, name, path)
  local v = finding[name]
  if v == nil or v == "" then return nil end
  if type(v) ~= "string" then return reject(at(path, name), "must be a string") end
  return v
end

local function draft(finding, path, batch_source)
  if type(finding) ~= "table" then return reject(path, "must be an object") end
  local title = text(finding, "title", path)
  if not title then return reject(at(path, "title"), "required: a non-empty string") end
  local severity = finding.severity
  if type(severity) ~= "string" or not SEVERITIES[severity:lower()] then
    return reject(at(path, "severity"), "must be one of info, low, medium, high, critical")
  end
  local tlp = text(finding, "tlp", path)
  if tlp then
    tlp = cut(tlp, 32):upper():gsub("^TLP:", "")
    if not TLPS[tlp] then
      return reject(at(path, "tlp"), "must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED")
    end
  end
  local occurred_at = finding.occurred_at
  if occurred_at ~= nil and math.type(occurred_at) ~= "integer"
      and not (type(occurred_at) == "string" and #occurred_at <= 64 and occurred_at:match("^%d%d%d%d%-%d%d%-%d%d")) then
    return reject(at(path, "occurred_at"), "must be an ISO-8601 string or unix seconds")
  end

  local id = finding.id
  if id ~= nil and type(id) ~= "string" and math.type(id) ~= "integer" then
    return reject(at(path, "id"), "must be a string or an integer")
  end
  id = id ~= nil and tostring(id) or nil
  if id == "" then id = nil end
  local source = text(finding, "source", path) or batch_source or "generic"
  local asset = text(finding, "asset", path)

  local fields
  if finding.details ~= nil then
    if type(finding.details) ~= "table" then return reject(at(path, "details"), "must be an object") end
    fields = {}
    for name, value in pairs(finding.details) do
      local where = at(path, "details." .. tostring(name))
      if type(name) ~= "string" or #name > 64 then
        return reject(where, "names must be strings of at most 64 characters")
      end
      if RESERVED[name] then
        return reject(where, "reserved name: use the finding's own member (asset, source, tlp...)")
      end
      local kind = type(value)
      if kind ~= "string" and kind ~= "number" and kind ~= "boolean" then
        return reject(where, "must be a string, number or boolean")
      end
      fields[name] = kind == "string" and clip(value, 1000) or value
    end
  end

  return {
    title = clip((title:sub(1, 1000):gsub("%s+", " ")), 300),
    severity = severity:lower(),
    source = clip(source, 64),
    asset = asset and clip(asset, 500),
    source_ref = id and clip(id, 200),
    -- Without an id the host keys the finding on a hash of its content.
    dedupe_key = id and key("generic:" .. source .. ":" .. id),
    occurred_at = occurred_at,
    tlp = tlp,
    fields = fields,
    evidence = plain(finding, 1),
  }
end

adapter {
  title = "Generic findings (Siaga JSON)",
  format = "json",
  auth = "hmac",
  parse = function(doc, meta)
    if type(doc) ~= "table" then return reject("payload", "must be a JSON object or array") end
    local list, path, source = nil, "", nil
    if doc.findings ~= nil then
      if type(doc.findings) ~= "table" or (doc.findings[1] == nil and next(doc.findings) ~= nil) then
        return reject("findings", "must be an array")
      end
      if doc.source ~= nil and (type(doc.source) ~= "string" or doc.source == "") then
        return reject("source", "must be a non-empty string")
      end
      list, path, source = doc.findings, "findings", doc.source
    elseif doc[1] ~= nil or next(doc) == nil then
      list = doc
    else
      return { draft(doc, "", nil) }
    end
    local drafts = {}
    for i, finding in ipairs(list) do
      drafts[i] = draft(finding, path .. "[" .. (i - 1) .. "]", source)
    end
    return drafts
  end,
}
