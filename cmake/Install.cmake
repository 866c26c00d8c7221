# Installation and the CMake package that out-of-tree backends use:
#   cmake --install build --prefix PREFIX
#   find_package(QRCNN) with CMAKE_PREFIX_PATH=PREFIX, then
#   qrcnn_add_target_plugin(NAME sources...)
# Installed: bin/qrcnnc, bin/qrcnn-opt, include/qrcnn (public headers, their
# TableGen output, the runtime headers), lib/cmake/QRCNN.
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

# In-tree twin of the installed QRCNN::TargetPlugin: headers only (plugins
# resolve symbols from qrcnnc, which exports them).
add_library(QRCNNTargetPluginInterface INTERFACE)
target_include_directories(QRCNNTargetPluginInterface INTERFACE
  ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include
  ${PROJECT_SOURCE_DIR}/runtime/include)
target_include_directories(QRCNNTargetPluginInterface SYSTEM INTERFACE
  ${MLIR_INCLUDE_DIRS} ${LLVM_INCLUDE_DIRS})
target_compile_definitions(QRCNNTargetPluginInterface INTERFACE
  ${LLVM_DEFINITIONS_LIST})
add_dependencies(QRCNNTargetPluginInterface QRCNNQNNOpsIncGen)
add_library(QRCNN::TargetPlugin ALIAS QRCNNTargetPluginInterface)
include(${PROJECT_SOURCE_DIR}/cmake/QRCNNTargetPlugin.cmake)

# The tools find libMLIR.so where they were linked against it.
set_target_properties(qrcnnc qrcnn-opt PROPERTIES
  INSTALL_RPATH_USE_LINK_PATH TRUE)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/qrcnn
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/qrcnn
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.inc"
        PATTERN "CMakeFiles" EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/qrcnn
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

set(QRCNN_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/QRCNN)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/QRCNNConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/QRCNNConfig.cmake
  INSTALL_DESTINATION ${QRCNN_CMAKE_INSTALL_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/QRCNNConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/QRCNNConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/QRCNNConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/QRCNNTargetPlugin.cmake
  DESTINATION ${QRCNN_CMAKE_INSTALL_DIR})
