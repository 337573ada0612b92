# Install rules and the exported CMake package: find_package(ndgpu CONFIG) -> ndgpu::ndgpu.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS ndgpu EXPORT ndgpuTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY host/include/ndgpu runtime/include/ndgpu
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(EXPORT ndgpuTargets NAMESPACE ndgpu:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ndgpu)
configure_package_config_file(cmake/ndgpuConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ndgpuConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ndgpu)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ndgpuConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ndgpuConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/ndgpuConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ndgpu)
