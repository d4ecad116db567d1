# Package test driver (cmake -P). Modes:
#   MODE=install   : cmake --install LOP_BUILD_DIR --prefix WORK/prefix, then configure, build
#                    and run tests/package/consumer against that prefix only (lop_consumer,
#                    and lop_consumer_pe: a PE co-simulated through lop_add_verilated).
#   MODE=subdir    : configure, build and run tests/package/subdir_consumer, which
#                    add_subdirectory()s LOP_SOURCE_DIR.
# Inputs: MODE, LOP_SOURCE_DIR, LOP_BUILD_DIR (install), WORK (scratch directory),
#         GENERATOR, CONFIG (build configuration), CXX (compiler), SANITIZE (LOP_SANITIZE).
foreach(_v MODE LOP_SOURCE_DIR WORK GENERATOR)
  if(NOT DEFINED ${_v} OR "${${_v}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: ${_v} is not set")
  endif()
endforeach()
# CONFIG: the configuration of the lop build (may be empty); the consumers use the same.
set(_config_args)
set(_build_type Release)
if(CONFIG)
  set(_config_args --config "${CONFIG}")
  set(_build_type "${CONFIG}")
endif()

function(run)
  string(REPLACE ";" " " _shown "${ARGN}")
  message(STATUS "package test: ${_shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "package test: command failed (${_rc}): ${_shown}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(_cxx)
if(CXX)
  set(_cxx "-DCMAKE_CXX_COMPILER=${CXX}")
endif()
# A sanitized lop build (LOP_SANITIZE) ships instrumented code: the consumer must link the
# sanitizer runtimes too.
if(SANITIZE)
  list(APPEND _cxx "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
endif()

if(MODE STREQUAL "install")
  set(_prefix "${WORK}/prefix")
  run("${CMAKE_COMMAND}" --install "${LOP_BUILD_DIR}" --prefix "${_prefix}" ${_config_args})
  foreach(_f include/lop/format.hpp include/lop/pe.hpp include/lop/hw/synth.hpp bin/lop-hwgen)
    if(NOT EXISTS "${_prefix}/${_f}")
      message(FATAL_ERROR "package test: ${_f} was not installed under ${_prefix}")
    endif()
  endforeach()
  foreach(_f lopConfig.cmake lopConfigVersion.cmake lopTargets.cmake)
    file(GLOB _found "${_prefix}/lib*/cmake/lop/${_f}" "${_prefix}/lib/*/cmake/lop/${_f}")
    if(NOT _found)
      message(FATAL_ERROR "package test: ${_f} was not installed under ${_prefix}/<libdir>/cmake/lop")
    endif()
  endforeach()
  run("${CMAKE_COMMAND}" -S "${LOP_SOURCE_DIR}/tests/package/consumer" -B "${WORK}/build" -G "${GENERATOR}"
      "-DCMAKE_BUILD_TYPE=${_build_type}" "-DCMAKE_PREFIX_PATH=${_prefix}" -DCMAKE_FIND_PACKAGE_PREFER_CONFIG=ON
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF ${_cxx})
  run("${CMAKE_COMMAND}" --build "${WORK}/build" ${_config_args})
  run("${WORK}/build/lop_consumer")
  # lop_add_verilated() from the installed package (lop-hwgen at configure time + verilate()).
  run("${WORK}/build/lop_consumer_pe")
  # The installed CLI runs from the prefix.
  run("${_prefix}/bin/lop-hwgen" --help)
elseif(MODE STREQUAL "subdir")
  run("${CMAKE_COMMAND}" -S "${LOP_SOURCE_DIR}/tests/package/subdir_consumer" -B "${WORK}/build" -G "${GENERATOR}"
      "-DCMAKE_BUILD_TYPE=${_build_type}" "-DLOP_SOURCE_DIR=${LOP_SOURCE_DIR}" ${_cxx})
  run("${CMAKE_COMMAND}" --build "${WORK}/build" --target lop_subdir_consumer ${_config_args})
  run("${WORK}/build/lop_subdir_consumer")
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()
file(REMOVE_RECURSE "${WORK}")
