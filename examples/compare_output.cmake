# ctest helper: runs EXE and fails unless its standard output equals the file EXPECTED.
#   cmake -DEXE=<program> -DEXPECTED=<file> -P compare_output.cmake
execute_process(COMMAND ${EXE} OUTPUT_VARIABLE got RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} exited with ${rc}")
endif()
file(READ ${EXPECTED} want)
if(NOT got STREQUAL want)
  get_filename_component(name ${EXE} NAME)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${name}.out "${got}")
  execute_process(COMMAND diff -u ${EXPECTED} ${CMAKE_CURRENT_BINARY_DIR}/${name}.out)
  message(FATAL_ERROR "${name}'s output differs from ${EXPECTED} (diff above)")
endif()
