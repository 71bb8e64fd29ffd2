-- Log insiden: the incident register in the columns a report to a provincial or national CSIRT
-- uses: number, dates, reporter, asset, classification, TLP and status, one row per case opened
-- in the period.
--
--   siaga report incident-register --param from=2026-01-01 --param to=2026-01-31 --format csv -o log-insiden.csv
--
-- Where each column comes from (first that is set):
--   Pelapor      fields.pelapor, fields.reporter, fields.source (a feed), else who opened the case
--   Aset         fields.aset, fields.asset
--   Klasifikasi  fields.klasifikasi, fields.jenis_insiden, fields.severity
--   TLP          fields.tlp, else the strictest TLP of the case's evidence, else AMBER
--   Kejadian     fields.occurred_at (as the feed reported it)

local STATUS = {
  open = "Terbuka", waiting = "Menunggu", resolved = "Selesai", closed = "Ditutup", cancelled = "Dibatalkan",
}
local TLP_RANK = { CLEAR = 1, GREEN = 2, AMBER = 3, ["AMBER+STRICT"] = 4, RED = 5 }

local function first(...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if v ~= nil and v ~= "" then return tostring(v) end
  end
  return ""
end

return report {
  name = "incident-register",
  title = "Log insiden (register insiden keamanan informasi)",
  description = "Setiap insiden yang dilaporkan dalam periode, dengan kolom laporan CSIRT.",
  params = {
    { name = "from", type = "date", label = "Dari tanggal lapor" },
    { name = "to", type = "date", label = "Sampai tanggal lapor (termasuk)" },
    { name = "procedure", type = "procedure", label = "Prosedur" },
    { name = "agency", type = "agency", label = "Instansi" },
    { name = "status", type = "choice", label = "Status", values = { "semua", "terbuka", "selesai" }, default = "semua" },
  },

  run = function(params, data)
    local statuses = nil
    if params.status == "terbuka" then statuses = { "open", "waiting" } end
    if params.status == "selesai" then statuses = { "resolved", "closed", "cancelled" } end

    -- The strictest TLP of each case's evidence, in one pass over the evidence.
    local evidence_tlp = {}
    data.each_evidence({ procedure = params.procedure, agency = params.agency }, function(e)
      local best = evidence_tlp[e.case]
      if TLP_RANK[e.tlp] and (best == nil or TLP_RANK[e.tlp] > TLP_RANK[best]) then evidence_tlp[e.case] = e.tlp end
    end)

    local rows, by_status, by_class, by_month = {}, {}, {}, {}
    local months = {}
    data.each_case({
      from = params.from, to = params.to and params.to + 86400,
      procedure = params.procedure, agency = params.agency, status = statuses,
    }, function(c)
      local f = c.fields or {}
      local tlp = first(f.tlp, evidence_tlp[c.id], "AMBER")
      local class = first(f.klasifikasi, f.jenis_insiden, f.severity)
      local status = STATUS[c.status] or c.status
      rows[#rows + 1] = {
        no = #rows + 1,
        number = c.number,
        reported = fmt.datetime(c.opened_at, c.zona_waktu),
        occurred = first(f.occurred_at),
        closed = fmt.datetime(c.closed_at, c.zona_waktu),
        title = c.title,
        reporter = first(f.pelapor, f.reporter, f.source, c.opened_by),
        asset = first(f.aset, f.asset),
        classification = class,
        tlp = tlp,
        status = status,
        procedure = c.procedure,
      }
      by_status[status] = (by_status[status] or 0) + 1
      local class_key = class ~= "" and class or "(belum diklasifikasi)"
      by_class[class_key] = (by_class[class_key] or 0) + 1
      local month = fmt.month(c.opened_at, c.zona_waktu)
      if by_month[month] == nil then months[#months + 1] = month end
      by_month[month] = (by_month[month] or 0) + 1
    end)
    table.sort(months)

    local summary = { { "Insiden", #rows } }
    local status_order = { "Terbuka", "Menunggu", "Selesai", "Ditutup", "Dibatalkan" }
    for _, s in ipairs(status_order) do
      if by_status[s] then summary[#summary + 1] = { s, by_status[s] } end
    end

    local class_rows, class_x, class_n = {}, {}, {}
    local classes = {}
    for k in pairs(by_class) do classes[#classes + 1] = k end
    table.sort(classes)
    for _, k in ipairs(classes) do
      class_rows[#class_rows + 1] = { classification = k, count = by_class[k] }
      class_x[#class_x + 1] = k
      class_n[#class_n + 1] = by_class[k]
    end
    local month_n = {}
    for i, m in ipairs(months) do month_n[i] = by_month[m] end

    return {
      summary = summary,
      charts = {
        { type = "bar", title = "Insiden per bulan lapor", x = months, series = { { name = "Insiden", values = month_n } } },
        { type = "bar", title = "Insiden per klasifikasi", x = class_x, series = { { name = "Insiden", values = class_n } } },
      },
      tables = {
        { name = "register", title = "Log insiden",
          columns = {
            { "no", "No" }, { "number", "Nomor tiket" }, { "reported", "Tanggal lapor" }, { "occurred", "Tanggal kejadian" },
            { "closed", "Tanggal selesai" }, { "title", "Uraian" }, { "reporter", "Pelapor" }, { "asset", "Aset" },
            { "classification", "Klasifikasi" }, { "tlp", "TLP" }, { "status", "Status" }, { "procedure", "Prosedur" },
          },
          rows = rows },
        { name = "classifications", title = "Per klasifikasi",
          columns = { { "classification", "Klasifikasi" }, { "count", "Insiden" } }, rows = class_rows },
      },
    }
  end,
}
