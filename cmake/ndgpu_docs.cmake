# The `docs` target: the API reference of the public headers, with Doxygen, into
# <build>/docs/html (docs/Doxyfile.in). Warnings are errors, so an undocumented public name fails.
find_package(Doxygen QUIET)
if(DOXYGEN_FOUND)
  set(NDGPU_DOCS_OUT ${CMAKE_CURRENT_BINARY_DIR}/docs)
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/docs/Doxyfile.in ${NDGPU_DOCS_OUT}/Doxyfile @ONLY)
  add_custom_target(docs
    COMMAND ${DOXYGEN_EXECUTABLE} ${NDGPU_DOCS_OUT}/Doxyfile
    WORKING_DIRECTORY ${NDGPU_DOCS_OUT}
    COMMENT "API reference (Doxygen) -> ${NDGPU_DOCS_OUT}/html/index.html"
    VERBATIM)
endif()
