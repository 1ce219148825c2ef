#===- AddRASP.cmake - helpers for the project's libraries and tools ------===#
#
# Upstream MLIR libraries are linked as mlir_target_link_libraries does, so
# that MLIR_LINK_MLIR_DYLIB=ON links the single libMLIR.so instead of a mix of
# static archives and the dylib; except into an executable with the target
# property RASP_STATIC_LLVM (add_rasp_tool's STATIC_LLVM), which links LLVM's
# and MLIR's static archives instead (rasp_link_llvm_statically).
#
# Libraries and tools are installed into the export set RASPCompilerTargets
# (namespace RASPCompiler::), which RASPCompilerConfig.cmake loads for
# find_package(RASPCompiler) (cmake/RASPCompilerConfig.cmake.in).
#
#===----------------------------------------------------------------------===#

set(RASP_EXPORT_SET RASPCompilerTargets)

# True unless the executable being linked (the head of the link, which
# $<TARGET_PROPERTY:prop> names in a link interface) links LLVM statically.
set(RASP_SHARED_LLVM "$<NOT:$<BOOL:$<TARGET_PROPERTY:RASP_STATIC_LLVM>>>")

# llvm_add_library and add_llvm_executable link libLLVM.so into every
# library and tool; this keeps it out of a RASP_STATIC_LLVM executable.
function(rasp_make_llvm_dylib_optional target property)
  get_target_property(libs ${target} ${property})
  if(libs)
    list(TRANSFORM libs REPLACE "^LLVM$" "$<${RASP_SHARED_LLVM}:LLVM>")
    set_target_properties(${target} PROPERTIES ${property} "${libs}")
  endif()
endfunction()

# Links the upstream MLIR libraries `libs` into `target`: libMLIR.so, or
# nothing when the head of the link is a RASP_STATIC_LLVM executable.
function(rasp_link_mlir target type)
  if(NOT MLIR_LINK_MLIR_DYLIB)
    mlir_target_link_libraries(${target} ${type} ${ARGN})
    return()
  endif()
  if(TARGET obj.${target})
    target_link_libraries(obj.${target} ${ARGN})
  endif()
  target_link_libraries(${target} ${type} "$<${RASP_SHARED_LLVM}:MLIR>")
endfunction()

# Links every static archive of LLVM and MLIR into the executable `target`
# instead of libLLVM.so and libMLIR.so. The dynamic loader's relocations of
# those two cost ~34 ms of every process start (BENCHMARKS.md, section 6);
# statically linked, the tool starts in a few milliseconds. lld takes only
# the archive members the tool uses (~3 s and ~1 GB per link).
function(rasp_link_llvm_statically target)
  set_target_properties(${target} PROPERTIES RASP_STATIC_LLVM ON)
  file(GLOB archives ${LLVM_LIBRARY_DIR}/libMLIR*.a ${LLVM_LIBRARY_DIR}/libLLVM*.a)
  # What LLVMSupport uses from the system (not libz3: only the static
  # analyser's solver needs it).
  find_package(ZLIB REQUIRED)
  find_library(RASP_ZSTD_LIBRARY NAMES zstd libzstd.so.1 REQUIRED)
  target_link_libraries(${target} PRIVATE
    -Wl,--start-group ${archives} -Wl,--end-group
    ZLIB::ZLIB ${RASP_ZSTD_LIBRARY} ${CMAKE_DL_LIBS} pthread rt m)
endfunction()

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
  rasp_make_llvm_dylib_optional(${name} INTERFACE_LINK_LIBRARIES)
  if(ARG_MLIR_LIBS)
    rasp_link_mlir(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  if(NOT ARG_TEST)
    add_rasp_install(${name})
    set_property(GLOBAL APPEND PROPERTY RASP_LIBS ${name})
  endif()
endfunction()

# rasp_tablegen(ofn args...): as mlir_tablegen, with the project's own
# generators (tools/rasp-tblgen), e.g. -gen-pass-pipeline-options.
set(RASP_TABLEGEN_EXE $<TARGET_FILE:rasp-tblgen>)
set(RASP_TABLEGEN_TARGET rasp-tblgen)
function(rasp_tablegen ofn)
  tablegen(RASP ${ARGV})
  set(TABLEGEN_OUTPUT ${TABLEGEN_OUTPUT} ${CMAKE_CURRENT_BINARY_DIR}/${ofn}
      PARENT_SCOPE)
endfunction()

# add_rasp_tool(name src... [INSTALL] [STATIC_LLVM]
#   [LINK_LIBS project-libraries...] [MLIR_LIBS upstream-mlir-libraries...])
# An INSTALL tool is installed into <prefix>/bin and exported. A STATIC_LLVM
# tool links LLVM and MLIR statically (rasp_link_llvm_statically) when
# RASP_STATIC_LLVM_TOOLS is on.
function(add_rasp_tool name)
  cmake_parse_arguments(ARG "INSTALL;STATIC_LLVM" "" "LINK_LIBS;MLIR_LIBS" ${ARGN})
  add_llvm_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  llvm_update_compile_flags(${name})
  rasp_make_llvm_dylib_optional(${name} LINK_LIBRARIES)
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS})
  if(ARG_MLIR_LIBS)
    rasp_link_mlir(${name} PRIVATE ${ARG_MLIR_LIBS})
  endif()
  if(ARG_STATIC_LLVM AND RASP_STATIC_LLVM_TOOLS AND MLIR_LINK_MLIR_DYLIB)
    rasp_link_llvm_statically(${name})
  endif()
  if(ARG_INSTALL)
    add_rasp_install(${name})
  endif()
endfunction()
