//===- Oracles.h - What every fuzz target checks ----------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The properties the fuzz targets check on whatever passes accept: IR that
// verifies, reports that are valid JSON with finite, non-negative figures,
// and a report that survives printing and parsing the annotated IR. A
// failed property is a finding: it prints what failed and aborts, which
// libFuzzer records as a crash with its input.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_FUZZ_ORACLES_H
#define MOE_FUZZ_ORACLES_H

#include "moe/Cost/Passes.h"
#include "moe/Report/Report.h"
#include "moe/Report/Timeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace mlir::moe::fuzz {

/// The registry moe-opt uses, built once.
DialectRegistry &getRegistry();

/// Prints `what` (and `op`, in generic form, when given) and aborts.
[[noreturn]] void finding(const Twine &what, Operation *op = nullptr);

/// Runs `pass` alone on `module`. On success the result must verify.
LogicalResult runChecked(ModuleOp module, std::unique_ptr<Pass> pass,
                         StringRef name);
/// Runs the passes `build` adds to a module pass manager (failing when it
/// does); on success the result must verify.
LogicalResult
runChecked(ModuleOp module,
           llvm::function_ref<LogicalResult(OpPassManager &)> build,
           StringRef name);

/// Every report format of `module` (costed) is written; the JSON report and
/// the Chrome trace must parse as JSON whose every number is finite and not
/// negative.
Report checkReports(ModuleOp module);
/// `text` (named `what`) is JSON whose every number is finite and
/// non-negative.
void checkJSON(StringRef what, StringRef text, ModuleOp module);

/// Costs `module` with `options` and checks its reports; the annotated IR
/// must print, parse back and give the same report (to the six significant
/// digits #moe.cost prints). Returns the report, or nullopt when the cost
/// pass failed.
std::optional<Report> costAndReport(ModuleOp module,
                                    const MoECostOptions &options);

/// `a` and `b` agree to `tolerance`, relative to the larger.
bool closeEnough(double a, double b, double tolerance = 1e-5);

/// The FLOPs `--moe-cost` attached to the `moe.experts` ops of `module`.
double expertFlops(ModuleOp module);

/// Simulating every device of the forward plan `planned` must give back the
/// functions of `program`, with the same types.
void checkSimulation(ModuleOp program, ModuleOp planned);

/// Whether MOE_FUZZ_VERBOSE is set: print each input's configuration.
bool verbose();

} // namespace mlir::moe::fuzz

#endif // MOE_FUZZ_ORACLES_H
