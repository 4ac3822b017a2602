//===- Json.cpp - Bounded JSON reading ------------------------------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Support/Json.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

std::optional<size_t> mlir::moe::findExcessiveJsonNesting(StringRef text) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth)
        return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::nullopt;
}

llvm::Expected<llvm::json::Value> mlir::moe::parseJson(StringRef text) {
  if (std::optional<size_t> deep = findExcessiveJsonNesting(text))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("nested deeper than {0} levels (at byte {1})",
                      kMaxJsonDepth, *deep));
  return llvm::json::parse(text);
}
