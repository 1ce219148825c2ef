#===- RASPInstall.cmake - Install rules and the CMake package ------------===#
#
# `cmake --install build --prefix P` installs
#   P/include/RaspDialect/...          public headers, ODS and generated .inc
#   P/include/rasp-c/...               the C API
#   P/lib/lib*.a                       the libraries (add_rasp_library)
#   P/lib/libRASPCAPI.so               the C API library
#   P/bin/rasp-{run,opt,translate,jit} the tools
#   P/lib/cmake/RASPCompiler/          RASPCompilerConfig.cmake, the targets
# so that an external project writes find_package(RASPCompiler) and links
# RASPCompiler::RASPCompiler (docs/Embedding.md).
#
#===----------------------------------------------------------------------===#

include(CMakePackageConfigHelpers)

set(RASP_INSTALL_PACKAGE_DIR lib${LLVM_LIBDIR_SUFFIX}/cmake/RASPCompiler)

# The one target an embedder links: the dialects, passes, pipelines, the
# driver (with the runtime) and the translations, with the project's include
# directories (RASPCompilerConfig.cmake adds MLIR's and LLVM's).
add_library(RASPCompiler INTERFACE)
target_link_libraries(RASPCompiler INTERFACE
  RASPDriver
  RASPDriverTranslations
  RASPInitAll)
target_include_directories(RASPCompiler INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
  $<INSTALL_INTERFACE:include>)
target_compile_features(RASPCompiler INTERFACE cxx_std_17)
add_rasp_install(RASPCompiler)

# Headers: the hand-written ones and ODS from the source tree, the generated
# declarations and definitions from the build tree.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/RaspDialect
  DESTINATION include
  COMPONENT rasp-headers
  FILES_MATCHING
  PATTERN "*.def"
  PATTERN "*.h"
  PATTERN "*.td")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/rasp-c
  DESTINATION include
  COMPONENT rasp-headers
  FILES_MATCHING
  PATTERN "*.h")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/RaspDialect
  DESTINATION include
  COMPONENT rasp-headers
  FILES_MATCHING
  PATTERN "*.h"
  PATTERN "*.inc"
  PATTERN "CMakeFiles" EXCLUDE)

install(EXPORT ${RASP_EXPORT_SET}
  NAMESPACE RASPCompiler::
  DESTINATION ${RASP_INSTALL_PACKAGE_DIR}
  COMPONENT rasp-cmake-exports)

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/RASPCompilerConfig.cmake.in
  ${PROJECT_BINARY_DIR}/${RASP_INSTALL_PACKAGE_DIR}/RASPCompilerConfig.cmake
  INSTALL_DESTINATION ${RASP_INSTALL_PACKAGE_DIR})
# The MLIR it was built with is the one it works with.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/${RASP_INSTALL_PACKAGE_DIR}/RASPCompilerConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/${RASP_INSTALL_PACKAGE_DIR}/RASPCompilerConfig.cmake
  ${PROJECT_BINARY_DIR}/${RASP_INSTALL_PACKAGE_DIR}/RASPCompilerConfigVersion.cmake
  DESTINATION ${RASP_INSTALL_PACKAGE_DIR}
  COMPONENT rasp-cmake-exports)
