# cli.table_flow: a table multiplier from files, through lop-hwgen only (docs/multipliers.md,
# "Table multipliers"). lop's signed DRUM k=4 plays the user's circuit: `lop-hwgen table`
# writes its products, `lop-hwgen amul` its Verilog; then
#   - metrics of table<name=d4> from the file equal those of drum<k=4> (same numbers, all fields);
#   - a PE with mul=table<name=d4> around that module lints clean and synthesizes;
#   - a table file that disagrees with nothing cannot be caught here, so the cosim test
#     (cosim.pe_table) is where module and products are proven equal.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
include(${CMAKE_CURRENT_LIST_DIR}/run_tool.cmake)
macro(hwgen)
  run_tool("${HWGEN}" ${ARGN})
endmacro()

hwgen(table "drum<k=4>" --a s8 --b s8 -o d4.tbl)
hwgen(amul "drum<k=4>" "fixed<8,0,signed>" "fixed<8,0,signed>" -o user)
set(module lop_amul_drum_k4_s8f0_s8f0)
if(NOT EXISTS "${WORK}/user/${module}.v")
  message(FATAL_ERROR "amul did not write user/${module}.v")
endif()

hwgen(metrics "drum<k=4>" --a s8 --b s8 --json)
set(want "${out}")
hwgen(metrics "table<name=d4>" --a s8 --b s8 --json --table "d4<products=d4.tbl>")
string(REPLACE "\"table<name=d4>\"" "\"drum<k=4>\"" got "${out}")
if(NOT got STREQUAL want)
  message(FATAL_ERROR "metrics of the exported table differ from DRUM's:\n  table: ${out}\n  drum:  ${want}")
endif()

set(pe "pe<a=fixed<8,0,signed>,b=fixed<8,0,signed>,acc=fixed<24,0,signed,floor,saturate>,out=fixed<8,0,signed,half_even,saturate>,mul=table<name=d4>,pipeline=1>")
hwgen(pe "${pe}" --table "d4<products=d4.tbl,verilog=user/${module}.v,module=${module}>" -o rtl --lint --synth-check)
if(NOT out MATCHES "rtl/lop_user_${module}.v" OR NOT EXISTS "${WORK}/rtl/lop_amul_table_d4_s8f0_s8f0.v")
  message(FATAL_ERROR "the PE bundle lacks the user's module or the wrapper:\n${out}")
endif()
message(STATUS "table flow: metrics equal, PE lint and synthesis clean")
