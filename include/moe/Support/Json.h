//===- Json.h - Bounded JSON reading ----------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// llvm::json parses recursively, so a pathologically nested document would
// overflow the stack. Every JSON reader of the project (machine files, HF
// configs) goes through parseJson, which rejects nesting deeper than real
// inputs ever need before the recursive parser runs.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SUPPORT_JSON_H
#define MOE_SUPPORT_JSON_H

#include "mlir/Support/LLVM.h"
#include "llvm/Support/JSON.h"

#include <optional>

namespace mlir::moe {

/// The deepest nesting of objects and arrays accepted: machine files and HF
/// configs nest a few levels.
constexpr int kMaxJsonDepth = 256;

/// Byte offset of the first bracket nested deeper than kMaxJsonDepth, if any.
std::optional<size_t> findExcessiveJsonNesting(StringRef text);

/// llvm::json::parse after the nesting check; the nesting error reads
/// "nested deeper than 256 levels (at byte N)".
llvm::Expected<llvm::json::Value> parseJson(StringRef text);

} // namespace mlir::moe

#endif // MOE_SUPPORT_JSON_H
