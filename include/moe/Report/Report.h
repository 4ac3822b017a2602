//===- Report.h - Cost reports for people and scripts -----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A report is read back from the IR `--moe-cost` annotated, so it can be
// produced from a saved annotated file too. The JSON layout is a contract
// documented in README.md.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_REPORT_REPORT_H
#define MOE_REPORT_REPORT_H

#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Support/Format.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::moe {

struct ReportRow {
  std::string op, loc, layer;
  double flops = 0, bytes = 0, network = 0, seconds = 0;
  Bound bound = Bound::none;
  /// Where its time falls in the step (`moe.timing`; without one, all of
  /// `seconds` is forward compute).
  OpRole role = OpRole::Compute;
  double forward = 0, backward = 0, recompute = 0, sync = 0, optimizer = 0;
  double exposed = 1, transfer = 0;
  int64_t stage = 0, chunk = 0;
  /// A collective's communication group, naming its timeline track.
  std::string group;
  /// An expert all-to-all, which the expert-parallel overlap schedule hides
  /// in part.
  bool expertExchange = false;
};

struct Timeline;

struct Report {
  /// The totals `--moe-cost` left (`moe.cost_summary`).
  CostSummaryAttr summary;
  /// The module's plan (`moe.plan`); null for an unplanned program.
  PlanAttrInterface plan;
  std::vector<ReportRow> ops;
  /// Ops grouped by layer, in first-seen order.
  std::vector<ReportRow> layers;
  /// A serving step (attention over KV caches): sequences per device, new
  /// tokens per sequence and cached tokens per sequence; 0 otherwise.
  int64_t servingSequences = 0, servingNewTokens = 0, servingContext = 0;
  /// Parameters of the whole model: each weight of the program (by
  /// `moe.param` name) times the devices its plan splits it over.
  double modelParams = 0;
  /// The step laid out in time (moe/Report/Timeline.h), built once for
  /// every writer.
  std::shared_ptr<const Timeline> timeline;
};

/// Reads the `moe.cost` attributes and `moe.cost_summary` of `module`;
/// fails with an error when `--moe-cost` has not run.
FailureOr<Report> collectReport(ModuleOp module);

void writeTextReport(const Report &report, llvm::raw_ostream &os);
void writeJSONReport(const Report &report, llvm::raw_ostream &os);
void writeCSVReport(const Report &report, llvm::raw_ostream &os);
/// A Chrome trace: one track of ops, one of layers, laid end to end.
void writeChromeTrace(const Report &report, llvm::raw_ostream &os);

} // namespace mlir::moe

#endif // MOE_REPORT_REPORT_H
