# Compiles every .v file in DIR with Icarus Verilog in strict Verilog-2005 mode.
file(GLOB files "${DIR}/*.v")
if(NOT files)
  message(FATAL_ERROR "no Verilog files in ${DIR}")
endif()
execute_process(COMMAND "${IVERILOG}" -g2005 -Wall -o /dev/null ${files}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
  message(FATAL_ERROR "iverilog -g2005 failed (${rc}) on ${DIR}:\n${out}${err}")
endif()
list(LENGTH files n)
message(STATUS "iverilog -g2005: ${n} files accepted")
