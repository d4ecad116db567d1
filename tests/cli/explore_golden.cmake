# cli.explore_golden: lop-explore's outputs on the small sweep are those that the tool wrote
# before its logic moved into the lop::explore library (tests/cli/explore_golden/, written by
# that earlier lop-explore with the same command), byte for byte except the timing fields.
# A deliberate change of the reports replaces those files, saying why in the commit.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(COPY "${NETWORK}" DESTINATION "${WORK}")
get_filename_component(net "${NETWORK}" NAME)
include(${CMAKE_CURRENT_LIST_DIR}/run_tool.cmake)
run_tool("${EXPLORE}" --sweep "${SWEEP}" --network "${net}" --test-samples 100 --calibration 100
         --cosim-images 1 --cosim-dots 32 --no-plot -o out)
foreach(f results.csv report.md results.json)
  file(READ "${WORK}/out/${f}" got)
  file(READ "${GOLDEN}/${f}" want)
  # Timing fields: "seconds": {"accuracy": ..., "hardware_wait": ...}.
  string(REGEX REPLACE "\"seconds\": {[^}]*}" "\"seconds\": (timing)" got "${got}")
  string(REGEX REPLACE "\"seconds\": {[^}]*}" "\"seconds\": (timing)" want "${want}")
  if(NOT got STREQUAL want)
    file(WRITE "${WORK}/${f}.want" "${want}")
    file(WRITE "${WORK}/${f}.got" "${got}")
    message(FATAL_ERROR "lop-explore's ${f} differs from ${GOLDEN}/${f} (timing fields aside); "
                        "compare ${WORK}/${f}.got with ${WORK}/${f}.want")
  endif()
endforeach()
message(STATUS "explore golden: results.csv, report.md and results.json as before")
