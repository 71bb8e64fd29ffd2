-- Rekap bulanan: the month in figures, for the monthly report upward (to the provincial or
-- national CSIRT): cases opened, closed and still open at the month's end, the service
-- standard (sla_kasus) of the cases closed, step deadlines met or breached, incidents per
-- classification, and the last six months' compliance.
--
--   siaga report monthly-recap --param month=2026-01 --format html -o rekap-2026-01.html

local function percent(part, whole) return fmt.percent(part, whole, 1) end

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
    local scope = { procedure = params.procedure, agency = params.agency }
    local function with(extra)
      local f = { procedure = scope.procedure, agency = scope.agency }
      for k, v in pairs(extra) do f[k] = v end
      return f
    end

    local opened = data.count_cases(with { from = from, to = to })
    local closed = data.count_cases(with { closed_from = from, closed_to = to, status = { "resolved", "closed" } })
    local cancelled = data.count_cases(with { closed_from = from, closed_to = to, status = "cancelled" })
    local open_at_end = data.count_cases(with { open_at = to - 1 })

    -- The service standard of the cases closed this month.
    local sla_met, sla_late, sla_none = 0, 0, 0
    data.each_case(with { closed_from = from, closed_to = to, status = { "resolved", "closed" } }, function(c)
      if c.sla == "met" then sla_met = sla_met + 1
      elseif c.sla == "late" then sla_late = sla_late + 1
      else sla_none = sla_none + 1 end
    end)

    local steps = data.step_sla(with { from = from, to = to }, { procedures = { "procedure" } })
    local trend = data.step_sla(with { from = dates.add_months(from, -5), to = to }, { months = { "month" } })

    -- Per procedure.
    local procs = data.procedures()
    local ids = {}
    for id, p in pairs(procs) do
      if (params.procedure == nil or id == params.procedure) and (params.agency == nil or p.instansi == params.agency) then
        ids[#ids + 1] = id
      end
    end
    table.sort(ids)
    local step_by_proc = {}
    for _, g in ipairs(steps.groups.procedures) do step_by_proc[g.procedure] = g end
    local proc_rows = {}
    for _, id in ipairs(ids) do
      local o = data.count_cases { procedure = id, from = from, to = to }
      local c = data.count_cases { procedure = id, closed_from = from, closed_to = to, status = { "resolved", "closed" } }
      local e = data.count_cases { procedure = id, open_at = to - 1 }
      local g = step_by_proc[id] or { judged = 0, met = 0, breached = 0 }
      if o + c + e + g.judged > 0 then
        proc_rows[#proc_rows + 1] = {
          procedure = id, title = procs[id].title, opened = o, closed = c, open_at_end = e,
          judged = g.judged, met = g.met, breached = g.breached, compliance = percent(g.met, g.judged),
        }
      end
    end

    -- Incidents opened this month per classification.
    local classes, class_order = {}, {}
    data.each_case(with { from = from, to = to }, function(c)
      local f = c.fields or {}
      local k = f.klasifikasi or f.jenis_insiden or f.severity or "(belum diklasifikasi)"
      k = tostring(k)
      if classes[k] == nil then class_order[#class_order + 1] = k end
      classes[k] = (classes[k] or 0) + 1
    end)
    table.sort(class_order)
    local class_rows = {}
    for _, k in ipairs(class_order) do class_rows[#class_rows + 1] = { classification = k, count = classes[k] } end

    local trend_x, trend_share = {}, {}
    for _, g in ipairs(trend.groups.months) do
      trend_x[#trend_x + 1] = g.month
      trend_share[#trend_share + 1] = percent(g.met, g.judged) or 0
    end

    return {
      title = "Rekap bulanan " .. fmt.month(from),
      summary = {
        { "Kasus dibuka", opened },
        { "Kasus selesai", closed },
        { "Kasus dibatalkan", cancelled },
        { "Masih terbuka di akhir bulan", open_at_end },
        { "Standar pelayanan terpenuhi", sla_met },
        { "Standar pelayanan terlampaui", sla_late },
        { "Langkah dinilai", steps.total.judged },
        { "Langkah tepat waktu", steps.total.met },
        { "Langkah terlambat", steps.total.breached },
        { "Kepatuhan langkah (%)", percent(steps.total.met, steps.total.judged) },
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
          .. sla_none .. " kasus).",
        "Langkah dihitung pada bulan saat langkah mulai; terlambat termasuk langkah terbuka yang tenggatnya sudah lewat.",
      },
    }
  end,
}
