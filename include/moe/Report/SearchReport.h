//===- SearchReport.h - Searched plans for people and scripts ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_REPORT_SEARCHREPORT_H
#define MOE_REPORT_SEARCHREPORT_H

#include "moe/Search/PlanSearch.h"
#include "moe/Support/Format.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir::moe {

void writeSearchText(const SearchResult &result, int64_t seqLen, size_t top,
                     llvm::raw_ostream &os);
void writeSearchJSON(const SearchResult &result, int64_t seqLen,
                     llvm::raw_ostream &os);
void writeSearchCSV(const SearchResult &result, int64_t seqLen,
                    llvm::raw_ostream &os);
/// A scatter plot of step time against memory per device: every plan, the
/// Pareto front joined by a line, the best plan and the capacity marked.
void writeParetoSVG(const SearchResult &result, int64_t seqLen, StringRef title,
                    llvm::raw_ostream &os);

} // namespace mlir::moe

#endif // MOE_REPORT_SEARCHREPORT_H
