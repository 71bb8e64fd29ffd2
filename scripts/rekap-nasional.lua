-- Rekap nasional: the upward report a provincial CSIRT sends to the national CSIRT, over every
-- agency whose cases the caller may read (its own agencies and the ones it oversees; the data
-- API enforces that, whatever the parameters ask). Schema: docs/multi-agency.md "Upward report".
--
--   siaga report rekap-nasional -p from=2026-01-01 -p to=2026-03-31 --format csv --table klasifikasi
--   GET /api/reports/rekap-nasional?from=2026-01-01&format=json
--
-- Where the figures come from (first that is set):
--   Agency          the case's procedure's instansi
--   Classification  fields.klasifikasi (the RSIT / BSSN incident taxonomy), fields.jenis_insiden,
--                   fields.severity (the feeds' severity), else "(belum diklasifikasi)"
--   TLP             fields.tlp, else the strictest TLP of the case's evidence, else AMBER
--   Critical        fields.severity or fields.prioritas is critical / kritis
--   SLA             the case's service standard (sla_kasus) at now: met, late, breached, on_time, none
-- TLP:RED cases are left out unless sertakan_red = ya; the summary says how many were left out.

local TLP_RANK = { CLEAR = 1, WHITE = 1, GREEN = 2, AMBER = 3, ["AMBER+STRICT"] = 4, RED = 5 }
local CRITICAL = { critical = true, kritis = true, ["sangat tinggi"] = true }
local OPEN = { open = true, waiting = true }
local CLOSED = { resolved = true, closed = true }

local function first(...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if v ~= nil and v ~= "" then return tostring(v), i end
  end
  return "", nil
end

local CLASS_SOURCE = { "klasifikasi", "jenis_insiden", "severity" }

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

return report {
  name = "rekap-nasional",
  title = "Rekap nasional insiden per instansi",
  description = "Jumlah insiden per instansi dan klasifikasi, kepatuhan standar layanan per instansi, dan insiden kritis yang masih terbuka, atas semua instansi yang boleh dibaca pemanggil.",
  params = {
    { name = "from", type = "date", label = "Dari tanggal lapor" },
    { name = "to", type = "date", label = "Sampai tanggal lapor (termasuk)" },
    { name = "agency", type = "agency", label = "Instansi (kosong: semua yang boleh dibaca)" },
    { name = "sertakan_red", type = "choice", label = "Sertakan TLP:RED", values = { "tidak", "ya" }, default = "tidak" },
  },

  run = function(params, data)
    local procs = data.procedures()
    local with_red = params.sertakan_red == "ya"

    local evidence_tlp = {}
    data.each_evidence({ agency = params.agency }, function(e)
      local best = evidence_tlp[e.case]
      if TLP_RANK[e.tlp] and (best == nil or TLP_RANK[e.tlp] > TLP_RANK[best]) then evidence_tlp[e.case] = e.tlp end
    end)

    local agencies, classes, critical = {}, {}, {}
    local red_left_out, total = 0, 0
    data.each_case({ from = params.from, to = params.to and params.to + 86400, agency = params.agency }, function(c)
      local f = c.fields or {}
      local tlp = first(f.tlp, evidence_tlp[c.id], "AMBER")
      tlp = tlp:upper():gsub("^TLP:", "")
      if tlp == "RED" and not with_red then
        red_left_out = red_left_out + 1
        return
      end
      local p = procs[c.procedure]
      local agency = p and p.instansi ~= "" and p.instansi or "(tanpa instansi)"
      local a = agencies[agency]
      if a == nil then
        a = { cases = 0, open = 0, closed = 0, cancelled = 0, handed_over = 0, critical_open = 0,
              met = 0, late = 0, breached = 0, on_time = 0, none = 0 }
        agencies[agency] = a
      end
      total = total + 1
      a.cases = a.cases + 1
      if OPEN[c.status] then a.open = a.open + 1 end
      if c.outcome == "diserahkan" then a.handed_over = a.handed_over + 1
      elseif CLOSED[c.status] then a.closed = a.closed + 1 end
      if c.status == "cancelled" then a.cancelled = a.cancelled + 1 end
      local sla = c.sla or "none"
      a[sla] = (a[sla] or 0) + 1

      local class, at = first(f.klasifikasi, f.jenis_insiden, f.severity)
      if class == "" then class = "(belum diklasifikasi)" end
      local key = agency .. "\t" .. class
      local k = classes[key]
      if k == nil then
        k = { agency = agency, classification = class, source = at and CLASS_SOURCE[at] or "", cases = 0, open = 0 }
        classes[key] = k
      end
      k.cases = k.cases + 1
      if OPEN[c.status] then k.open = k.open + 1 end

      local severity = first(f.severity, f.prioritas):lower()
      if OPEN[c.status] and CRITICAL[severity] then
        a.critical_open = a.critical_open + 1
        critical[#critical + 1] = {
          agency = agency, case_number = c.number, title = c.title, classification = class, severity = severity,
          tlp = tlp, status = c.status, opened_at = fmt.datetime(c.opened_at, c.zona_waktu), zona_waktu = c.zona_waktu,
          procedure = c.procedure,
        }
      end
    end)

    local agency_rows, sla_rows, class_rows = {}, {}, {}
    local x, met_series, late_series = {}, {}, {}
    for _, id in ipairs(sorted_keys(agencies)) do
      local a = agencies[id]
      agency_rows[#agency_rows + 1] = {
        agency = id, cases = a.cases, open = a.open, closed = a.closed, handed_over = a.handed_over,
        cancelled = a.cancelled, critical_open = a.critical_open,
      }
      local judged = a.met + a.late + a.breached
      sla_rows[#sla_rows + 1] = {
        agency = id, met = a.met, late = a.late, breached = a.breached, on_time = a.on_time, none = a.none,
        compliance_pct = judged > 0 and math.floor(a.met * 1000 / judged + 0.5) / 10 or nil,
      }
      x[#x + 1] = id
      met_series[#met_series + 1] = a.met
      late_series[#late_series + 1] = a.late + a.breached
    end
    for _, key in ipairs(sorted_keys(classes)) do
      local k = classes[key]
      class_rows[#class_rows + 1] = {
        agency = k.agency, classification = k.classification, classification_source = k.source, cases = k.cases, open = k.open,
      }
    end
    table.sort(critical, function(p, q)
      if p.agency ~= q.agency then return p.agency < q.agency end
      return p.case_number < q.case_number
    end)

    local critical_total = 0
    for _, a in pairs(agencies) do critical_total = critical_total + a.critical_open end
    return {
      summary = {
        { "Instansi", #agency_rows },
        { "Insiden", total },
        { "Insiden kritis terbuka", critical_total },
        { "TLP:RED tidak disertakan", red_left_out },
      },
      charts = {
        { type = "bar", title = "Standar layanan per instansi", x = x, stacked = true,
          series = { { name = "Tepat waktu", values = met_series }, { name = "Terlambat", values = late_series } } },
      },
      tables = {
        { name = "instansi", title = "Per instansi",
          columns = { { "agency", "agency" }, { "cases", "cases" }, { "open", "open" }, { "closed", "closed" },
                      { "handed_over", "handed_over" }, { "cancelled", "cancelled" }, { "critical_open", "critical_open" } },
          rows = agency_rows },
        { name = "klasifikasi", title = "Per instansi dan klasifikasi",
          columns = { { "agency", "agency" }, { "classification", "classification" },
                      { "classification_source", "classification_source" }, { "cases", "cases" }, { "open", "open" } },
          rows = class_rows },
        { name = "sla", title = "Kepatuhan standar layanan per instansi",
          columns = { { "agency", "agency" }, { "met", "met" }, { "late", "late" }, { "breached", "breached" },
                      { "on_time", "on_time" }, { "none", "none" }, { "compliance_pct", "compliance_pct" } },
          rows = sla_rows },
        { name = "kritis", title = "Insiden kritis yang masih terbuka",
          columns = { { "agency", "agency" }, { "case_number", "case_number" }, { "title", "title" },
                      { "classification", "classification" }, { "severity", "severity" }, { "tlp", "tlp" },
                      { "status", "status" }, { "opened_at", "opened_at" }, { "zona_waktu", "zona_waktu" },
                      { "procedure", "procedure" } },
          rows = critical },
      },
      notes = {
        "Hanya instansi yang boleh dibaca token pemanggil (instansinya sendiri dan yang diawasinya).",
        with_red and "Kasus TLP:RED disertakan atas permintaan (sertakan_red = ya)."
                  or ("Kasus TLP:RED tidak disertakan: " .. red_left_out .. " kasus."),
        "Kolom dan tipenya: docs/multi-agency.md, bagian Upward report.",
      },
    }
  end,
}
