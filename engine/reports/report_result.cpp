#include "reports/report_result.h"

#include <cmath>
#include <map>
#include <set>

namespace siaga {

namespace {

Status Bad(const std::string& where, const std::string& message) {
  return ScriptError("report result: " + where + ": " + message);
}

class ResultReader {
 public:
  ResultReader(lua_State* L, const ReportResultLimits& limits) : L_(L), limits_(limits) {}

  // Pushes t[key] (raw) and returns its type. [-0, +1]
  int Field(int index, const char* key) {
    lua_pushstring(L_, key);
    return lua_rawget(L_, index);
  }

  Status CheckKeys(int index, const std::set<std::string>& allowed, const std::string& where) {
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      lua_pop(L_, 1);
      const bool name = lua_type(L_, -1) == LUA_TSTRING;
      const std::string key = name ? lua_tostring(L_, -1) : "";
      if (!name || allowed.count(key) == 0) {
        lua_pop(L_, 1);
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return Bad(where, (name ? "unknown key '" + key + "'" : std::string("keys must be names")) + " (allowed: " + list + ")");
      }
    }
    return Status::Ok();
  }

  // A string at the top of the stack (pops it).
  Result<std::string> PopText(const std::string& where, bool allow_number = false) {
    const int type = lua_type(L_, -1);
    std::string out;
    if (type == LUA_TSTRING || (allow_number && type == LUA_TNUMBER)) {
      lua_pushvalue(L_, -1);  // tostring on a copy: a number is converted in place
      std::size_t len = 0;
      const char* s = lua_tolstring(L_, -1, &len);
      out.assign(s, len);
      lua_pop(L_, 2);
    } else {
      lua_pop(L_, 1);
      return Bad(where, std::string("must be a string, not ") + lua_typename(L_, type));
    }
    if (out.size() > limits_.text_bytes) return Bad(where, "text longer than " + std::to_string(limits_.text_bytes) + " bytes");
    return out;
  }

  Result<std::string> OptionalText(int index, const char* key, const std::string& where) {
    if (Field(index, key) == LUA_TNIL) {
      lua_pop(L_, 1);
      return std::string();
    }
    return PopText(where + "." + key);
  }

  // A cell or summary value at the top of the stack (pops it).
  Result<nlohmann::json> PopValue(const std::string& where) {
    nlohmann::json v;
    switch (lua_type(L_, -1)) {
      case LUA_TNIL: v = nullptr; break;
      case LUA_TBOOLEAN: v = lua_toboolean(L_, -1) != 0; break;
      case LUA_TNUMBER:
        if (lua_isinteger(L_, -1)) {
          v = static_cast<std::int64_t>(lua_tointeger(L_, -1));
        } else {
          const double d = lua_tonumber(L_, -1);
          if (!std::isfinite(d)) {
            lua_pop(L_, 1);
            return Bad(where, "numbers must be finite (a division by zero?)");
          }
          v = d;
        }
        break;
      case LUA_TSTRING: {
        auto s = PopText(where);
        if (!s.ok()) return s.status();
        return nlohmann::json(*s);
      }
      default: {
        const std::string type = luaL_typename(L_, -1);
        lua_pop(L_, 1);
        return Bad(where, "a cell holds a string, number or boolean, not a " + type);
      }
    }
    lua_pop(L_, 1);
    return v;
  }

  Status Summary(int result, ReportOutput& out) {
    const int type = Field(result, "summary");
    const int summary = lua_gettop(L_);
    if (type == LUA_TNIL) {
      lua_pop(L_, 1);
      return Status::Ok();
    }
    if (type != LUA_TTABLE) return Bad("result.summary", "must be a list of { label, value } pairs");
    const lua_Unsigned n = lua_rawlen(L_, summary);
    if (n > limits_.summary) return Bad("result.summary", "more than " + std::to_string(limits_.summary) + " figures");
    if (n == 0) {
      // A map { label = value }: sorted by label, since Lua tables have no order.
      std::map<std::string, nlohmann::json> sorted;
      lua_pushnil(L_);
      while (lua_next(L_, summary) != 0) {
        if (lua_type(L_, -2) != LUA_TSTRING) return Bad("result.summary", "a list of { label, value } pairs, or a table keyed by label");
        const std::string label = lua_tostring(L_, -2);
        auto v = PopValue("result.summary." + label);
        if (!v.ok()) return v.status();
        sorted[label] = std::move(*v);
      }
      for (auto& [label, v] : sorted) out.summary.push_back({label, std::move(v)});
    }
    for (lua_Unsigned i = 1; i <= n; ++i) {
      const std::string where = "result.summary[" + std::to_string(i) + "]";
      if (lua_rawgeti(L_, summary, static_cast<lua_Integer>(i)) != LUA_TTABLE) return Bad(where, "must be { label, value } or { label = ..., value = ... }");
      const int item = lua_gettop(L_);
      SummaryFigure f;
      const bool named = Field(item, "label") != LUA_TNIL;
      lua_pop(L_, 1);
      if (named) SIAGA_TRY(CheckKeys(item, {"label", "value"}, where));
      if (named) Field(item, "label"); else lua_rawgeti(L_, item, 1);
      auto label = PopText(where + ".label");
      if (!label.ok()) return label.status();
      f.label = *label;
      if (named) Field(item, "value"); else lua_rawgeti(L_, item, 2);
      auto v = PopValue(where + ".value");
      if (!v.ok()) return v.status();
      f.value = std::move(*v);
      out.summary.push_back(std::move(f));
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
    return Status::Ok();
  }

  Status Columns(int table, ReportTable& t, const std::string& where) {
    if (Field(table, "columns") != LUA_TTABLE) return Bad(where + ".columns", "is required: a list of keys or { key, label } pairs");
    const int columns = lua_gettop(L_);
    const lua_Unsigned n = lua_rawlen(L_, columns);
    if (n == 0) return Bad(where + ".columns", "must list at least one column");
    if (n > limits_.columns) return Bad(where + ".columns", "more than " + std::to_string(limits_.columns) + " columns");
    std::set<std::string> keys;
    for (lua_Unsigned i = 1; i <= n; ++i) {
      const std::string w = where + ".columns[" + std::to_string(i) + "]";
      ReportColumn c;
      const int type = lua_rawgeti(L_, columns, static_cast<lua_Integer>(i));
      if (type == LUA_TSTRING) {
        auto key = PopText(w);
        if (!key.ok()) return key.status();
        c.key = c.label = *key;
      } else if (type == LUA_TTABLE) {
        const int col = lua_gettop(L_);
        const bool named = Field(col, "key") != LUA_TNIL;
        lua_pop(L_, 1);
        if (named) SIAGA_TRY(CheckKeys(col, {"key", "label"}, w));
        if (named) Field(col, "key"); else lua_rawgeti(L_, col, 1);
        auto key = PopText(w + ".key");
        if (!key.ok()) return key.status();
        if (named) Field(col, "label"); else lua_rawgeti(L_, col, 2);
        std::string label = *key;
        if (!lua_isnil(L_, -1)) {
          auto l = PopText(w + ".label");
          if (!l.ok()) return l.status();
          label = *l;
        } else {
          lua_pop(L_, 1);
        }
        c.key = *key;
        c.label = label;
        lua_pop(L_, 1);
      } else {
        return Bad(w, "must be a key or { key, label }");
      }
      if (c.key.empty()) return Bad(w, "a column needs a key");
      if (!keys.insert(c.key).second) return Bad(w, "column '" + c.key + "' appears twice");
      t.columns.push_back(std::move(c));
    }
    lua_pop(L_, 1);
    return Status::Ok();
  }

  Status Rows(int table, ReportTable& t, const std::string& where) {
    const int type = Field(table, "rows");
    const int rows = lua_gettop(L_);
    if (type == LUA_TNIL) {
      lua_pop(L_, 1);
      return Status::Ok();
    }
    if (type != LUA_TTABLE) return Bad(where + ".rows", "must be a list of rows");
    const lua_Unsigned n = lua_rawlen(L_, rows);
    if (n > limits_.rows) return Bad(where + ".rows", "more than " + std::to_string(limits_.rows) + " rows");
    std::map<std::string, std::size_t> position;
    for (std::size_t c = 0; c < t.columns.size(); ++c) position[t.columns[c].key] = c;
    t.rows.reserve(static_cast<std::size_t>(n));
    for (lua_Unsigned i = 1; i <= n; ++i) {
      const std::string w = where + ".rows[" + std::to_string(i) + "]";
      if (lua_rawgeti(L_, rows, static_cast<lua_Integer>(i)) != LUA_TTABLE) return Bad(w, "must be a table");
      const int row = lua_gettop(L_);
      std::vector<nlohmann::json> cells(t.columns.size());
      const lua_Unsigned positional = lua_rawlen(L_, row);
      if (positional > 0) {
        if (positional > t.columns.size()) return Bad(w, "has more cells than the table has columns");
        for (lua_Unsigned c = 1; c <= positional; ++c) {
          lua_rawgeti(L_, row, static_cast<lua_Integer>(c));
          auto v = PopValue(w + "[" + std::to_string(c) + "]");
          if (!v.ok()) return v.status();
          cells[c - 1] = std::move(*v);
        }
      }
      lua_pushnil(L_);
      while (lua_next(L_, row) != 0) {
        if (lua_type(L_, -2) == LUA_TNUMBER && lua_isinteger(L_, -2) && lua_tointeger(L_, -2) >= 1 &&
            static_cast<lua_Unsigned>(lua_tointeger(L_, -2)) <= positional) {
          lua_pop(L_, 1);
          continue;
        }
        if (lua_type(L_, -2) != LUA_TSTRING)
          return Bad(w, "cells are keyed by column key, or listed in column order with no holes (use \"\" for an empty cell)");
        const std::string key = lua_tostring(L_, -2);
        auto it = position.find(key);
        if (it == position.end()) return Bad(w, "key '" + key + "' is not a column of the table");
        auto v = PopValue(w + "." + key);
        if (!v.ok()) return v.status();
        cells[it->second] = std::move(*v);
      }
      t.rows.push_back(std::move(cells));
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
    return Status::Ok();
  }

  Status Tables(int result, ReportOutput& out) {
    const int type = Field(result, "tables");
    const int tables = lua_gettop(L_);
    if (type == LUA_TNIL) {
      lua_pop(L_, 1);
      return Status::Ok();
    }
    if (type != LUA_TTABLE) return Bad("result.tables", "must be a list of tables");
    const lua_Unsigned n = lua_rawlen(L_, tables);
    if (n > limits_.tables) return Bad("result.tables", "more than " + std::to_string(limits_.tables) + " tables");
    std::set<std::string> names;
    for (lua_Unsigned i = 1; i <= n; ++i) {
      const std::string where = "result.tables[" + std::to_string(i) + "]";
      if (lua_rawgeti(L_, tables, static_cast<lua_Integer>(i)) != LUA_TTABLE) return Bad(where, "must be { name, title, columns, rows }");
      const int table = lua_gettop(L_);
      SIAGA_TRY(CheckKeys(table, {"name", "title", "columns", "rows"}, where));
      ReportTable t;
      auto name = OptionalText(table, "name", where);
      if (!name.ok()) return name.status();
      t.name = name->empty() ? "table" + std::to_string(i) : *name;
      if (!names.insert(t.name).second) return Bad(where + ".name", "table '" + t.name + "' appears twice");
      auto title = OptionalText(table, "title", where);
      if (!title.ok()) return title.status();
      t.title = title->empty() ? t.name : *title;
      SIAGA_TRY(Columns(table, t, where));
      SIAGA_TRY(Rows(table, t, where));
      out.tables.push_back(std::move(t));
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
    return Status::Ok();
  }

  Status Chart(int chart, ReportChart& c, const std::string& where) {
    SIAGA_TRY(CheckKeys(chart, {"type", "title", "x", "series", "stacked", "y_label"}, where));
    auto type = OptionalText(chart, "type", where);
    if (!type.ok()) return type.status();
    if (*type != "bar" && *type != "line") return Bad(where + ".type", "must be \"bar\" or \"line\"");
    c.type = *type;
    auto title = OptionalText(chart, "title", where);
    if (!title.ok()) return title.status();
    c.title = *title;
    auto y_label = OptionalText(chart, "y_label", where);
    if (!y_label.ok()) return y_label.status();
    c.y_label = *y_label;
    Field(chart, "stacked");
    c.stacked = lua_toboolean(L_, -1) != 0;
    lua_pop(L_, 1);

    if (Field(chart, "x") != LUA_TTABLE) return Bad(where + ".x", "is required: the list of labels along the x axis");
    const lua_Unsigned nx = lua_rawlen(L_, -1);
    if (nx > limits_.x_labels) return Bad(where + ".x", "more than " + std::to_string(limits_.x_labels) + " labels");
    for (lua_Unsigned i = 1; i <= nx; ++i) {
      lua_rawgeti(L_, -1, static_cast<lua_Integer>(i));
      auto label = PopText(where + ".x[" + std::to_string(i) + "]", true);
      if (!label.ok()) return label.status();
      c.x.push_back(*label);
    }
    lua_pop(L_, 1);

    if (Field(chart, "series") != LUA_TTABLE) return Bad(where + ".series", "is required: a list of { name, values }");
    const int series = lua_gettop(L_);
    const lua_Unsigned ns = lua_rawlen(L_, series);
    if (ns == 0 || ns > limits_.series) return Bad(where + ".series", "1 to " + std::to_string(limits_.series) + " series");
    for (lua_Unsigned s = 1; s <= ns; ++s) {
      const std::string w = where + ".series[" + std::to_string(s) + "]";
      if (lua_rawgeti(L_, series, static_cast<lua_Integer>(s)) != LUA_TTABLE) return Bad(w, "must be { name = ..., values = {...} }");
      const int item = lua_gettop(L_);
      SIAGA_TRY(CheckKeys(item, {"name", "values"}, w));
      ChartSeries cs;
      auto name = OptionalText(item, "name", w);
      if (!name.ok()) return name.status();
      cs.name = *name;
      if (Field(item, "values") != LUA_TTABLE) return Bad(w + ".values", "is required: one number per x label");
      const lua_Unsigned nv = lua_rawlen(L_, -1);
      if (nv != nx) return Bad(w + ".values", std::to_string(nv) + " values for " + std::to_string(nx) + " x labels");
      for (lua_Unsigned i = 1; i <= nv; ++i) {
        lua_rawgeti(L_, -1, static_cast<lua_Integer>(i));
        const bool number = lua_type(L_, -1) == LUA_TNUMBER;
        const double v = number ? lua_tonumber(L_, -1) : 0;
        lua_pop(L_, 1);
        if (!number || !std::isfinite(v)) return Bad(w + ".values[" + std::to_string(i) + "]", "must be a finite number");
        cs.values.push_back(v);
      }
      lua_pop(L_, 2);
      c.series.push_back(std::move(cs));
    }
    lua_pop(L_, 1);
    return Status::Ok();
  }

  Status Charts(int result, ReportOutput& out) {
    const int type = Field(result, "charts");
    const int charts = lua_gettop(L_);
    if (type == LUA_TNIL) {
      lua_pop(L_, 1);
      return Status::Ok();
    }
    if (type != LUA_TTABLE) return Bad("result.charts", "must be a list of charts");
    const lua_Unsigned n = lua_rawlen(L_, charts);
    if (n > limits_.charts) return Bad("result.charts", "more than " + std::to_string(limits_.charts) + " charts");
    for (lua_Unsigned i = 1; i <= n; ++i) {
      const std::string where = "result.charts[" + std::to_string(i) + "]";
      if (lua_rawgeti(L_, charts, static_cast<lua_Integer>(i)) != LUA_TTABLE) return Bad(where, "must be { type, title, x, series }");
      ReportChart c;
      SIAGA_TRY(Chart(lua_gettop(L_), c, where));
      out.charts.push_back(std::move(c));
      lua_pop(L_, 1);
    }
    lua_pop(L_, 1);
    return Status::Ok();
  }

  Status Notes(int result, ReportOutput& out) {
    const int type = Field(result, "notes");
    if (type == LUA_TNIL) {
      lua_pop(L_, 1);
      return Status::Ok();
    }
    if (type != LUA_TTABLE) return Bad("result.notes", "must be a list of strings");
    const lua_Unsigned n = lua_rawlen(L_, -1);
    if (n > limits_.notes) return Bad("result.notes", "more than " + std::to_string(limits_.notes) + " notes");
    for (lua_Unsigned i = 1; i <= n; ++i) {
      lua_rawgeti(L_, -1, static_cast<lua_Integer>(i));
      auto note = PopText("result.notes[" + std::to_string(i) + "]");
      if (!note.ok()) return note.status();
      out.notes.push_back(*note);
    }
    lua_pop(L_, 1);
    return Status::Ok();
  }

 private:
  lua_State* L_;
  ReportResultLimits limits_;
};

}  // namespace

Status ReadReportResult(lua_State* L, int index, ReportOutput& out, const ReportResultLimits& limits) {
  index = lua_absindex(L, index);
  if (!lua_istable(L, index))
    return Bad("result", std::string("run must return a table { summary, tables, charts }, not ") + luaL_typename(L, index));
  if (!lua_checkstack(L, 16)) return Bad("result", "Lua stack exhausted");
  ResultReader read(L, limits);
  SIAGA_TRY(read.CheckKeys(index, {"title", "summary", "tables", "charts", "notes"}, "result"));
  auto title = read.OptionalText(index, "title", "result");
  if (!title.ok()) return title.status();
  if (!title->empty()) out.title = *title;
  SIAGA_TRY(read.Summary(index, out));
  SIAGA_TRY(read.Tables(index, out));
  SIAGA_TRY(read.Charts(index, out));
  SIAGA_TRY(read.Notes(index, out));
  return Status::Ok();
}

}  // namespace siaga
