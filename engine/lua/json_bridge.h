// Converts between Lua values and JSON (nlohmann::json) with depth and size limits, so case
// fields and hook arguments cross the Lua boundary as plain data.
#pragma once

#include <lua.hpp>
#include <nlohmann/json.hpp>

#include "common/status.h"

namespace siaga {

constexpr int kMaxJsonDepth = 64;

// Pushes `value` [-0, +1]. Raises a Lua error if the Lua stack cannot grow.
void PushJson(lua_State* L, const nlohmann::json& value, int depth = 0);

// Reads the value at `index` as JSON. Tables with keys 1..n become arrays, tables with string
// keys objects; functions, userdata, threads, cycles and mixed keys are refused.
Result<nlohmann::json> LuaToJson(lua_State* L, int index, int depth = 0);

}  // namespace siaga
