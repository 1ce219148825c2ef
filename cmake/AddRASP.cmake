#===- AddRASP.cmake - helpers for the project's libraries and tools ------===#
#
# Upstream MLIR libraries are linked with mlir_target_link_libraries so that
# MLIR_LINK_MLIR_DYLIB=ON links the single libMLIR.so instead of a mix of
# static archives and the dylib.
#
# Libraries and tools are installed into the export set RASPCompilerTargets
# (namespace RASPCompiler::), which RASPCompilerConfig.cmake loads for
# find_package(RASPCompiler) (cmake/RASPCompilerConfig.cmake.in).
#
#===----------------------------------------------------------------------===#

set(RASP_EXPORT_SET RASPCompilerTargets)

# Installs `name` (a library or tool) into the export set and records it.
function(add_rasp_install name)
  install(TARGETS ${name}
    EXPORT ${RASP_EXPORT_SET}
    COMPONENT ${name}
    ARCHIVE DESTINATION lib${LLVM_LIBDIR_SUFFIX}
    LIBRARY DESTINATION lib${LLVM_LIBDIR_SUFFIX}
    RUNTIME DESTINATION bin)
  set_property(GLOBAL APPEND PROPERTY RASP_EXPORTS ${name})
endfunction()

# add_rasp_library(name src...
#   [TEST]
#   [DEPENDS tablegen-targets...]
#   [LINK_LIBS project-libraries...]
#   [MLIR_LIBS upstream-mlir-libraries...])
# A TEST library (test-only passes) is not installed.
function(add_rasp_library name)
  cmake_parse_arguments(ARG "TEST" "" "DEPENDS;LINK_LIBS;MLIR_LIBS" ${ARGN})
  # DISABLE_INSTALL keeps add_mlir_library's own rule out: it would install
  # into MLIR's export set. add_rasp_install installs into ours (as CIRCT's
  # add_circt_library_install does).
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  if(NOT ARG_TEST)
    add_rasp_install(${name})
    set_property(GLOBAL APPEND PROPERTY RASP_LIBS ${name})
  endif()
endfunction()

# add_rasp_tool(name src... [INSTALL] [LINK_LIBS project-libraries...]
#   [MLIR_LIBS upstream-mlir-libraries...])
# An INSTALL tool is installed into <prefix>/bin and exported.
function(add_rasp_tool name)
  cmake_parse_arguments(ARG "INSTALL" "" "LINK_LIBS;MLIR_LIBS" ${ARGN})
  add_llvm_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  llvm_update_compile_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PRIVATE ${ARG_MLIR_LIBS})
  endif()
  if(ARG_INSTALL)
    add_rasp_install(${name})
  endif()
endfunction()
