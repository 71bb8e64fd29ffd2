-- Kepatuhan Mutu Baku: for every step of the SOPs, how many visits met their time standard
-- (Waktu in the Mutu Baku column) and how many breached it, with the median and 90th percentile
-- of how long the step took. A visit counts in the period in which it became ready; a visit still
-- open past its deadline counts as breached already.
--
--   siaga report sla-compliance --param from=2026-01-01 --param to=2026-03-31 --format html -o sla.html
--
-- The counting runs in the engine (data.step_sla: one pass over the step visits), so the report
-- stays fast on a store of a million cases.

local function percent(part, whole)
  return fmt.percent(part, whole, 1)
end

local function duration(seconds)
  if seconds == nil then return "" end
  return fmt.duration(seconds)
end

local function minutes(seconds)
  if seconds == nil then return nil end
  return math.floor(seconds / 6 + 0.5) / 10
end

-- The role's label as a procedure names it (Pelaksana), else its id.
local function role_label(procs, procedure, role)
  if role == nil or role == "" then return "(tanpa pelaksana)" end
  local p = procedure and procs[procedure]
  if p and p.roles[role] then return p.roles[role] end
  for _, q in pairs(procs) do
    if q.roles[role] then return q.roles[role] end
  end
  return role
end

return report {
  name = "sla-compliance",
  title = "Kepatuhan Mutu Baku waktu per prosedur, langkah dan pelaksana",
  description = "Kunjungan langkah yang memenuhi atau melampaui Mutu Baku (Waktu), median dan persentil ke-90 durasinya.",
  params = {
    { name = "from", type = "date", label = "Dari tanggal (langkah mulai)" },
    { name = "to", type = "date", label = "Sampai tanggal (termasuk)" },
    { name = "procedure", type = "procedure", label = "Prosedur" },
    { name = "agency", type = "agency", label = "Instansi" },
    { name = "role", type = "role", label = "Pelaksana" },
  },

  run = function(params, data)
    local filter = {
      from = params.from,
      to = params.to and params.to + 86400,  -- the whole last day
      procedure = params.procedure,
      agency = params.agency,
      role = params.role,
    }
    local sla = data.step_sla(filter, {
      steps = { "procedure", "step", "role" },
      roles = { "procedure", "role" },  -- role ids are per procedure: "kabid" of one SOP is not another's
      months = { "month" },
      procedures = { "procedure" },
    })
    local procs = data.procedures()
    local total = sla.total

    local step_rows, step_x, step_met, step_breached = {}, {}, {}, {}
    local several = #sla.groups.procedures > 1
    for _, g in ipairs(sla.groups.steps) do
      local p = procs[g.procedure]
      local def = p and p.step[g.step] or {}
      step_rows[#step_rows + 1] = {
        procedure = g.procedure,
        no = def.no or "",
        step = g.step,
        role = g.role or "",
        role_label = role_label(procs, g.procedure, g.role),
        standard = def.waktu or "",
        judged = g.judged,
        met = g.met,
        late = g.late,
        open_overdue = g.open_overdue,
        compliance = percent(g.met, g.judged),
        median = duration(g.median_seconds),
        p90 = duration(g.p90_seconds),
        median_minutes = minutes(g.median_seconds),
        p90_minutes = minutes(g.p90_seconds),
      }
      local label = (def.no and def.no ~= "" and (def.no .. ". ") or "") .. g.step
      if several then label = g.procedure:match("[^/]+$") .. ": " .. label end
      step_x[#step_x + 1] = label
      step_met[#step_met + 1] = g.met
      step_breached[#step_breached + 1] = g.breached
    end

    local role_rows, role_x, role_met, role_breached = {}, {}, {}, {}
    for _, g in ipairs(sla.groups.roles) do
      local label = role_label(procs, g.procedure, g.role)
      role_rows[#role_rows + 1] = {
        procedure = g.procedure, role = g.role, label = label, judged = g.judged, met = g.met, breached = g.breached,
        compliance = percent(g.met, g.judged), median = duration(g.median_seconds), p90 = duration(g.p90_seconds),
      }
      role_x[#role_x + 1] = several and (g.procedure:match("[^/]+$") .. ": " .. label) or label
      role_met[#role_met + 1] = g.met
      role_breached[#role_breached + 1] = g.breached
    end

    local month_rows, month_x, month_met, month_breached = {}, {}, {}, {}
    for _, g in ipairs(sla.groups.months) do
      month_rows[#month_rows + 1] = {
        month = g.month, judged = g.judged, met = g.met, breached = g.breached, compliance = percent(g.met, g.judged),
      }
      month_x[#month_x + 1] = g.month
      month_met[#month_met + 1] = g.met
      month_breached[#month_breached + 1] = g.breached
    end

    local procedure_rows = {}
    for _, g in ipairs(sla.groups.procedures) do
      local p = procs[g.procedure]
      procedure_rows[#procedure_rows + 1] = {
        procedure = g.procedure, title = p and p.title or "", judged = g.judged, met = g.met, breached = g.breached,
        compliance = percent(g.met, g.judged),
      }
    end

    return {
      summary = {
        { "Langkah dinilai", total.judged },
        { "Memenuhi Mutu Baku", total.met },
        { "Melampaui Mutu Baku (selesai terlambat)", total.late },
        { "Masih terbuka, lewat tenggat", total.open_overdue },
        { "Kepatuhan (%)", percent(total.met, total.judged) },
        { "Masih berjalan dalam tenggat", total.open - total.open_overdue },
        { "Median durasi", duration(total.median_seconds) },
        { "Persentil ke-90 durasi", duration(total.p90_seconds) },
      },
      charts = {
        { type = "bar", title = "Tepat waktu dan terlambat per langkah", x = step_x,
          series = { { name = "Tepat waktu", values = step_met }, { name = "Terlambat", values = step_breached } } },
        { type = "bar", title = "Tepat waktu dan terlambat per pelaksana", x = role_x,
          series = { { name = "Tepat waktu", values = role_met }, { name = "Terlambat", values = role_breached } } },
        { type = "line", title = "Per bulan (bulan langkah mulai)", x = month_x,
          series = { { name = "Tepat waktu", values = month_met }, { name = "Terlambat", values = month_breached } } },
      },
      tables = {
        { name = "steps", title = "Per langkah",
          columns = {
            { "procedure", "Prosedur" }, { "no", "No" }, { "step", "Langkah" }, { "role", "Peran" }, { "role_label", "Pelaksana" },
            { "standard", "Mutu Baku (Waktu)" }, { "judged", "Dinilai" }, { "met", "Tepat waktu" },
            { "late", "Selesai terlambat" }, { "open_overdue", "Terbuka lewat tenggat" }, { "compliance", "Kepatuhan (%)" },
            { "median", "Median" }, { "p90", "P90" }, { "median_minutes", "Median (menit)" }, { "p90_minutes", "P90 (menit)" },
          },
          rows = step_rows },
        { name = "roles", title = "Per pelaksana",
          columns = { { "procedure", "Prosedur" }, { "role", "Peran" }, { "label", "Pelaksana" }, { "judged", "Dinilai" }, { "met", "Tepat waktu" },
                      { "breached", "Terlambat" }, { "compliance", "Kepatuhan (%)" }, { "median", "Median" }, { "p90", "P90" } },
          rows = role_rows },
        { name = "months", title = "Per bulan",
          columns = { { "month", "Bulan" }, { "judged", "Dinilai" }, { "met", "Tepat waktu" }, { "breached", "Terlambat" },
                      { "compliance", "Kepatuhan (%)" } },
          rows = month_rows },
        { name = "procedures", title = "Per prosedur",
          columns = { { "procedure", "Prosedur" }, { "title", "Nama" }, { "judged", "Dinilai" }, { "met", "Tepat waktu" },
                      { "breached", "Terlambat" }, { "compliance", "Kepatuhan (%)" } },
          rows = procedure_rows },
      },
      notes = {
        "Sebuah kunjungan langkah dihitung pada periode saat langkah itu mulai (siap dikerjakan).",
        "Terlambat = selesai setelah tenggat, atau masih terbuka sementara tenggatnya sudah lewat.",
        "Durasi adalah waktu berlalu dari langkah mulai sampai selesai; tenggat dihitung menurut dasar waktu Mutu Baku (jam kerja, hari kerja atau kalender).",
        "Median dan P90 memakai metode peringkat terdekat atas langkah yang sudah selesai.",
      },
    }
  end,
}
