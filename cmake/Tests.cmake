# Test registration by naming convention (see CMakeLists.txt).
set(TFS_TEST_ENV
    "TFS_BIN=$<TARGET_FILE:takeoutfs>"
    "TFS_GEN=$<TARGET_FILE:gen-takeout>"
    "TFS_SRC=${CMAKE_SOURCE_DIR}"
    "TFS_BUILD=${CMAKE_BINARY_DIR}"
    "TFS_CORPUS=${TFS_CORPUS_DIR}"
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

# Helper programs for tests and benchmarks: tests/tools/<name>.c -> <name>.
file(GLOB TFS_TEST_TOOLS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/tools/*.c)
foreach(src ${TFS_TEST_TOOLS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE tfscore)
  list(APPEND TFS_TEST_ENV "TFS_TOOL_${name}=$<TARGET_FILE:${name}>")
endforeach()

file(GLOB TFS_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src ${TFS_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE TFS_CORPUS_DIR="${TFS_CORPUS_DIR}")
  target_link_libraries(${name} PRIVATE tfscore)
  add_test(NAME unit.${name} COMMAND ${name})
  set_tests_properties(unit.${name} PROPERTIES ENVIRONMENT "${TFS_TEST_ENV}" TIMEOUT 300
                       WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endforeach()

file(GLOB TFS_INTEGRATION_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/integration/test_*.sh)
foreach(src ${TFS_INTEGRATION_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME integration.${name} COMMAND bash ${src})
  set_tests_properties(integration.${name} PROPERTIES ENVIRONMENT "${TFS_TEST_ENV}" TIMEOUT 600
                       WORKING_DIRECTORY ${CMAKE_BINARY_DIR} RUN_SERIAL TRUE)
endforeach()

# Fuzz targets: always built as corpus-replay programs (a plain main() over the
# seed and regression inputs), and as libFuzzer binaries when TFS_FUZZ=ON.
file(GLOB TFS_FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
foreach(src ${TFS_FUZZ_TARGETS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name}_replay ${src} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c)
  target_link_libraries(${name}_replay PRIVATE tfscore)
  add_test(NAME fuzz-replay.${name}
           COMMAND ${name}_replay ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name})
  set_tests_properties(fuzz-replay.${name} PROPERTIES ENVIRONMENT "${TFS_TEST_ENV}" TIMEOUT 300)
  if(TFS_FUZZ)
    add_executable(${name} ${src})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE tfscore)
  endif()
endforeach()
