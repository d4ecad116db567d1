# LopVerilate.cmake — co-simulate lop-generated Verilog with Verilator, from CMake.
#
# Shipped with the installed lop package (find_package(lop) includes it) and used in-tree
# by tests/cosim and examples/. Provides:
#
#   lop_add_verilated(<target>
#       KIND pe|quantize|mul|add|sub|bundle
#       [DESCRIPTOR <text>] [DESCRIPTOR2 <text>]   # pe/quantize/mul/add/sub: descriptor text
#       [LIST <file>]                              # bundle: the unit list file
#       [DEPENDS <file>...]                        # more inputs (a table multiplier's Verilog
#                                                  #   or product table): regenerate when they change
#       TOP <name>                                 # bundle: its top module; others: the model's
#                                                  #   name (lop-hwgen names the module itself)
#       [PREFIX <class>]                           # Verilated C++ class (default V<name>)
#       [HWGEN <executable-or-target>]             # lop-hwgen to use (default: see below)
#       [MODE AUTO|BUILD|CONFIGURE]                # when lop-hwgen runs (default LOP_VERILATE_MODE)
#       [VERILATOR_ARGS <arg>...])                 # extra Verilator arguments
#
#   Runs `lop-hwgen` to write the Verilog of the described unit into
#   ${CMAKE_CURRENT_BINARY_DIR}/lop_verilog/<TOP>/, Verilates every .v file there (top module:
#   the one lop-hwgen wrote last) into ${CMAKE_CURRENT_BINARY_DIR}/lop_verilated/<TOP>/ and
#   compiles the model into a static library `<target>__<TOP>__verilated` (warnings off,
#   never -Werror: generated code is not ours) that <target> links PRIVATEly. <target> can
#   then `#include "<class>.h"` (a system include) and instantiate the model (ports as in
#   docs/verilog-interface.md). Each call adds one model; a target may hold several
#   (distinct TOP names).
#
#   KIND and DESCRIPTOR map to the CLI (`lop-hwgen KIND DESCRIPTOR [DESCRIPTOR2] -o DIR`,
#   `lop-hwgen bundle --list LIST --top TOP -o DIR`): quantize: DESCRIPTOR = input format,
#   DESCRIPTOR2 = output format; mul/add/sub: the operand formats; pe: the pe<...> text;
#   bundle: LIST = file (format in docs/cosim.md).
#
#   lop-hwgen is, in order: HWGEN; the in-tree target `lop-hwgen`; the imported target
#   `lop::lop-hwgen`; the variable LOP_HWGEN_EXECUTABLE (set by lop's package config).
#
#   MODE (default: the cache variable LOP_VERILATE_MODE, itself AUTO) picks when that happens:
#   - CONFIGURE: lop-hwgen runs when CMake configures, and the model goes through Verilator's
#     own `verilate()` (verilator-config.cmake), which runs Verilator at configure time and
#     again at build time when the Verilog changes. Needs a lop-hwgen that exists at configure
#     time (an imported target or a file: the installed-package case). lop-hwgen re-runs on
#     every configure, and a change to the lop-hwgen executable or to the LIST file triggers
#     one; files whose contents did not change keep their time stamps.
#   - BUILD: lop-hwgen and Verilator run at build time (a custom command), and the Verilated
#     classes are compiled through one generated translation unit with a fixed name (what
#     Verilator's own Makefile does with __ALL.cpp), next to the Verilator runtime built once
#     per project (`lop_verilated_runtime`). Works when lop-hwgen is built by the same
#     project (in-tree use), because verilate() needs the Verilog before the build starts.
#     Rebuilds whenever lop-hwgen, the descriptor, the list file or the Verilator flags change.
#   - AUTO: CONFIGURE when lop-hwgen already exists at configure time, else BUILD.
#   Both modes generate the same files in the same directories, use the same Verilator
#   arguments (LOP_VERILATOR_DEFAULT_ARGS + VERILATOR_ARGS) and give the same class name.
#
# The same file doubles as the build-time driver script (cmake -P with LOP_VERILATE_RUN=1).
include_guard(GLOBAL)
if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.21)  # the driver script has no project's policies (IN_LIST, ...)
endif()

# _lop_hwgen_generate(HWGEN <exe> KIND <kind> TOP <top> DIR <dir> [DESCRIPTOR <d>]
#                     [DESCRIPTOR2 <d2>] [LIST <file>] MODULE_VAR <var> FILES_VAR <var>)
# Runs lop-hwgen into a scratch directory, then moves its files into <dir> (copying only
# those whose contents changed, deleting .v files it no longer writes). On failure <dir> is
# left as it was and the error names lop-hwgen's own message. Sets <MODULE_VAR> to the top
# module (the file lop-hwgen wrote last) and <FILES_VAR> to the sorted .v files in <dir>.
# Used at configure time (MODE CONFIGURE) and by the build-time driver (MODE BUILD).
function(_lop_hwgen_generate)
  cmake_parse_arguments(PARSE_ARGV 0 G "" "HWGEN;KIND;TOP;DIR;DESCRIPTOR;DESCRIPTOR2;LIST;MODULE_VAR;FILES_VAR" "")
  set(_tmp "${G_DIR}.tmp")
  file(REMOVE_RECURSE "${_tmp}")
  if(G_KIND STREQUAL "bundle")
    set(_cmd "${G_HWGEN}" bundle --list "${G_LIST}" --top "${G_TOP}" -o "${_tmp}")
  else()
    set(_cmd "${G_HWGEN}" "${G_KIND}" "${G_DESCRIPTOR}")
    if(NOT "${G_DESCRIPTOR2}" STREQUAL "")
      list(APPEND _cmd "${G_DESCRIPTOR2}")
    endif()
    list(APPEND _cmd -o "${_tmp}")
  endif()
  execute_process(COMMAND ${_cmd} RESULT_VARIABLE _rc OUTPUT_VARIABLE _written ERROR_VARIABLE _err)
  list(JOIN _cmd " " _shown)
  string(STRIP "${_err}" _err)
  if(NOT _rc EQUAL 0)
    file(REMOVE_RECURSE "${_tmp}")
    message(FATAL_ERROR "lop_add_verilated(TOP ${G_TOP}): lop-hwgen failed (exit ${_rc}):\n"
                        "  ${_err}\n  command: ${_shown}")
  endif()
  # lop-hwgen -o prints the files it wrote, one per line, the top module's last.
  string(STRIP "${_written}" _written)
  string(REGEX REPLACE "[\r\n]+" ";" _written "${_written}")
  if(NOT _written)
    file(REMOVE_RECURSE "${_tmp}")
    message(FATAL_ERROR "lop_add_verilated(TOP ${G_TOP}): lop-hwgen wrote no file\n  command: ${_shown}")
  endif()
  list(GET _written -1 _last)
  get_filename_component(_module "${_last}" NAME_WE)
  if(G_KIND STREQUAL "bundle" AND NOT _module STREQUAL G_TOP)
    file(REMOVE_RECURSE "${_tmp}")
    message(FATAL_ERROR "lop_add_verilated: expected lop-hwgen to write ${G_TOP}.v last, got ${_last}")
  endif()
  file(MAKE_DIRECTORY "${G_DIR}")
  set(_files)
  foreach(_f IN LISTS _written)
    get_filename_component(_name "${_f}" NAME)
    file(COPY_FILE "${_tmp}/${_name}" "${G_DIR}/${_name}" ONLY_IF_DIFFERENT)
    list(APPEND _files "${G_DIR}/${_name}")
  endforeach()
  file(REMOVE_RECURSE "${_tmp}")
  file(GLOB _old "${G_DIR}/*.v")
  foreach(_f IN LISTS _old)
    if(NOT _f IN_LIST _files)
      file(REMOVE "${_f}")
    endif()
  endforeach()
  list(SORT _files)
  set(${G_MODULE_VAR} "${_module}" PARENT_SCOPE)
  set(${G_FILES_VAR} "${_files}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND LOP_VERILATE_RUN)
  # ---------------------------------------------------------------------------------------
  # Build-time driver (MODE BUILD): lop-hwgen -> .v files -> Verilator -> one C++ translation
  # unit. Inputs: LOP_VERILATE_PARAMS (file with the settings below), LOP_HWGEN (executable).
  include("${LOP_VERILATE_PARAMS}")
  _lop_hwgen_generate(HWGEN "${LOP_HWGEN}" KIND "${_kind}" TOP "${_top}" DIR "${_vdir}"
                      DESCRIPTOR "${_desc}" DESCRIPTOR2 "${_desc2}" LIST "${_list}"
                      MODULE_VAR _module FILES_VAR _vfiles)
  file(REMOVE_RECURSE "${_mdir}")
  file(MAKE_DIRECTORY "${_mdir}")
  execute_process(
    COMMAND "${_verilator}" --cc --prefix "${_prefix}" --Mdir "${_mdir}" --top-module "${_module}"
            ${_vargs} ${_vfiles}
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "lop_add_verilated: Verilator failed (${_rc}) on ${_vdir}")
  endif()
  file(GLOB _cpps RELATIVE "${_mdir}" "${_mdir}/${_prefix}*.cpp")
  list(SORT _cpps)
  set(_all "// Generated by LopVerilate.cmake: every Verilated class of ${_prefix}\n")
  foreach(_c IN LISTS _cpps)
    string(APPEND _all "#include \"${_c}\"\n")
  endforeach()
  file(WRITE "${_mdir}/lop_${_prefix}__all.cpp" "${_all}")
  return()
endif()

# Verilator's package (VERILATOR_BIN, VERILATOR_ROOT and verilate()).
if(NOT verilator_FOUND OR NOT COMMAND verilate)
  find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)
endif()
find_package(Threads REQUIRED)
set(_LOP_VERILATE_SCRIPT "${CMAKE_CURRENT_LIST_FILE}" CACHE INTERNAL "")

# Verilator flags for every model: fast code, X values resolved deterministically; lint is a
# separate test (`verilator --lint-only -Wall`), so warnings here are not fatal.
set(LOP_VERILATOR_DEFAULT_ARGS -O3 --x-assign fast --x-initial fast --no-timing -Wno-fatal
    CACHE STRING "Verilator arguments used by lop_add_verilated")
set(LOP_VERILATE_MODE AUTO CACHE STRING
    "When lop_add_verilated runs lop-hwgen and Verilator: AUTO, BUILD or CONFIGURE")
set_property(CACHE LOP_VERILATE_MODE PROPERTY STRINGS AUTO BUILD CONFIGURE)

# The Verilator runtime (verilated.cpp, verilated_threads.cpp) for MODE BUILD, compiled once
# per project. (verilate() adds its own copy to each model it builds.)
function(_lop_verilated_runtime)
  if(TARGET lop_verilated_runtime)
    return()
  endif()
  add_library(lop_verilated_runtime STATIC
    "${VERILATOR_ROOT}/include/verilated.cpp"
    "${VERILATOR_ROOT}/include/verilated_threads.cpp")
  target_include_directories(lop_verilated_runtime SYSTEM PUBLIC
    "${VERILATOR_ROOT}/include" "${VERILATOR_ROOT}/include/vltstd")
  target_compile_definitions(lop_verilated_runtime PUBLIC
    VM_COVERAGE=0 VM_SC=0 VM_TRACE=0 VM_TRACE_VCD=0 VM_TRACE_FST=0)
  target_compile_features(lop_verilated_runtime PUBLIC cxx_std_14)
  target_compile_options(lop_verilated_runtime PRIVATE -w)
  target_link_libraries(lop_verilated_runtime PUBLIC Threads::Threads)
  set_target_properties(lop_verilated_runtime PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

function(lop_add_verilated target)
  cmake_parse_arguments(PARSE_ARGV 1 LV "" "KIND;DESCRIPTOR;DESCRIPTOR2;LIST;TOP;PREFIX;HWGEN;MODE"
                        "VERILATOR_ARGS;DEPENDS")
  if(LV_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "lop_add_verilated: unknown arguments: ${LV_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "lop_add_verilated: '${target}' is not a target; create it first "
                        "(add_executable/add_library), then call lop_add_verilated")
  endif()
  if(NOT LV_TOP)
    message(FATAL_ERROR "lop_add_verilated: TOP <module name> is required")
  endif()
  if(NOT LV_TOP MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "lop_add_verilated: TOP '${LV_TOP}' is not a Verilog identifier")
  endif()
  if(NOT LV_PREFIX)
    set(LV_PREFIX "V${LV_TOP}")
  endif()
  set(_kinds pe quantize mul add sub bundle)
  if(NOT LV_KIND IN_LIST _kinds)
    message(FATAL_ERROR "lop_add_verilated: KIND must be one of ${_kinds} (got '${LV_KIND}')")
  endif()
  if(NOT LV_MODE)
    set(LV_MODE "${LOP_VERILATE_MODE}")
  endif()
  string(TOUPPER "${LV_MODE}" LV_MODE)
  if(NOT LV_MODE MATCHES "^(AUTO|BUILD|CONFIGURE)$")
    message(FATAL_ERROR "lop_add_verilated: MODE (or LOP_VERILATE_MODE) must be AUTO, BUILD or "
                        "CONFIGURE (got '${LV_MODE}')")
  endif()

  set(_deps)
  foreach(_d IN LISTS LV_DEPENDS)
    get_filename_component(_d "${_d}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND _deps "${_d}")
  endforeach()
  if(LV_KIND STREQUAL "bundle")
    if(NOT LV_LIST)
      message(FATAL_ERROR "lop_add_verilated: KIND bundle needs LIST <file>")
    endif()
    get_filename_component(LV_LIST "${LV_LIST}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${LV_LIST}")
      message(FATAL_ERROR "lop_add_verilated: list file ${LV_LIST} does not exist")
    endif()
    list(APPEND _deps "${LV_LIST}")
  else()
    if(NOT DEFINED LV_DESCRIPTOR OR LV_DESCRIPTOR STREQUAL "")
      message(FATAL_ERROR "lop_add_verilated: KIND ${LV_KIND} needs DESCRIPTOR <text>")
    endif()
    if(LV_KIND MATCHES "^(quantize|mul|add|sub)$" AND NOT DEFINED LV_DESCRIPTOR2)
      message(FATAL_ERROR "lop_add_verilated: KIND ${LV_KIND} needs DESCRIPTOR2 <text> "
                          "(the second format)")
    endif()
  endif()

  # Which lop-hwgen: _hwgen (for the build, maybe a generator expression), _hwgen_dep (what
  # the build depends on) and _hwgen_now (the file, if it exists at configure time).
  set(_hwgen_target "")
  set(_hwgen_now "")
  if(LV_HWGEN)
    if(TARGET "${LV_HWGEN}")
      set(_hwgen_target "${LV_HWGEN}")
    else()
      get_filename_component(_hwgen_file "${LV_HWGEN}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    endif()
  elseif(TARGET lop-hwgen)
    set(_hwgen_target lop-hwgen)
  elseif(TARGET lop::lop-hwgen)
    set(_hwgen_target lop::lop-hwgen)
  elseif(LOP_HWGEN_EXECUTABLE)
    set(_hwgen_file "${LOP_HWGEN_EXECUTABLE}")
  else()
    message(FATAL_ERROR "lop_add_verilated: no lop-hwgen found; build lop with "
                        "LOP_BUILD_HWGEN=ON, or pass HWGEN <exe>, or set LOP_HWGEN_EXECUTABLE")
  endif()
  if(_hwgen_target)
    set(_hwgen "$<TARGET_FILE:${_hwgen_target}>")
    set(_hwgen_shown "the target ${_hwgen_target}")
    set(_hwgen_dep "${_hwgen_target}")
    get_target_property(_imported "${_hwgen_target}" IMPORTED)
    if(_imported)
      get_target_property(_hwgen_now "${_hwgen_target}" LOCATION)  # an imported target: the file
    endif()
  else()
    set(_hwgen "${_hwgen_file}")
    set(_hwgen_shown "${_hwgen_file}")
    set(_hwgen_dep "${_hwgen_file}")
    set(_hwgen_now "${_hwgen_file}")
  endif()
  if(NOT _hwgen_now OR NOT EXISTS "${_hwgen_now}" OR IS_DIRECTORY "${_hwgen_now}")
    set(_hwgen_now "")
  endif()
  if(LV_MODE STREQUAL "AUTO")
    if(_hwgen_now)
      set(LV_MODE CONFIGURE)
    else()
      set(LV_MODE BUILD)
    endif()
  elseif(LV_MODE STREQUAL "CONFIGURE" AND NOT _hwgen_now)
    message(FATAL_ERROR "lop_add_verilated(TOP ${LV_TOP}): MODE CONFIGURE needs a lop-hwgen that "
                        "exists when CMake configures, but ${_hwgen_shown} does not (it is built "
                        "by this project, or the path is wrong); use MODE BUILD (or AUTO), or pass "
                        "HWGEN <an installed lop-hwgen>")
  endif()

  set(_vdir "${CMAKE_CURRENT_BINARY_DIR}/lop_verilog/${LV_TOP}")
  set(_mdir "${CMAKE_CURRENT_BINARY_DIR}/lop_verilated/${LV_TOP}")
  set(_vargs ${LOP_VERILATOR_DEFAULT_ARGS} ${LV_VERILATOR_ARGS})

  # The model library: Verilated code is not ours, so no warnings and never -Werror.
  set(_lib "${target}__${LV_TOP}__verilated")
  add_library(${_lib} STATIC)
  target_compile_options(${_lib} PRIVATE -w)
  set_target_properties(${_lib} PROPERTIES POSITION_INDEPENDENT_CODE ON)

  if(LV_MODE STREQUAL "CONFIGURE")
    _lop_hwgen_generate(HWGEN "${_hwgen_now}" KIND "${LV_KIND}" TOP "${LV_TOP}" DIR "${_vdir}"
                        DESCRIPTOR "${LV_DESCRIPTOR}" DESCRIPTOR2 "${LV_DESCRIPTOR2}" LIST "${LV_LIST}"
                        MODULE_VAR _module FILES_VAR _vfiles)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_hwgen_now}" ${_deps})
    message(STATUS "lop_add_verilated: ${LV_TOP}: lop-hwgen ${LV_KIND} -> ${_module}, verilate()")
    verilate(${_lib} SOURCES ${_vfiles} TOP_MODULE "${_module}" PREFIX "${LV_PREFIX}"
             DIRECTORY "${_mdir}" VERILATOR_ARGS ${_vargs})
    # verilate() puts the Verilator headers on a plain include path and defines VM_* only for
    # the library itself; give users a system include path (no warnings from Verilator's
    # headers under their -Werror) and the same VM_* values, as MODE BUILD does.
    target_include_directories(${_lib} SYSTEM INTERFACE
      "${_mdir}" "${VERILATOR_ROOT}/include" "${VERILATOR_ROOT}/include/vltstd")
    target_compile_definitions(${_lib} INTERFACE
      "VM_COVERAGE=$<BOOL:$<TARGET_PROPERTY:${_lib},VERILATOR_COVERAGE>>"
      "VM_SC=$<BOOL:$<TARGET_PROPERTY:${_lib},VERILATOR_SYSTEMC>>"
      "VM_TRACE=$<BOOL:$<TARGET_PROPERTY:${_lib},VERILATOR_TRACE>>"
      "VM_TRACE_VCD=$<BOOL:$<TARGET_PROPERTY:${_lib},VERILATOR_TRACE_VCD>>"
      "VM_TRACE_FST=$<BOOL:$<TARGET_PROPERTY:${_lib},VERILATOR_TRACE_FST>>")
  else()
    # Settings for the build-time driver, rewritten only when they change.
    set(_params "${CMAKE_CURRENT_BINARY_DIR}/lop_verilated/${LV_TOP}.params.cmake")
    set(_p "# Generated by lop_add_verilated(${target}); do not edit\n")
    foreach(_pair IN ITEMS "kind=${LV_KIND}" "top=${LV_TOP}" "prefix=${LV_PREFIX}"
                           "list=${LV_LIST}" "desc=${LV_DESCRIPTOR}" "desc2=${LV_DESCRIPTOR2}"
                           "vdir=${_vdir}" "mdir=${_mdir}" "verilator=${VERILATOR_BIN}")
      string(REGEX MATCH "^([a-z0-9]+)=(.*)$" _ "${_pair}")
      string(APPEND _p "set(_${CMAKE_MATCH_1} [==[${CMAKE_MATCH_2}]==])\n")
    endforeach()
    string(APPEND _p "set(_vargs)\n")
    foreach(_a IN LISTS _vargs)
      string(APPEND _p "list(APPEND _vargs [==[${_a}]==])\n")
    endforeach()
    file(CONFIGURE OUTPUT "${_params}" CONTENT "${_p}" @ONLY)

    set(_all "${_mdir}/lop_${LV_PREFIX}__all.cpp")
    add_custom_command(
      OUTPUT "${_all}" "${_mdir}/${LV_PREFIX}.h"
      COMMAND "${CMAKE_COMMAND}" -DLOP_VERILATE_RUN=1 "-DLOP_VERILATE_PARAMS=${_params}"
              "-DLOP_HWGEN=${_hwgen}" -P "${_LOP_VERILATE_SCRIPT}"
      DEPENDS ${_hwgen_dep} ${_deps} "${_params}" "${_LOP_VERILATE_SCRIPT}" "${VERILATOR_BIN}"
      COMMENT "lop-hwgen + Verilator: ${LV_TOP} (${LV_KIND})"
      VERBATIM)
    _lop_verilated_runtime()
    target_sources(${_lib} PRIVATE "${_all}")
    target_include_directories(${_lib} SYSTEM PUBLIC "${_mdir}")
    target_link_libraries(${_lib} PUBLIC lop_verilated_runtime)
  endif()

  target_link_libraries(${target} PRIVATE ${_lib})
  set_property(TARGET ${target} APPEND PROPERTY LOP_VERILATED_MODELS "${LV_TOP}")
endfunction()
