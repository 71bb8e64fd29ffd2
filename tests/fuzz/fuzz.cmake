# Included from the top CMakeLists.txt. One target per input kind (docs/reliability.md, "Fuzzing").
set(SIAGA_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
set(SIAGA_FUZZ_TARGETS time_standard payload intake adapter procedure_loader notification_book routes json_body calendar_book)

# In a SIAGA_FUZZ tree the targets link a library of just the engine files they reach, so the
# clang build takes a fifth of a full one (the linker reports any file missing here).
if(SIAGA_FUZZ)
  add_library(siaga_fuzz_core STATIC
    engine/common/status.cpp engine/common/clock.cpp engine/common/sha256.cpp engine/common/tlp.cpp engine/common/html_escape.cpp
    engine/time/time_standard.cpp engine/time/calendar.cpp
    engine/lua/sandbox.cpp engine/lua/json_bridge.cpp
    engine/procedure/loader.cpp engine/procedure/lint.cpp
    engine/webhooks/payload.cpp engine/webhooks/adapter.cpp engine/webhooks/routes.cpp engine/webhooks/intake.cpp
    engine/notify/notification_book.cpp
    engine/http/http_types.cpp engine/http/json_body.cpp
    engine/time/calendar_book.cpp engine/procedure/registry.cpp)
  target_include_directories(siaga_fuzz_core PUBLIC engine)
  target_link_libraries(siaga_fuzz_core PUBLIC PkgConfig::LUA nlohmann_json::nlohmann_json spdlog::spdlog OpenSSL::Crypto)
  set(SIAGA_FUZZ_CORE siaga_fuzz_core)
else()
  set(SIAGA_FUZZ_CORE siaga_core)
endif()

if(NOT SIAGA_FUZZ)
  # Compiled once for the replay executables.
  add_library(siaga_fuzz_replay_main OBJECT ${SIAGA_FUZZ_DIR}/replay_main.cpp)
  target_compile_options(siaga_fuzz_replay_main PRIVATE ${SIAGA_WARNINGS})
endif()

function(siaga_fuzz_target name)
  if(SIAGA_FUZZ)
    add_executable(fuzz_${name} ${SIAGA_FUZZ_DIR}/fuzz_${name}.cpp)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(fuzz_${name} ${SIAGA_FUZZ_DIR}/fuzz_${name}.cpp $<TARGET_OBJECTS:siaga_fuzz_replay_main>)
  endif()
  target_compile_options(fuzz_${name} PRIVATE ${SIAGA_WARNINGS})
  target_include_directories(fuzz_${name} PRIVATE ${SIAGA_FUZZ_DIR})
  target_compile_definitions(fuzz_${name} PRIVATE SIAGA_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_link_libraries(fuzz_${name} PRIVATE ${SIAGA_FUZZ_CORE})
endfunction()

foreach(t IN LISTS SIAGA_FUZZ_TARGETS)
  siaga_fuzz_target(${t})
endforeach()

if(NOT SIAGA_FUZZ)
  # Replay tests: every seed and every regression input once, in the normal build (CI).
  set(samples ${CMAKE_SOURCE_DIR}/tests/data/webhooks)
  set(regressions ${SIAGA_FUZZ_DIR}/regressions)
  file(GLOB json_samples ${samples}/*.json ${samples}/bad/*.json)
  file(GLOB jsonl_samples ${samples}/*.jsonl ${samples}/bad/*.jsonl)
  file(GLOB csv_samples ${samples}/*.csv ${samples}/bad/*.csv)

  add_test(NAME "fuzz_replay: time_standard" COMMAND fuzz_time_standard
    ${SIAGA_FUZZ_DIR}/seeds/time_standard ${regressions}/time_standard --min-inputs=10)
  # fuzz_payload: byte 0 modulo 3 picks JSON, JSON lines or CSV.
  add_test(NAME "fuzz_replay: payload" COMMAND fuzz_payload
    --prefix-byte=0 ${json_samples} --prefix-byte=1 ${jsonl_samples} --prefix-byte=2 ${csv_samples}
    --no-prefix ${regressions}/payload --min-inputs=10)
  add_test(NAME "fuzz_replay: intake" COMMAND fuzz_intake
    ${SIAGA_FUZZ_DIR}/seeds/intake ${json_samples} ${regressions}/intake --min-inputs=5)
  # fuzz_adapter: byte 0 picks the adapter by its index in name order; each sample goes to the
  # adapter its file is named after (wazuh.json, bad/wazuh-no-rule.json).
  file(GLOB adapter_files RELATIVE ${CMAKE_SOURCE_DIR}/webhooks ${CMAKE_SOURCE_DIR}/webhooks/*.lua)
  list(REMOVE_ITEM adapter_files routes.lua)
  list(SORT adapter_files)
  set(adapter_args)
  file(GLOB adapter_samples ${samples}/* ${samples}/bad/*)
  foreach(sample IN LISTS adapter_samples)
    if(IS_DIRECTORY ${sample})
      continue()
    endif()
    get_filename_component(base ${sample} NAME)
    string(REGEX REPLACE "[-.].*" "" adapter ${base})
    list(FIND adapter_files ${adapter}.lua index)
    if(index GREATER_EQUAL 0)
      list(APPEND adapter_args --prefix-byte=${index} ${sample})
    endif()
  endforeach()
  add_test(NAME "fuzz_replay: adapter" COMMAND fuzz_adapter
    ${adapter_args} --no-prefix ${regressions}/adapter --min-inputs=10)
  add_test(NAME "fuzz_replay: procedure_loader" COMMAND fuzz_procedure_loader
    ${CMAKE_SOURCE_DIR}/sop ${regressions}/procedure_loader --min-inputs=15)
  add_test(NAME "fuzz_replay: notification_book" COMMAND fuzz_notification_book
    ${CMAKE_SOURCE_DIR}/sop/notifikasi ${regressions}/notification_book --min-inputs=2)
  add_test(NAME "fuzz_replay: routes" COMMAND fuzz_routes
    ${CMAKE_SOURCE_DIR}/webhooks/routes.lua ${SIAGA_FUZZ_DIR}/seeds/routes ${regressions}/routes --min-inputs=5)
  file(GLOB calendar_files ${CMAKE_SOURCE_DIR}/sop/kalender/*.lua)
  file(GLOB agency_files ${CMAKE_SOURCE_DIR}/sop/instansi/*.lua)
  add_test(NAME "fuzz_replay: calendar_book" COMMAND fuzz_calendar_book
    --prefix-byte=0 ${calendar_files} --prefix-byte=1 ${agency_files} --no-prefix ${regressions}/calendar_book --min-inputs=6)
  add_test(NAME "fuzz_replay: json_body" COMMAND fuzz_json_body
    ${SIAGA_FUZZ_DIR}/seeds/json_body ${json_samples} --min-inputs=10)
endif()
