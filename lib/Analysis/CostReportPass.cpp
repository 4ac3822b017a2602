//===- CostReportPass.cpp - The --moe-cost-report pass ----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Analysis/Passes.h"
#include "moe/Analysis/Report.h"

namespace mlir::moe {
#define GEN_PASS_DEF_MOECOSTREPORT
#include "moe/Analysis/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

namespace {

struct MoECostReportPass : moe::impl::MoECostReportBase<MoECostReportPass> {
  using MoECostReportBase::MoECostReportBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (format != "text" && format != "json" && format != "csv") {
      emitError(module.getLoc()) << "unknown report format '" << format
                                 << "' (expected text, json or csv)";
      return signalPassFailure();
    }
    FailureOr<Report> report = collectReport(module);
    if (failed(report))
      return signalPassFailure();

    if (failed(writeOutput(output, module.getLoc(), [&](llvm::raw_ostream &os) {
          if (format == "json")
            writeJSONReport(*report, os);
          else if (format == "csv")
            writeCSVReport(*report, os);
          else
            writeTextReport(*report, os);
        })))
      return signalPassFailure();
    if (!trace.empty() &&
        failed(writeOutput(trace, module.getLoc(), [&](llvm::raw_ostream &os) {
          writeChromeTrace(*report, os);
        })))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
