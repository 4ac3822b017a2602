//===- Checked.h - Checked arithmetic on sizes and figures ------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every product of shapes, counts and degrees, and every conversion of a
// figure to a count, goes through these helpers, so that an impossible value
// (an overflow, a NaN, an infinity, a dynamic size) becomes a diagnostic
// naming it instead of a wrapped integer, undefined behaviour or a negative
// time. Numeric options are checked here too, the same way in every pass and
// tool.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SUPPORT_CHECKED_H
#define MOE_SUPPORT_CHECKED_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::moe {

/// The largest count (tokens, elements, slots, trips) the cost model and the
/// plans work with: 2^50. Doubles hold every integer up to 2^53 exactly, so
/// figures computed from such counts stay exact, and products of two of them
/// are still finite.
constexpr int64_t kMaxCount = int64_t(1) << 50;

/// `a * b` when both are non-negative and the product is at most `limit`.
std::optional<int64_t> checkedMul(int64_t a, int64_t b,
                                  int64_t limit = kMaxCount);
/// The product of `factors` (all non-negative), at most `limit`.
std::optional<int64_t> checkedProduct(ArrayRef<int64_t> factors,
                                      int64_t limit = kMaxCount);
/// The elements of a static shape, at most `limit`; nullopt for a dynamic
/// or negative size or an overflow.
std::optional<int64_t> checkedNumElements(ArrayRef<int64_t> shape,
                                          int64_t limit = kMaxCount);
/// `value` rounded up to a whole count, when finite, non-negative and at
/// most `limit`.
std::optional<int64_t> toCount(double value, int64_t limit = kMaxCount);
/// `value` as text the way errors print figures ("nan", "1e+300", "0.5").
std::string formatValue(double value);

/// The error of checkRange and checkCount below without a location, for
/// tools that check their command line: nullopt when `value` is in range.
std::optional<std::string>
describeRangeError(StringRef name, double value, double min,
                   std::optional<double> max = std::nullopt);
std::optional<std::string> describeCountError(StringRef name, int64_t value,
                                              int64_t min,
                                              int64_t max = kMaxCount);

/// Checks a numeric option (or field) named `name`: finite, at least `min`,
/// and at most `max` when given. The error, at `loc`, reads "NAME (VALUE)
/// must be ...".
LogicalResult checkRange(Location loc, StringRef name, double value, double min,
                         std::optional<double> max = std::nullopt);
/// The same for a count option, at most kMaxCount unless `max` says less.
LogicalResult checkCount(Location loc, StringRef name, int64_t value,
                         int64_t min, int64_t max = kMaxCount);

} // namespace mlir::moe

#endif // MOE_SUPPORT_CHECKED_H
