# The programs the end-to-end and runtime tests start, inspect, trace or crowd, all of them built
# plainly (ljmm_program_under_test) into LJMM_TEST_PROGS_DIR, and the target test_programs that
# builds them all. A sanitizer build with LJMM_TEST_PROGRAMS_FROM does not include this file: it
# runs another build's.
set(LJMM_PROGRAMS_UNDER_TEST ljmm_preload)
# Helper programs the end-to-end tests inspect: the same source built PIE and non-PIE.
add_executable(layout_probe_pie progs/layout_probe.c)
target_compile_options(layout_probe_pie PRIVATE -fPIE)
target_link_options(layout_probe_pie PRIVATE -pie)
add_executable(layout_probe_nopie progs/layout_probe.c)
set_target_properties(layout_probe_nopie PROPERTIES POSITION_INDEPENDENT_CODE OFF)
target_compile_options(layout_probe_nopie PRIVATE -fno-pie)
target_link_options(layout_probe_nopie PRIVATE -no-pie)
# glibc linked in: its __curbrk is in the executable, not in the libc.so.6 its iconv maps.
add_executable(layout_probe_static progs/layout_probe.c)
target_compile_definitions(layout_probe_static PRIVATE LJMM_PROBE_SHARED_LIBC)
set_target_properties(layout_probe_static PROPERTIES POSITION_INDEPENDENT_CODE OFF)
target_compile_options(layout_probe_static PRIVATE -fno-pie)
target_link_options(layout_probe_static PRIVATE -static)
set_target_properties(layout_probe_pie layout_probe_nopie layout_probe_static PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                      ${LJMM_TEST_PROGS_DIR})
ljmm_program_under_test(layout_probe_pie)
ljmm_program_under_test(layout_probe_nopie)
ljmm_program_under_test(layout_probe_static)
list(APPEND LJMM_PROGRAMS_UNDER_TEST layout_probe_pie layout_probe_nopie layout_probe_static)

# --- The runtime against a real LuaJIT without GC64, built from Debian's source package.
add_custom_command(OUTPUT ${LJMM_LUAJIT_DIR}/lib/libluajit.a ${LJMM_LUAJIT_DIR}/bin/luajit
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/luajit/build_luajit.sh ${LJMM_LUAJIT_DIR}
  COMMENT "Building LuaJIT without GC64 from Debian's source package")
add_custom_target(luajit_nogc64 DEPENDS ${LJMM_LUAJIT_DIR}/lib/libluajit.a)

# The Lua host, plain and with the runtime, each PIE and non-PIE.
foreach(variant plain ljmm)
  foreach(pie pie nopie)
    set(host lua_host_${variant}_${pie})
    set(sources progs/lua_host.c)
    if(variant STREQUAL "ljmm")
      list(APPEND sources ${LJMM_RUNTIME_OBJECT})
    endif()
    add_executable(${host} ${sources})
    add_dependencies(${host} luajit_nogc64 ljmm_runtime_object)
    target_include_directories(${host} PRIVATE ${LJMM_LUAJIT_DIR}/include ${PROJECT_SOURCE_DIR}/libljmm/include)
    target_link_libraries(${host} PRIVATE ${LJMM_LUAJIT_DIR}/lib/libluajit.a m dl)
    if(variant STREQUAL "ljmm")
      target_compile_definitions(${host} PRIVATE LJMM_LINKED)
      target_link_options(${host} PRIVATE ${LJMM_WRAP_FLAGS})
    endif()
    if(pie STREQUAL "nopie")
      set_target_properties(${host} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
      target_compile_options(${host} PRIVATE -fno-pie)
      target_link_options(${host} PRIVATE -no-pie)
    endif()
    ljmm_program_under_test(${host})
    set_target_properties(${host} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${LJMM_TEST_PROGS_DIR})
    list(APPEND LJMM_RUNTIME_TEST_PROGS ${host})
  endforeach()
endforeach()
set_source_files_properties(${LJMM_RUNTIME_OBJECT} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)

# A Lua file runner linked with ljmm.o, for the Lua checks in test/luajit/.
add_executable(lua_run_ljmm progs/lua_run.c ${LJMM_RUNTIME_OBJECT})
add_dependencies(lua_run_ljmm luajit_nogc64 ljmm_runtime_object)
target_include_directories(lua_run_ljmm PRIVATE ${LJMM_LUAJIT_DIR}/include)
target_link_libraries(lua_run_ljmm PRIVATE ${LJMM_LUAJIT_DIR}/lib/libluajit.a m dl)
target_link_options(lua_run_ljmm PRIVATE ${LJMM_WRAP_FLAGS})
ljmm_program_under_test(lua_run_ljmm)
set_target_properties(lua_run_ljmm PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${LJMM_TEST_PROGS_DIR})
list(APPEND LJMM_RUNTIME_TEST_PROGS lua_run_ljmm)

foreach(program low_alloc ticker mapper many_mappings mmap_storm exec_loop churn timed_mapper memory_calls layout_calls film_markers
        arena_growth
        cut_off marker_maps live_sites inode_twins
        x32_calls fallback_seqs)
  add_executable(${program} progs/${program}.c)
  target_link_libraries(${program} PRIVATE pthread)
  ljmm_program_under_test(${program})
  set_target_properties(${program} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${LJMM_TEST_PROGS_DIR})
  list(APPEND LJMM_RUNTIME_TEST_PROGS ${program})
endforeach()
# Stacks only the CFI can unwind: no frame pointers, as in Debian's libraries.
add_executable(brk_blocker progs/brk_blocker.c)
target_compile_options(brk_blocker PRIVATE -O2 -fomit-frame-pointer -g)
ljmm_program_under_test(brk_blocker)
set_target_properties(brk_blocker PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${LJMM_TEST_PROGS_DIR})
list(APPEND LJMM_RUNTIME_TEST_PROGS brk_blocker)
list(APPEND LJMM_PROGRAMS_UNDER_TEST ${LJMM_RUNTIME_TEST_PROGS} ljmm_preload)

# A library with a small bss and anonymous memory right after it (test/e2e/library_bss_test.cpp).
add_library(small_bss_lib SHARED progs/small_bss_lib.c)
target_link_options(small_bss_lib PRIVATE -Wl,-z,max-page-size=0x200000)
add_executable(bss_neighbour progs/bss_neighbour.c)
target_link_libraries(bss_neighbour PRIVATE dl)
add_dependencies(bss_neighbour small_bss_lib)
ljmm_program_under_test(small_bss_lib)
ljmm_program_under_test(bss_neighbour)
set_target_properties(small_bss_lib bss_neighbour PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${LJMM_TEST_PROGS_DIR}
                                                             LIBRARY_OUTPUT_DIRECTORY ${LJMM_TEST_PROGS_DIR})
list(APPEND LJMM_PROGRAMS_UNDER_TEST bss_neighbour)
# 32-bit calls without a 32-bit libc: each program is one assembly file, assembled and linked
# by binutils alone (as --32 / ld -m elf_i386 for the i386 one).
find_program(LJMM_AS as REQUIRED)
find_program(LJMM_LD ld REQUIRED)
foreach(entry "ia32_calls;--32;elf_i386" "ia32_layout_calls;--32;elf_i386" "ia32_bad_block;--32;elf_i386" "int80_calls;--64;elf_x86_64"
              "core_i386;--32;elf_i386")
  list(GET entry 0 program)
  list(GET entry 1 as_mode)
  list(GET entry 2 ld_mode)
  add_custom_command(OUTPUT ${LJMM_TEST_PROGS_DIR}/${program}
    COMMAND ${LJMM_AS} ${as_mode} -o ${CMAKE_CURRENT_BINARY_DIR}/${program}.o ${CMAKE_CURRENT_SOURCE_DIR}/progs/${program}.S
    COMMAND ${LJMM_LD} -m ${ld_mode} -o ${LJMM_TEST_PROGS_DIR}/${program} ${CMAKE_CURRENT_BINARY_DIR}/${program}.o
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/progs/${program}.S
    COMMENT "Assembling ${program}")
  add_custom_target(${program} DEPENDS ${LJMM_TEST_PROGS_DIR}/${program})
  list(APPEND LJMM_PROGRAMS_UNDER_TEST ${program})
endforeach()

# strace's own test programs for mmap, munmap, mremap and brk, from Debian's source package: the
# conformance tests compare ljmm-trace with strace on them (test/e2e/conformance_test.cpp).
add_custom_command(OUTPUT ${LJMM_STRACE_TESTS_DIR}/bin/mmap ${LJMM_STRACE_TESTS_DIR}/bin/shmxt
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/conformance/build_strace_tests.sh ${LJMM_STRACE_TESTS_DIR}
  COMMENT "Building strace's test programs from Debian's source package")
add_custom_target(strace_tests DEPENDS ${LJMM_STRACE_TESTS_DIR}/bin/shmxt)
list(APPEND LJMM_PROGRAMS_UNDER_TEST strace_tests)


# Programs linked with ljmm.o and the --wrap flags: the stress test and the map_near checks.
foreach(program runtime_stress map_near_check remap_check runtime_requests runtime_fork runtime_scale)
  add_executable(${program} progs/${program}.c ${LJMM_RUNTIME_OBJECT})
  add_dependencies(${program} ljmm_runtime_object)
  target_include_directories(${program} PRIVATE ${PROJECT_SOURCE_DIR}/libljmm/include)
  target_link_libraries(${program} PRIVATE pthread)
  target_link_options(${program} PRIVATE ${LJMM_WRAP_FLAGS})
  ljmm_program_under_test(${program})
  set_target_properties(${program} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${LJMM_TEST_PROGS_DIR})
  list(APPEND LJMM_PROGRAMS_UNDER_TEST ${program})
endforeach()
# Non-PIE builds: map_near for a symbol below 2 GiB, the brk headroom of a low heap.
foreach(program map_near_check runtime_requests)
  add_executable(${program}_nopie progs/${program}.c ${LJMM_RUNTIME_OBJECT})
  add_dependencies(${program}_nopie ljmm_runtime_object)
  target_include_directories(${program}_nopie PRIVATE ${PROJECT_SOURCE_DIR}/libljmm/include)
  set_target_properties(${program}_nopie PROPERTIES POSITION_INDEPENDENT_CODE OFF
                        RUNTIME_OUTPUT_DIRECTORY ${LJMM_TEST_PROGS_DIR})
  target_compile_options(${program}_nopie PRIVATE -fno-pie)
  target_link_options(${program}_nopie PRIVATE -no-pie ${LJMM_WRAP_FLAGS})
  ljmm_program_under_test(${program}_nopie)
  list(APPEND LJMM_PROGRAMS_UNDER_TEST ${program}_nopie)
endforeach()

add_custom_target(test_programs)
add_dependencies(test_programs ${LJMM_PROGRAMS_UNDER_TEST})
