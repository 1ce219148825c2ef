#===- AddRASP.cmake - helpers for the project's libraries and tools ------===#
#
# Upstream MLIR libraries are linked with mlir_target_link_libraries so that
# MLIR_LINK_MLIR_DYLIB=ON links the single libMLIR.so instead of a mix of
# static archives and the dylib.
#
#===----------------------------------------------------------------------===#

# add_rasp_library(name src...
#   [DEPENDS tablegen-targets...]
#   [LINK_LIBS project-libraries...]
#   [MLIR_LIBS upstream-mlir-libraries...])
function(add_rasp_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS;MLIR_LIBS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
endfunction()

# add_rasp_tool(name src... [LINK_LIBS project-libraries...]
#   [MLIR_LIBS upstream-mlir-libraries...])
function(add_rasp_tool name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS;MLIR_LIBS" ${ARGN})
  add_llvm_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  llvm_update_compile_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PRIVATE ${ARG_MLIR_LIBS})
  endif()
endfunction()
