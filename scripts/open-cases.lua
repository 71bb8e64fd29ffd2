-- Kasus terbuka menurut umur, dan langkah yang lewat tenggat: what is still open now, how old it
-- is, and which steps have passed their Mutu Baku deadline (who holds them, by how much).
--
--   siaga report open-cases --param agency=kota-surakarta --format html -o terbuka.html
--
-- Age is measured from the case's opening to now, in elapsed time.

local DAY = 86400
local BUCKETS = {
  { label = "< 1 hari", upto = DAY },
  { label = "1-3 hari", upto = 3 * DAY },
  { label = "3-7 hari", upto = 7 * DAY },
  { label = "7-30 hari", upto = 30 * DAY },
  { label = ">= 30 hari", upto = math.maxinteger },
}

local function bucket_of(age)
  for i, b in ipairs(BUCKETS) do
    if age < b.upto then return i end
  end
  return #BUCKETS
end

return report {
  name = "open-cases",
  title = "Kasus terbuka menurut umur dan langkah yang lewat tenggat",
  description = "Kasus yang masih terbuka atau menunggu, dikelompokkan menurut umur, serta langkah terbuka yang melampaui Mutu Baku.",
  params = {
    { name = "procedure", type = "procedure", label = "Prosedur" },
    { name = "agency", type = "agency", label = "Instansi" },
    { name = "role", type = "role", label = "Pelaksana (langkah lewat tenggat)" },
  },

  run = function(params, data)
    local now = data.now()
    local procs = data.procedures()
    local active = { "open", "waiting" }

    -- Ages per procedure, counted case by case (bounded memory on a large store).
    local per_procedure, order = {}, {}
    local totals = { 0, 0, 0, 0, 0 }
    local open_n, waiting_n, oldest = 0, 0, nil
    data.each_case({ status = active, procedure = params.procedure, agency = params.agency }, function(c)
      local row = per_procedure[c.procedure]
      if row == nil then
        row = { procedure = c.procedure, title = procs[c.procedure] and procs[c.procedure].title or "", 0, 0, 0, 0, 0 }
        per_procedure[c.procedure] = row
        order[#order + 1] = c.procedure
      end
      local age = now - c.opened_at
      local b = bucket_of(age)
      row[b] = row[b] + 1
      totals[b] = totals[b] + 1
      if c.status == "waiting" then waiting_n = waiting_n + 1 else open_n = open_n + 1 end
      if oldest == nil or age > oldest.age then oldest = { age = age, number = c.number } end
    end)
    table.sort(order)

    local age_rows = {}
    for _, id in ipairs(order) do
      local r = per_procedure[id]
      age_rows[#age_rows + 1] = {
        procedure = id, title = r.title, b1 = r[1], b2 = r[2], b3 = r[3], b4 = r[4], b5 = r[5],
        total = r[1] + r[2] + r[3] + r[4] + r[5],
      }
    end

    local overdue = data.steps {
      overdue = true, case_status = active, procedure = params.procedure, agency = params.agency, role = params.role,
    }
    local overdue_rows, per_role, roles = {}, {}, {}
    for i, s in ipairs(overdue) do
      local p = procs[s.procedure]
      local def = p and p.step[s.step] or {}
      overdue_rows[i] = {
        case = s.case_number, procedure = s.procedure, no = def.no or "", step = s.step,
        role = s.role or "", assignee = s.assignee or "", standard = def.waktu or "",
        ready = fmt.datetime(s.ready_at, s.zona_waktu), due = fmt.datetime(s.due_at, s.zona_waktu),
        overdue_by = fmt.duration(now - s.due_at), overdue_hours = math.floor((now - s.due_at) / 360 + 0.5) / 10,
      }
      local role = s.role or "(tanpa pelaksana)"
      if per_role[role] == nil then roles[#roles + 1] = role end
      per_role[role] = (per_role[role] or 0) + 1
    end
    table.sort(roles)
    local role_n = {}
    for i, r in ipairs(roles) do role_n[i] = per_role[r] end

    local bucket_labels = {}
    for i, b in ipairs(BUCKETS) do bucket_labels[i] = b.label end

    return {
      summary = {
        { "Kasus terbuka", open_n },
        { "Kasus menunggu", waiting_n },
        { "Langkah lewat tenggat", #overdue_rows },
        { "Kasus tertua", oldest and (oldest.number .. " (" .. fmt.duration(oldest.age) .. ")") or "-" },
      },
      charts = {
        { type = "bar", title = "Kasus terbuka menurut umur", x = bucket_labels, series = { { name = "Kasus", values = totals } } },
        { type = "bar", title = "Langkah lewat tenggat per pelaksana", x = roles, series = { { name = "Langkah", values = role_n } } },
      },
      tables = {
        { name = "ages", title = "Kasus terbuka menurut umur",
          columns = { { "procedure", "Prosedur" }, { "title", "Nama" }, { "b1", bucket_labels[1] }, { "b2", bucket_labels[2] },
                      { "b3", bucket_labels[3] }, { "b4", bucket_labels[4] }, { "b5", bucket_labels[5] }, { "total", "Jumlah" } },
          rows = age_rows },
        { name = "overdue", title = "Langkah terbuka yang lewat tenggat",
          columns = { { "case", "Kasus" }, { "procedure", "Prosedur" }, { "no", "No" }, { "step", "Langkah" },
                      { "role", "Pelaksana" }, { "assignee", "Petugas" }, { "standard", "Mutu Baku" }, { "ready", "Mulai" },
                      { "due", "Tenggat" }, { "overdue_by", "Lewat" }, { "overdue_hours", "Lewat (jam)" } },
          rows = overdue_rows },
      },
    }
  end,
}
