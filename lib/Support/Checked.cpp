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

LogicalResult mlir::moe::checkRange(Location loc, StringRef name, double value,
                                    double min, std::optional<double> max) {
  if (!std::isfinite(value))
    return emitError(loc) << name << " (" << formatValue(value)
                          << ") must be a finite number";
  if (max && (value < min || value > *max))
    return emitError(loc) << name << " (" << formatValue(value)
                          << ") must be between " << formatValue(min) << " and "
                          << formatValue(*max);
  if (value < min)
    return emitError(loc) << name << " (" << formatValue(value)
                          << ") must be at least " << formatValue(min);
  return success();
}

LogicalResult mlir::moe::checkRange(Location loc, StringRef name, int64_t value,
                                    int64_t min, std::optional<int64_t> max) {
  if (max && (value < min || value > *max))
    return emitError(loc) << name << " (" << value << ") must be between "
                          << min << " and " << *max;
  if (value < min)
    return emitError(loc) << name << " (" << value << ") must be at least "
                          << min;
  return success();
}
