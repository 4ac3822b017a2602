//===- Format.h - Figures for people ----------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SUPPORT_FORMAT_H
#define MOE_SUPPORT_FORMAT_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::moe {

/// Human units: "1.23 ms", "4.5 GB", "1.2 TFLOP".
std::string formatSeconds(double seconds);
std::string formatBytes(double bytes);
std::string formatScaled(double value, StringRef unit);

} // namespace mlir::moe

#endif // MOE_SUPPORT_FORMAT_H
