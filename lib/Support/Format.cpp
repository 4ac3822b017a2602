//===- Format.cpp - Figures for people, and output files --------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Support/Format.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

std::string mlir::moe::formatScaled(double value, StringRef unit) {
  static const char *prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int i = 0;
  while (std::abs(value) >= 1000 && i < 6) {
    value /= 1000;
    ++i;
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::format("%.3g", value) << " " << prefixes[i] << unit;
  return out;
}

std::string mlir::moe::formatSeconds(double seconds) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (seconds == 0)
    os << "0 s";
  else if (seconds >= 1)
    os << llvm::format("%.3f s", seconds);
  else if (seconds >= 1e-3)
    os << llvm::format("%.3f ms", seconds * 1e3);
  else
    os << llvm::format("%.2f us", seconds * 1e6);
  return out;
}

std::string mlir::moe::formatBytes(double bytes) {
  return formatScaled(bytes, "B");
}
