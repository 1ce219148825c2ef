#===- SourceDigest.cmake - One digest of a list of source files ----------===#
#
#   cmake -DSOURCES="a.cpp|b.h|..." -DOUTPUT=file.inc [-DNAME=kName]
#         -P SourceDigest.cmake
#
# Writes NAME (default `kRuntimeSourceDigest`), the SHA-256 of the files'
# SHA-256s in sorted order, as a C++ string constant. The compilation cache
# keys its entries by such digests, so editing the code that produces an
# entry invalidates old entries. OUTPUT is only rewritten when the digest
# changes.
#
#===----------------------------------------------------------------------===#

string(REPLACE "|" ";" files "${SOURCES}")
list(SORT files)
set(all "")
foreach(file IN LISTS files)
  file(SHA256 "${file}" hash)
  string(APPEND all "${hash}")
endforeach()
string(SHA256 digest "${all}")
if(NOT NAME)
  set(NAME kRuntimeSourceDigest)
endif()
set(text "inline constexpr char ${NAME}[] = \"${digest}\";\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${text}")
