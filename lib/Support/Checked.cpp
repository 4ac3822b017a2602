//===- Checked.cpp - Checked arithmetic on sizes and figures ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Support/Checked.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

std::optional<int64_t> mlir::moe::checkedMul(int64_t a, int64_t b,
                                             int64_t limit) {
  int64_t product = 0;
  if (a < 0 || b < 0 || llvm::MulOverflow(a, b, product) || product > limit)
    return std::nullopt;
  return product;
}

std::optional<int64_t> mlir::moe::checkedProduct(ArrayRef<int64_t> factors,
                                                 int64_t limit) {
  std::optional<int64_t> product = 1;
  for (int64_t factor : factors)
    if (!(product = checkedMul(*product, factor, limit)))
      return std::nullopt;
  return product;
}

std::optional<int64_t> mlir::moe::checkedNumElements(ArrayRef<int64_t> shape,
                                                     int64_t limit) {
  // A dynamic size is negative (ShapedType::kDynamic).
  return checkedProduct(shape, limit);
}

std::optional<int64_t> mlir::moe::toCount(double value, int64_t limit) {
  if (!std::isfinite(value) || value < 0)
    return std::nullopt;
  double up = std::ceil(value);
  if (up > static_cast<double>(limit))
    return std::nullopt;
  return static_cast<int64_t>(up);
}

std::string mlir::moe::formatValue(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

std::optional<std::string>
mlir::moe::describeRangeError(StringRef name, double value, double min,
                              std::optional<double> max) {
  std::string text = name.str() + " (" + formatValue(value) + ") must be ";
  if (!std::isfinite(value))
    return text + "a finite number";
  if (max && (value < min || value > *max))
    return text + "between " + formatValue(min) + " and " + formatValue(*max);
  if (value < min)
    return text + "at least " + formatValue(min);
  return std::nullopt;
}

std::optional<std::string> mlir::moe::describeCountError(StringRef name,
                                                         int64_t value,
                                                         int64_t min,
                                                         int64_t max) {
  std::string text = name.str() + " (" + std::to_string(value) + ") must be ";
  if (value < min)
    return text + "at least " + std::to_string(min);
  if (value > max)
    return text + "at most " + std::to_string(max);
  return std::nullopt;
}

LogicalResult mlir::moe::checkRange(Location loc, StringRef name, double value,
                                    double min, std::optional<double> max) {
  if (std::optional<std::string> error =
          describeRangeError(name, value, min, max))
    return emitError(loc) << *error;
  return success();
}

LogicalResult mlir::moe::checkCount(Location loc, StringRef name, int64_t value,
                                    int64_t min, int64_t max) {
  if (std::optional<std::string> error =
          describeCountError(name, value, min, max))
    return emitError(loc) << *error;
  return success();
}
