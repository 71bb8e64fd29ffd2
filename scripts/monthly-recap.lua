-- Rekap bulanan: the month in figures, for the monthly report upward (to the provincial or
-- national CSIRT): cases opened, closed and still open at the month's end, the service
-- standard (sla_kasus) of the cases closed, step deadlines met or breached, incidents per
-- classification, and the last six months' step compliance.
--
--   siaga report monthly-recap --param month=2026-01 --format html -o rekap-2026-01.html
--
-- Everything is counted by the engine (data.count_cases_by, data.step_sla), so the recap takes
-- a handful of passes over the store however many cases it holds.

local function percent(part, whole) return fmt.percent(part, whole, 1) end

local function total(counts)
  local n = 0
  for _, v in pairs(counts) do n = n + v end
  return n
end

return report {
  name = "monthly-recap",
  title = "Rekap bulanan layanan insiden",
  description = "Kasus dibuka, selesai dan masih terbuka; kepatuhan Mutu Baku langkah dan standar pelayanan kasus.",
  params = {
    { name = "month", type = "month", label = "Bulan", required = true },
    { name = "procedure", type = "procedure", label = "Prosedur" },
    { name = "agency", type = "agency", label = "Instansi" },
  },

  run = function(params, data)
    local from = params.month
    local to = dates.add_months(from, 1)
    local month = fmt.month(from)
    local function with(extra)
      local f = { procedure = params.procedure, agency = params.agency }
      for k, v in pairs(extra) do f[k] = v end
      return f
    end
    local finished = { "resolved", "closed" }

    local opened = data.count_cases_by(with { from = from, to = to }, "procedure")
    local closed = data.count_cases_by(with { closed_from = from, closed_to = to, status = finished }, "procedure")
    local open_at_end = data.count_cases_by(with { open_at = to - 1 }, "procedure")
    local cancelled = data.count_cases(with { closed_from = from, closed_to = to, status = "cancelled" })
    local service = data.count_cases_by(with { closed_from = from, closed_to = to, status = finished }, "sla")
    local classes = data.count_cases_by(with { from = from, to = to }, { field = { "klasifikasi", "jenis_insiden", "severity" } })

    -- Steps: one pass for the month and the five before it. A visit counts in the month (in its
    -- procedure's zone) in which it became ready.
    local steps = data.step_sla(with { from = dates.add_months(from, -5), to = to },
                                { by_procedure = { "procedure", "month" }, months = { "month" } })
    local this_month = { judged = 0, met = 0, breached = 0 }
    local step_by_proc = {}
    for _, g in ipairs(steps.groups.by_procedure) do
      if g.month == month then
        step_by_proc[g.procedure] = g
        this_month.judged = this_month.judged + g.judged
        this_month.met = this_month.met + g.met
        this_month.breached = this_month.breached + g.breached
      end
    end

    local procs = data.procedures()
    local ids, seen = {}, {}
    for _, counts in ipairs({ opened, closed, open_at_end, step_by_proc }) do
      for id in pairs(counts) do
        if not seen[id] then seen[id] = true; ids[#ids + 1] = id end
      end
    end
    table.sort(ids)
    local proc_rows = {}
    for _, id in ipairs(ids) do
      local g = step_by_proc[id] or { judged = 0, met = 0, breached = 0 }
      proc_rows[#proc_rows + 1] = {
        procedure = id, title = procs[id] and procs[id].title or "", opened = opened[id] or 0, closed = closed[id] or 0,
        open_at_end = open_at_end[id] or 0, judged = g.judged, met = g.met, breached = g.breached,
        compliance = percent(g.met, g.judged),
      }
    end

    local class_names, class_rows = {}, {}
    for k in pairs(classes) do class_names[#class_names + 1] = k end
    table.sort(class_names)
    for _, k in ipairs(class_names) do
      class_rows[#class_rows + 1] = { classification = k ~= "" and k or "(belum diklasifikasi)", count = classes[k] }
    end

    local trend_x, trend_share = {}, {}
    for _, g in ipairs(steps.groups.months) do
      trend_x[#trend_x + 1] = g.month
      trend_share[#trend_share + 1] = percent(g.met, g.judged) or 0
    end

    return {
      title = "Rekap bulanan " .. month,
      summary = {
        { "Kasus dibuka", total(opened) },
        { "Kasus selesai", total(closed) },
        { "Kasus dibatalkan", cancelled },
        { "Masih terbuka di akhir bulan", total(open_at_end) },
        { "Standar pelayanan terpenuhi", service.met or 0 },
        { "Standar pelayanan terlampaui", service.late or 0 },
        { "Langkah dinilai", this_month.judged },
        { "Langkah tepat waktu", this_month.met },
        { "Langkah terlambat", this_month.breached },
        { "Kepatuhan langkah (%)", percent(this_month.met, this_month.judged) },
      },
      charts = {
        { type = "line", title = "Kepatuhan Mutu Baku langkah, enam bulan terakhir (%)", x = trend_x,
          series = { { name = "Kepatuhan (%)", values = trend_share } } },
      },
      tables = {
        { name = "procedures", title = "Per prosedur",
          columns = { { "procedure", "Prosedur" }, { "title", "Nama" }, { "opened", "Dibuka" }, { "closed", "Selesai" },
                      { "open_at_end", "Terbuka akhir bulan" }, { "judged", "Langkah dinilai" }, { "met", "Tepat waktu" },
                      { "breached", "Terlambat" }, { "compliance", "Kepatuhan (%)" } },
          rows = proc_rows },
        { name = "classifications", title = "Insiden dibuka per klasifikasi",
          columns = { { "classification", "Klasifikasi" }, { "count", "Insiden" } }, rows = class_rows },
      },
      notes = {
        "Standar pelayanan dinilai pada kasus yang selesai dalam bulan ini; kasus tanpa standar pelayanan tidak dihitung ("
          .. (service.none or 0) .. " kasus).",
        "Langkah dihitung pada bulan (menurut zona waktu prosedurnya) saat langkah mulai; terlambat termasuk langkah "
          .. "terbuka yang tenggatnya sudah lewat.",
      },
    }
  end,
}
