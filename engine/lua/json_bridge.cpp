#include "lua/json_bridge.h"

#include <cmath>
#include <string>
#include <string_view>

#include "common/utf8.h"

namespace siaga {

void PushJson(lua_State* L, const nlohmann::json& value, int depth) {
  luaL_checkstack(L, 3, "JSON value too deep for the Lua stack");
  if (depth > kMaxJsonDepth) {
    luaL_error(L, "JSON nested deeper than %d levels", kMaxJsonDepth);
    return;
  }
  switch (value.type()) {
    case nlohmann::json::value_t::null: lua_pushnil(L); break;
    case nlohmann::json::value_t::boolean: lua_pushboolean(L, value.get<bool>() ? 1 : 0); break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      lua_pushinteger(L, value.get<lua_Integer>());
      break;
    case nlohmann::json::value_t::number_float: lua_pushnumber(L, value.get<double>()); break;
    case nlohmann::json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      break;
    }
    case nlohmann::json::value_t::array: {
      lua_createtable(L, static_cast<int>(value.size()), 0);
      lua_Integer i = 1;
      for (const auto& item : value) {
        PushJson(L, item, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      break;
    }
    case nlohmann::json::value_t::object: {
      lua_createtable(L, 0, static_cast<int>(value.size()));
      for (const auto& [k, v] : value.items()) {
        lua_pushlstring(L, k.data(), k.size());
        PushJson(L, v, depth + 1);
        lua_rawset(L, -3);
      }
      break;
    }
    default: lua_pushnil(L); break;
  }
}

Result<nlohmann::json> LuaToJson(lua_State* L, int index, int depth) {
  index = lua_absindex(L, index);
  if (depth > kMaxJsonDepth) return InvalidArgument("table nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (or a cycle)");
  switch (lua_type(L, index)) {
    case LUA_TNIL: return nlohmann::json(nullptr);
    case LUA_TBOOLEAN: return nlohmann::json(lua_toboolean(L, index) != 0);
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return nlohmann::json(static_cast<std::int64_t>(lua_tointeger(L, index)));
      if (!std::isfinite(lua_tonumber(L, index))) return InvalidArgument("numbers must be finite");
      return nlohmann::json(lua_tonumber(L, index));
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, index, &len);
      // Lua strings are bytes ("\xC1", string.char(255), a cut through a character): refused here,
      // or every later dump() of the data (case fields, drafts, API answers) would throw.
      if (auto bad = FirstInvalidUtf8(std::string_view(s, len)))
        return InvalidArgument("a string is not valid UTF-8 text (byte " + std::to_string(*bad + 1) + ")");
      return nlohmann::json(std::string(s, len));
    }
    case LUA_TTABLE: {
      if (!lua_checkstack(L, 3)) return InvalidArgument("table too deep for the Lua stack");
      const lua_Unsigned n = lua_rawlen(L, index);
      std::size_t count = 0;
      bool string_keys = false, integer_keys = false, other_keys = false;
      lua_pushnil(L);
      while (lua_next(L, index) != 0) {
        ++count;
        if (lua_type(L, -2) == LUA_TSTRING) string_keys = true;
        else if (lua_isinteger(L, -2)) integer_keys = true;
        else other_keys = true;
        lua_pop(L, 1);
      }
      if (other_keys || (string_keys && integer_keys))
        return InvalidArgument("a table must be either a list or have only string keys");
      if (!string_keys && count == n) {
        nlohmann::json arr = nlohmann::json::array();
        for (lua_Unsigned i = 1; i <= n; ++i) {
          lua_rawgeti(L, index, static_cast<lua_Integer>(i));
          auto item = LuaToJson(L, -1, depth + 1);
          lua_pop(L, 1);
          if (!item.ok()) return item.status();
          arr.push_back(std::move(*item));
        }
        return arr;
      }
      if (!string_keys) return InvalidArgument("a list must have keys 1..n with no holes");
      nlohmann::json obj = nlohmann::json::object();
      lua_pushnil(L);
      while (lua_next(L, index) != 0) {
        auto item = LuaToJson(L, -1, depth + 1);
        if (!item.ok()) {
          lua_pop(L, 2);
          return item.status();
        }
        std::size_t key_len = 0;
        const char* key = lua_tolstring(L, -2, &key_len);
        if (auto bad = FirstInvalidUtf8(std::string_view(key, key_len))) {
          lua_pop(L, 2);
          return InvalidArgument("a key is not valid UTF-8 text (byte " + std::to_string(*bad + 1) + ")");
        }
        obj[std::string(key, key_len)] = std::move(*item);
        lua_pop(L, 1);
      }
      return obj;
    }
    default:
      return InvalidArgument(std::string("a ") + luaL_typename(L, index) + " cannot be stored as data");
  }
}

}  // namespace siaga
