//===- CostReportPass.cpp - The --moe-cost-report pass ----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Report/Passes.h"
#include "moe/Report/Report.h"
#include "moe/Support/Output.h"

namespace mlir::moe {
#define GEN_PASS_DEF_MOECOSTREPORT
#include "moe/Report/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

namespace {

struct MoECostReportPass : moe::impl::MoECostReportBase<MoECostReportPass> {
  using MoECostReportBase::MoECostReportBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<Report> report = collectReport(module);
    if (failed(report))
      return signalPassFailure();

    if (failed(writeOutput(output, module.getLoc(), [&](llvm::raw_ostream &os) {
          switch (format) {
          case ReportFormat::Json:
            return writeJSONReport(*report, os);
          case ReportFormat::Csv:
            return writeCSVReport(*report, os);
          case ReportFormat::Text:
            return writeTextReport(*report, os);
          }
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
