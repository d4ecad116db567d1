# For the cli.*_flow scripts: run_tool(EXE ARGS...) runs EXE in ${WORK}, stops the test with
# its output on a non-zero exit, and sets `out` and `err` (stdout, stderr) in the caller.
function(run_tool exe)
  execute_process(COMMAND "${exe}" ${ARGN} WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  get_filename_component(name "${exe}" NAME)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} ${ARGN}: exit ${rc}\n${o}${e}")
  endif()
  set(out "${o}" PARENT_SCOPE)
  set(err "${e}" PARENT_SCOPE)
endfunction()
