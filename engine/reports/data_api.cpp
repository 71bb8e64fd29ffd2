#include "reports/data_api.h"

#include <string>

#include <nlohmann/json.hpp>

#include "lua/json_bridge.h"
#include "reports/data_filter.h"
#include "reports/data_queries.h"

namespace siaga {

namespace {

// ---- the fixed queries ---------------------------------------------------------------------
// Each kind is one SELECT with numbered parameters. The by-case variant puts `id = ?` first so
// SQLite uses the index; both are fixed text.

struct QuerySpec {
  const char* function;       // data.<function>
  const char* each_function;  // data.each_<...>
  const char* count_function;
  const char* what;           // for progress and errors
  std::set<std::string> keys;
  std::string list_sql, by_case_sql, count_sql, count_by_case_sql;
  int case_param;             // the parameter number of the case id in the by-case variant
};

QuerySpec MakeSpec(const char* function, const char* each_function, const char* count_function, const char* what,
                   std::set<std::string> keys, const std::string& columns, const std::string& from,
                   const std::string& where, const std::string& case_column, int case_param, const std::string& order) {
  QuerySpec s{function, each_function, count_function, what, std::move(keys), "", "", "", "", case_param};
  const std::string by_case = case_column + " = ?" + std::to_string(case_param) + " AND ";
  s.list_sql = "SELECT " + columns + " FROM " + from + " WHERE " + where + " ORDER BY " + order;
  s.by_case_sql = "SELECT " + columns + " FROM " + from + " WHERE " + by_case + where + " ORDER BY " + order;
  s.count_sql = "SELECT COUNT(*) FROM " + from + " WHERE " + where;
  s.count_by_case_sql = "SELECT COUNT(*) FROM " + from + " WHERE " + by_case + where;
  return s;
}

const std::string kProcedureIn = "(?1 IS NULL OR c.procedure_id IN (SELECT value FROM json_each(?1)))";

}  // namespace

const std::string& CaseFilterSql() {
  static const std::string sql =
      kProcedureIn +
      " AND (?2 IS NULL OR c.status IN (SELECT value FROM json_each(?2)))"
      " AND (?3 IS NULL OR c.opened_at >= ?3) AND (?4 IS NULL OR c.opened_at < ?4)"
      " AND (?5 IS NULL OR c.closed_at >= ?5) AND (?6 IS NULL OR c.closed_at < ?6)"
      " AND (?7 IS NULL OR (c.opened_at <= ?7 AND (c.closed_at IS NULL OR c.closed_at > ?7)))";
  return sql;
}

void BindCaseFilter(const DataFilter& f, Statement& q) {
  BindOptional(q, 1, f.procedures);
  BindOptional(q, 2, f.states);
  q.Bind(3, f.from).Bind(4, f.to).Bind(5, f.closed_from).Bind(6, f.closed_to).Bind(7, f.open_at);
}

namespace {

const QuerySpec& Spec(DataApi::Kind kind) {
  static const QuerySpec cases = MakeSpec(
      "data.cases", "data.each_case", "data.count_cases", "cases",
      {"procedure", "agency", "status", "from", "to", "closed_from", "closed_to", "open_at", "case", "limit"},
      "c.id, c.number, c.procedure_id, c.title, c.status, c.outcome, c.fields, c.opened_at, c.closed_at, c.sla_due_at, "
      "c.parent_case_id, v.zona_waktu, "
      "(SELECT a.actor FROM audit_events a WHERE a.case_id = c.id AND a.event = 'case_opened' ORDER BY a.seq LIMIT 1)",
      "cases c JOIN procedure_versions v ON v.id = c.version_id", CaseFilterSql(), "c.id", 8, "c.id");
  static const QuerySpec steps = MakeSpec(
      "data.steps", "data.each_step", "data.count_steps", "step visits",
      {"procedure", "agency", "state", "from", "to", "role", "step", "overdue", "case_status", "case", "limit"},
      "s.id, s.case_id, c.number, c.procedure_id, s.step_id, s.kind, s.visit, s.role, s.state, s.ready_at, s.warn_at, "
      "s.due_at, s.basis, s.completed_at, s.completed_by, s.outcome, s.assignee, v.zona_waktu",
      "step_instances s JOIN cases c ON c.id = s.case_id JOIN procedure_versions v ON v.id = c.version_id",
      kProcedureIn +
          " AND (?2 IS NULL OR s.state IN (SELECT value FROM json_each(?2)))"
          " AND (?3 IS NULL OR s.ready_at >= ?3) AND (?4 IS NULL OR s.ready_at < ?4)"
          " AND (?5 IS NULL OR s.role = ?5) AND (?6 IS NULL OR s.step_id = ?6)"
          " AND (?7 = 0 OR (s.state = 'ready' AND s.due_at IS NOT NULL AND s.due_at <= ?8))"
          " AND (?9 IS NULL OR c.status IN (SELECT value FROM json_each(?9)))",
      "s.case_id", 10, "s.id");
  static const QuerySpec events = MakeSpec(
      "data.events", "data.each_event", "data.count_events", "audit events",
      {"procedure", "agency", "event", "from", "to", "case", "limit"},
      "a.seq, a.at, a.actor, a.case_id, c.number, a.step_instance_id, a.event, a.detail",
      "audit_events a LEFT JOIN cases c ON c.id = a.case_id",
      kProcedureIn +
          " AND (?2 IS NULL OR a.event IN (SELECT value FROM json_each(?2)))"
          " AND (?3 IS NULL OR a.at >= ?3) AND (?4 IS NULL OR a.at < ?4)",
      "a.case_id", 5, "a.seq");
  static const QuerySpec evidence = MakeSpec(
      "data.evidence", "data.each_evidence", "data.count_evidence", "evidence",
      {"procedure", "agency", "from", "to", "tlp", "case", "limit"},
      "e.id, e.case_id, c.number, e.step_instance_id, e.name, e.media_type, e.size, e.sha256, e.tlp, e.added_by, e.added_at",
      "evidence e JOIN cases c ON c.id = e.case_id",
      kProcedureIn +
          " AND (?2 IS NULL OR e.added_at >= ?2) AND (?3 IS NULL OR e.added_at < ?3) AND (?4 IS NULL OR e.tlp = ?4)",
      "e.case_id", 5, "e.id");
  static const QuerySpec decisions = MakeSpec(
      "data.decisions", "data.each_decision", "data.count_decisions", "decisions",
      {"procedure", "agency", "from", "to", "step", "case", "limit"},
      "d.id, s.case_id, c.number, s.step_id, s.visit, d.label, d.decided_by, d.decided_at, d.note, s.role",
      "decisions d JOIN step_instances s ON s.id = d.step_instance_id JOIN cases c ON c.id = s.case_id",
      kProcedureIn +
          " AND (?2 IS NULL OR d.decided_at >= ?2) AND (?3 IS NULL OR d.decided_at < ?3) AND (?4 IS NULL OR s.step_id = ?4)",
      "s.case_id", 5, "d.id");
  switch (kind) {
    case DataApi::Kind::kCases: return cases;
    case DataApi::Kind::kSteps: return steps;
    case DataApi::Kind::kEvents: return events;
    case DataApi::Kind::kEvidence: return evidence;
    case DataApi::Kind::kDecisions: return decisions;
  }
  return cases;
}

void Bind(DataApi::Kind kind, const DataFilter& f, UnixSeconds now, Statement& q) {
  BindOptional(q, 1, f.procedures);
  switch (kind) {
    case DataApi::Kind::kCases:
      BindCaseFilter(f, q);
      break;
    case DataApi::Kind::kSteps:
      BindOptional(q, 2, f.states);
      q.Bind(3, f.from).Bind(4, f.to);
      BindOptional(q, 5, f.role);
      BindOptional(q, 6, f.step);
      q.Bind(7, f.overdue ? 1 : 0).Bind(8, now);
      BindOptional(q, 9, f.case_states);
      break;
    case DataApi::Kind::kEvents:
      BindOptional(q, 2, f.events);
      q.Bind(3, f.from).Bind(4, f.to);
      break;
    case DataApi::Kind::kEvidence:
      q.Bind(2, f.from).Bind(3, f.to);
      BindOptional(q, 4, f.tlp);
      break;
    case DataApi::Kind::kDecisions:
      q.Bind(2, f.from).Bind(3, f.to);
      BindOptional(q, 4, f.step);
      break;
  }
}

// ---- rows as Lua tables ----------------------------------------------------------------------

void SetText(lua_State* L, const char* key, const Statement& q, int column) {
  if (q.IsNull(column)) return;
  const std::string s = q.Text(column);
  lua_pushlstring(L, s.data(), s.size());
  lua_setfield(L, -2, key);
}

void SetInt(lua_State* L, const char* key, const Statement& q, int column) {
  if (q.IsNull(column)) return;
  lua_pushinteger(L, q.Int(column));
  lua_setfield(L, -2, key);
}

void SetString(lua_State* L, const char* key, const char* value) {
  lua_pushstring(L, value);
  lua_setfield(L, -2, key);
}

void SetJson(lua_State* L, const char* key, const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) j = text;
  PushJson(L, j);
  lua_setfield(L, -2, key);
}

// SLA of a visit or a case judged at `now`, as case pages show it (runner/queries.cpp).
const char* SlaState(const Statement& q, int warn, int due, int end, UnixSeconds now) {
  if (q.IsNull(due)) return "none";
  const UnixSeconds d = q.Int(due);
  if (!q.IsNull(end)) return q.Int(end) <= d ? "met" : "late";
  if (now >= d) return "breached";
  if (warn >= 0 && !q.IsNull(warn) && now >= q.Int(warn)) return "warning";
  return "on_time";
}

void PushRow(lua_State* L, DataApi::Kind kind, const Statement& q, UnixSeconds now) {
  switch (kind) {
    case DataApi::Kind::kCases:
      lua_createtable(L, 0, 16);
      SetInt(L, "id", q, 0);
      SetText(L, "number", q, 1);
      SetText(L, "procedure", q, 2);
      SetText(L, "title", q, 3);
      SetText(L, "status", q, 4);
      SetText(L, "outcome", q, 5);
      SetJson(L, "fields", q.Text(6));
      SetInt(L, "opened_at", q, 7);
      SetInt(L, "closed_at", q, 8);
      SetInt(L, "sla_due_at", q, 9);
      SetString(L, "sla", SlaState(q, -1, 9, 8, now));
      SetInt(L, "parent_case", q, 10);
      SetText(L, "zona_waktu", q, 11);
      SetText(L, "opened_by", q, 12);
      break;
    case DataApi::Kind::kSteps:
      lua_createtable(L, 0, 20);
      SetInt(L, "id", q, 0);
      SetInt(L, "case", q, 1);
      SetText(L, "case_number", q, 2);
      SetText(L, "procedure", q, 3);
      SetText(L, "step", q, 4);
      SetText(L, "kind", q, 5);
      SetInt(L, "visit", q, 6);
      SetText(L, "role", q, 7);
      SetText(L, "state", q, 8);
      SetInt(L, "ready_at", q, 9);
      SetInt(L, "warn_at", q, 10);
      SetInt(L, "due_at", q, 11);
      SetText(L, "basis", q, 12);
      SetInt(L, "completed_at", q, 13);
      SetText(L, "completed_by", q, 14);
      SetText(L, "outcome", q, 15);
      SetText(L, "assignee", q, 16);
      SetText(L, "zona_waktu", q, 17);
      SetString(L, "sla", q.Text(8) == "cancelled" ? "none" : SlaState(q, 10, 11, 13, now));
      break;
    case DataApi::Kind::kEvents:
      lua_createtable(L, 0, 8);
      SetInt(L, "seq", q, 0);
      SetInt(L, "at", q, 1);
      SetText(L, "actor", q, 2);
      SetInt(L, "case", q, 3);
      SetText(L, "case_number", q, 4);
      SetInt(L, "step_instance", q, 5);
      SetText(L, "event", q, 6);
      SetJson(L, "detail", q.Text(7));
      break;
    case DataApi::Kind::kEvidence:
      lua_createtable(L, 0, 11);
      SetInt(L, "id", q, 0);
      SetInt(L, "case", q, 1);
      SetText(L, "case_number", q, 2);
      SetInt(L, "step_instance", q, 3);
      SetText(L, "name", q, 4);
      SetText(L, "media_type", q, 5);
      SetInt(L, "size", q, 6);
      SetText(L, "sha256", q, 7);
      SetText(L, "tlp", q, 8);
      SetText(L, "added_by", q, 9);
      SetInt(L, "added_at", q, 10);
      break;
    case DataApi::Kind::kDecisions:
      lua_createtable(L, 0, 10);
      SetInt(L, "id", q, 0);
      SetInt(L, "case", q, 1);
      SetText(L, "case_number", q, 2);
      SetText(L, "step", q, 3);
      SetInt(L, "visit", q, 4);
      SetText(L, "label", q, 5);
      SetText(L, "decided_by", q, 6);
      SetInt(L, "decided_at", q, 7);
      SetText(L, "note", q, 8);
      SetText(L, "role", q, 9);
      break;
  }
}

// The message of a nested call without its traceback (the outer error gets its own).
std::string WithoutTraceback(const std::string& message) {
  const auto pos = message.find("\nstack traceback");
  return pos == std::string::npos ? message : message.substr(0, pos);
}

DataApi* Self(lua_State* L) { return static_cast<DataApi*>(lua_touserdata(L, lua_upvalueindex(1))); }

template <DataApi::Kind K, DataApi::Mode M>
int QueryFunction(lua_State* L) {
  return Self(L)->Query(L, K, M);
}
int StepSlaFunction(lua_State* L) { return Self(L)->StepSla(L); }
int CountCasesByFunction(lua_State* L) { return Self(L)->CountCasesBy(L); }
int ProceduresFunction(lua_State* L) { return Self(L)->Procedures(L); }
int NowFunction(lua_State* L) { return Self(L)->Now(L); }

}  // namespace

DataApi::DataApi(Database* db, const ReportCatalog& catalog, ScanControl& control, Options options)
    : db_(db), catalog_(catalog), control_(control), options_(options) {}

void DataApi::Install(LuaSandbox& sandbox) {
  lua_State* L = sandbox.state();
  struct Entry {
    const char* name;
    lua_CFunction fn;
  };
  using K = Kind;
  using M = Mode;
  const Entry entries[] = {
      {"cases", QueryFunction<K::kCases, M::kList>},         {"each_case", QueryFunction<K::kCases, M::kEach>},
      {"count_cases", QueryFunction<K::kCases, M::kCount>},  {"steps", QueryFunction<K::kSteps, M::kList>},
      {"each_step", QueryFunction<K::kSteps, M::kEach>},     {"count_steps", QueryFunction<K::kSteps, M::kCount>},
      {"events", QueryFunction<K::kEvents, M::kList>},       {"each_event", QueryFunction<K::kEvents, M::kEach>},
      {"count_events", QueryFunction<K::kEvents, M::kCount>}, {"evidence", QueryFunction<K::kEvidence, M::kList>},
      {"each_evidence", QueryFunction<K::kEvidence, M::kEach>},
      {"decisions", QueryFunction<K::kDecisions, M::kList>}, {"step_sla", StepSlaFunction},
      {"count_cases_by", CountCasesByFunction},
      {"procedures", ProceduresFunction},                    {"now", NowFunction},
  };
  sandbox.PushEnv();                                   // env
  lua_createtable(L, 0, static_cast<int>(std::size(entries)));  // env data
  for (const Entry& e : entries) {
    lua_pushlightuserdata(L, this);
    lua_pushcclosure(L, e.fn, 1);
    lua_setfield(L, -2, e.name);
  }
  lua_setfield(L, -2, "data");
  lua_pop(L, 1);
}

Status DataApi::CheckRunning(const char* function) const {
  if (!running_ || db_ == nullptr)
    return ScriptError(std::string(function) + " is only available while the report runs (inside run), not at load");
  return Status::Ok();
}

int DataApi::Query(lua_State* L, Kind kind, Mode mode) {
  const QuerySpec& spec = Spec(kind);
  const char* function = mode == Mode::kList ? spec.function : mode == Mode::kEach ? spec.each_function : spec.count_function;
  std::string error;  // raised once every C++ object of the query is gone (free first, raise last)
  int results = 0;
  {
    const std::size_t busy_slot = static_cast<std::size_t>(kind);
    Status st = CheckRunning(function);
    if (st.ok() && mode != Mode::kCount && busy_[busy_slot])
      st = ScriptError(std::string(function) + " cannot run inside another iteration over " + spec.what +
                       " (collect what you need first, then query)");
    if (st.ok() && mode == Mode::kEach && !lua_isfunction(L, 2))
      st = InvalidArgument(std::string(function) + "(filter, fn): fn must be a function(row) (return false to stop)");
    std::set<std::string> keys = spec.keys;
    if (mode != Mode::kList) keys.erase("limit");
    Result<DataFilter> filter = st.ok() ? ReadDataFilter(L, 1, function, keys, catalog_, *db_) : Result<DataFilter>(st);
    if (!filter.ok()) {
      error = filter.status().message();
    } else {
      RestrictProcedures(*filter, options_.readable_procedures);
      const bool by_case = filter->case_id.has_value();
      const std::string& sql = mode == Mode::kCount ? (by_case ? spec.count_by_case_sql : spec.count_sql)
                                                    : (by_case ? spec.by_case_sql : spec.list_sql);
      auto q = db_->Prepare(sql);
      if (!q.ok()) {
        error = q.status().message();
      } else {
        Bind(kind, *filter, options_.now, *q);
        if (by_case) q->Bind(spec.case_param, *filter->case_id);
        if (mode == Mode::kCount) {
          auto row = q->Step();
          if (!row.ok()) error = row.status().message();
          else lua_pushinteger(L, q->Int(0));
          q->Run();
          results = error.empty() ? 1 : 0;
        } else {
          // The statement stays in use until the loop ends: a nested query of the same kind
          // would reset it (Database caches statements by SQL text).
          struct BusyGuard {
            bool& flag;
            explicit BusyGuard(bool& f) : flag(f) { flag = true; }
            ~BusyGuard() { flag = false; }
          } guard(busy_[busy_slot]);
          luaL_checkstack(L, 8, "data query");
          const std::size_t cap = filter->limit ? static_cast<std::size_t>(*filter->limit) : options_.max_list_rows;
          if (mode == Mode::kList) lua_createtable(L, 0, 0);
          const int list = lua_gettop(L);
          std::int64_t n = 0;
          while (error.empty()) {
            auto row = q->Step();
            if (!row.ok()) {
              error = row.status().message();
              break;
            }
            if (!*row) break;
            ++n;
            control_.AddRows(1);
            if (Status tick = control_.Tick(spec.what, n, 0); !tick.ok()) {
              error = tick.message();
              break;
            }
            if (mode == Mode::kList) {
              if (static_cast<std::size_t>(n) > cap) {
                if (filter->limit) break;  // the script asked for the first `limit` rows
                error = std::string(function) + ": more than " + std::to_string(cap) + " rows match; narrow the filter or use " +
                        spec.each_function + "(filter, fn)";
                break;
              }
              PushRow(L, kind, *q, options_.now);
              lua_rawseti(L, list, n);
              continue;
            }
            lua_pushvalue(L, 2);  // fn
            PushRow(L, kind, *q, options_.now);
            Status called = LuaSandbox::From(L)->ProtectedCall(1, 1);
            if (!called.ok()) {
              error = WithoutTraceback(called.message());
              break;
            }
            const bool stop = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
            lua_pop(L, 1);
            if (stop) break;
          }
          if (mode == Mode::kEach) lua_pushinteger(L, n);  // rows visited
          results = 1;
        }
      }
    }
  }
  if (!error.empty()) return luaL_error(L, "%s", error.c_str());
  return results;
}

int DataApi::Procedures(lua_State* L) {
  std::string error;
  {
    Status st = CheckRunning("data.procedures");
    if (!st.ok()) {
      error = st.message();
    } else {
      // { [id] = { id, title, instansi, zona_waktu, sla_kasus, roles = {id = label}, steps = {...},
      //            step = { [step id] = step } } }
      nlohmann::json out = nlohmann::json::object();
      for (nlohmann::json p : catalog_.ToJson()) {
        nlohmann::json by_id = nlohmann::json::object();
        for (const auto& s : p["steps"]) by_id[s["id"].get<std::string>()] = s;
        p["step"] = by_id;
        out[p["id"].get<std::string>()] = p;
      }
      PushJson(L, out);
    }
  }
  if (!error.empty()) return luaL_error(L, "%s", error.c_str());
  return 1;
}

int DataApi::Now(lua_State* L) {
  lua_pushinteger(L, options_.now);
  return 1;
}

}  // namespace siaga
