# Included from the top CMakeLists.txt. One target per input kind (docs/reliability.md, "Fuzzing").
set(SIAGA_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
set(SIAGA_FUZZ_TARGETS time_standard payload intake adapter procedure_loader notification_book)

function(siaga_fuzz_target name)
  if(SIAGA_FUZZ)
    add_executable(fuzz_${name} ${SIAGA_FUZZ_DIR}/fuzz_${name}.cpp)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(fuzz_${name} ${SIAGA_FUZZ_DIR}/fuzz_${name}.cpp ${SIAGA_FUZZ_DIR}/replay_main.cpp)
  endif()
  target_compile_options(fuzz_${name} PRIVATE ${SIAGA_WARNINGS})
  target_include_directories(fuzz_${name} PRIVATE ${SIAGA_FUZZ_DIR})
  target_compile_definitions(fuzz_${name} PRIVATE SIAGA_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_link_libraries(fuzz_${name} PRIVATE siaga_core)
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
endif()
