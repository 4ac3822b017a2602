//===- ServingReport.h - Serving search results -----------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_REPORT_SERVINGREPORT_H
#define MOE_REPORT_SERVINGREPORT_H

#include "moe/Search/ServingSearch.h"
#include "moe/Search/WaferServing.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir::moe {

/// The best plan of each kind, the verdict and the Pareto front (`top`
/// rows), for people.
void writeServingText(const ServingResult &result, size_t top,
                      llvm::raw_ostream &os);
/// Every candidate, for scripts.
void writeServingJSON(const ServingResult &result, llvm::raw_ostream &os);
/// Tokens/s per GPU against tokens/s per user, the front and the targets.
void writeServingSVG(const ServingResult &result, StringRef title,
                     llvm::raw_ostream &os);

/// Wafer-scale serving: the best row of each mode, the verdict and every
/// row, for people; every row, for scripts.
void writeWaferServingText(const WaferServingResult &result,
                           llvm::raw_ostream &os);
void writeWaferServingJSON(const WaferServingResult &result,
                           llvm::raw_ostream &os);

/// "co-located" or "disaggregated".
StringRef stringifyServingKind(ServingCandidate::Kind kind);
/// One line naming a candidate's plans, batches and pools.
std::string describeServingCandidate(const ServingCandidate &candidate);

} // namespace mlir::moe

#endif // MOE_REPORT_SERVINGREPORT_H
