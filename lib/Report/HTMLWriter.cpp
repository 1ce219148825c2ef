//===- HTMLWriter.cpp - The report as one self-contained page -------------===//
//
// The viewer (lib/Report/viewer: an HTML template, CSS and plain
// JavaScript, no libraries) is embedded at build time (Viewer.inc, generated
// by cmake/EmbedFiles.cmake). The page inlines all of it and the data, so
// it opens from disk without any network access.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Report/Report.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"

#include <cstring>

using namespace mlir;
using namespace mlir::rasp;

namespace {
#include "Viewer.inc"
} // namespace

static llvm::StringRef viewerFile(llvm::StringRef name) {
  for (const EmbeddedFile &file : kEmbeddedFiles)
    if (name == file.name)
      return file.contents;
  llvm_unreachable("the viewer file is not embedded");
}

static void writeEscapedText(llvm::StringRef text, llvm::raw_ostream &os) {
  for (char c : text) {
    switch (c) {
    case '&':
      os << "&amp;";
      break;
    case '<':
      os << "&lt;";
      break;
    case '>':
      os << "&gt;";
      break;
    case '"':
      os << "&quot;";
      break;
    default:
      os << c;
    }
  }
}

void mlir::rasp::report::writeReportHTML(llvm::StringRef json,
                                         llvm::StringRef title,
                                         llvm::raw_ostream &os) {
  llvm::StringRef page = viewerFile("template.html");
  // The template holds one line `@NAME@` per piece to insert.
  while (!page.empty()) {
    auto [line, rest] = page.split('\n');
    page = rest;
    llvm::StringRef marker = line.trim();
    if (marker.size() < 3 || !marker.starts_with("@") ||
        !marker.ends_with("@")) {
      os << line << '\n';
      continue;
    }
    llvm::StringRef name = marker.drop_front().drop_back();
    if (name == "TITLE") {
      writeEscapedText(title, os);
    } else if (name == "DATA") {
      // '<' only occurs inside JSON strings, where \u003c means the same:
      // the data can never close its <script> element.
      for (char c : json) {
        if (c == '<')
          os << "\\u003c";
        else
          os << c;
      }
    } else if (name.ends_with(".css")) {
      os << "<style>\n" << viewerFile(name) << "</style>";
    } else {
      os << "<script>\n" << viewerFile(name) << "</script>";
    }
    os << '\n';
  }
}
