# Runs lop-hwgen with ARGS (arguments separated by "|") in a fresh directory WORK and checks the outcome:
#   RC          expected exit code
#   MATCH       regular expression the combined stdout+stderr must match
#   NO_OUTPUT   path (relative to WORK) that must not exist afterwards
#   EXISTS      path (relative to WORK) that must exist afterwards
string(REPLACE "|" ";" ARGS "${ARGS}")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND "${HWGEN}" ${ARGS} WORKING_DIRECTORY "${WORK}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT rc STREQUAL "${RC}")
  message(FATAL_ERROR "lop-hwgen ${ARGS}: exit code ${rc}, expected ${RC}\n${all}")
endif()
if(DEFINED MATCH AND NOT all MATCHES "${MATCH}")
  message(FATAL_ERROR "lop-hwgen ${ARGS}: output does not match '${MATCH}':\n${all}")
endif()
if(DEFINED NO_OUTPUT AND EXISTS "${WORK}/${NO_OUTPUT}")
  message(FATAL_ERROR "lop-hwgen ${ARGS}: wrote ${NO_OUTPUT} although it failed")
endif()
if(DEFINED EXISTS AND NOT EXISTS "${WORK}/${EXISTS}")
  message(FATAL_ERROR "lop-hwgen ${ARGS}: did not write ${EXISTS}\n${all}")
endif()
