//===- Oracles.cpp - What every fuzz target checks ------------------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Oracles.h"

#include "moe/Conversion/Passes.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/InitAllMoE.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace mlir::moe;

DialectRegistry &fuzz::getRegistry() {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    registerAllMoEDialects(*r);
    return r;
  }();
  return *registry;
}

void fuzz::finding(const Twine &what, Operation *op) {
  llvm::errs() << "moe-fuzz: " << what << "\n";
  if (op)
    op->print(llvm::errs(), OpPrintingFlags().printGenericOpForm());
  llvm::errs() << "\n";
  std::abort();
}

bool fuzz::verbose() {
  static bool on = std::getenv("MOE_FUZZ_VERBOSE") != nullptr;
  return on;
}

LogicalResult fuzz::runChecked(ModuleOp module, std::unique_ptr<Pass> pass,
                               StringRef name) {
  return runChecked(
      module,
      [&](OpPassManager &pm) {
        pm.addPass(std::move(pass));
        return success();
      },
      name);
}

LogicalResult
fuzz::runChecked(ModuleOp module,
                 llvm::function_ref<LogicalResult(OpPassManager &)> build,
                 StringRef name) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  // Verify by hand below, so that invalid IR from a successful pass is a
  // finding rather than an ordinary failure.
  pm.enableVerifier(false);
  if (failed(build(pm)) || failed(pm.run(module)))
    return failure();
  if (succeeded(verify(module)))
    return success();
  // Verify again, printing what fails this time.
  ScopedDiagnosticHandler print(module.getContext(), [](Diagnostic &diag) {
    llvm::errs() << diag.getLocation() << ": " << diag << "\n";
    return success();
  });
  (void)verify(module);
  finding("'" + name + "' succeeded but left IR that does not verify", module);
}

namespace {

/// Every number in `value` is finite and not negative; the first that is not
/// is returned as "PATH = VALUE".
std::optional<std::string> findBadNumber(const llvm::json::Value &value,
                                         const std::string &path) {
  if (const auto *object = value.getAsObject()) {
    for (const auto &[key, item] : *object)
      if (auto bad = findBadNumber(item, path + "." + key.str()))
        return bad;
  } else if (const auto *array = value.getAsArray()) {
    for (auto [i, item] : llvm::enumerate(*array))
      if (auto bad = findBadNumber(item, path + "[" + std::to_string(i) + "]"))
        return bad;
  } else if (std::optional<double> number = value.getAsNumber()) {
    if (!std::isfinite(*number) || *number < 0)
      return path + " = " + std::to_string(*number);
  }
  return std::nullopt;
}

void checkJSONText(StringRef what, StringRef text, ModuleOp module) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    fuzz::finding(
        what + " is not valid JSON: " + llvm::toString(parsed.takeError()),
        module);
  if (std::optional<std::string> bad = findBadNumber(*parsed, "$"))
    fuzz::finding(
        what + " has a figure that is negative or not finite: " + *bad, module);
}

bool sameRows(const std::vector<ReportRow> &a,
              const std::vector<ReportRow> &b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip_equal(a, b))
    if (x.op != y.op || x.loc != y.loc || x.layer != y.layer ||
        !fuzz::closeEnough(x.flops, y.flops) ||
        !fuzz::closeEnough(x.bytes, y.bytes) ||
        !fuzz::closeEnough(x.network, y.network) ||
        !fuzz::closeEnough(x.seconds, y.seconds))
      return false;
  return true;
}

/// Prints `module` (with locations) and parses it back.
OwningOpRef<ModuleOp> roundTrip(ModuleOp module, bool generic) {
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  flags.enableDebugInfo();
  if (generic)
    flags.printGenericOpForm();
  module->print(os, flags);
  ParserConfig config(module.getContext());
  OwningOpRef<ModuleOp> reparsed = parseSourceString<ModuleOp>(text, config);
  if (!reparsed)
    fuzz::finding(generic ? "annotated IR (generic form) does not parse back"
                          : "annotated IR does not parse back",
                  module);
  return reparsed;
}

} // namespace

bool fuzz::closeEnough(double a, double b, double tolerance) {
  return std::fabs(a - b) <= tolerance * std::max(std::fabs(a), std::fabs(b));
}

Report fuzz::checkReports(ModuleOp module) {
  FailureOr<Report> report = collectReport(module);
  if (failed(report))
    finding("--moe-cost succeeded but --moe-cost-report cannot read it",
            module);
  writeTextReport(*report, llvm::nulls());
  writeCSVReport(*report, llvm::nulls());
  std::string json, trace;
  llvm::raw_string_ostream jsonOS(json), traceOS(trace);
  writeJSONReport(*report, jsonOS);
  writeChromeTrace(*report, traceOS);
  checkJSONText("the JSON report", json, module);
  checkJSONText("the Chrome trace", trace, module);
  // The timeline spans the step, and its breakdown adds up to it: up to the
  // six significant digits an op's `moe.cost` seconds keep (the timeline
  // reads them for ops without `moe.timing`).
  const Timeline &timeline = *report->timeline;
  double step = report->summary.getSeconds();
  auto close = [&](double seconds) {
    return closeEnough(seconds, step, 1e-5) ||
           std::fabs(seconds - step) < 1e-15;
  };
  if (!close(timeline.span))
    finding("the trace's timeline does not span the step time", module);
  if (timeline.hasBreakdown && !close(timeline.breakdown.total()))
    finding("the report's time breakdown does not add up to the step", module);
  return *report;
}

std::optional<Report> fuzz::costAndReport(ModuleOp module,
                                          const MoECostOptions &options) {
  if (failed(runChecked(module, createMoECost(options), "moe-cost")))
    return std::nullopt;
  Report report = checkReports(module);

  // The report is compared on the generic form: the custom form of linalg
  // named ops hides their bodies (docs/Fuzzing.md, findings).
  roundTrip(module, /*generic=*/false);
  OwningOpRef<ModuleOp> reparsed = roundTrip(module, /*generic=*/true);
  Report again = checkReports(*reparsed);
  if (!sameRows(report.ops, again.ops) ||
      !sameRows(report.layers, again.layers) ||
      !closeEnough(report.summary.getSeconds(), again.summary.getSeconds()) ||
      !closeEnough(report.summary.getFlops(), again.summary.getFlops()))
    finding("the report of the reparsed annotated IR differs", module);
  return report;
}

double fuzz::expertFlops(ModuleOp module) {
  double flops = 0;
  module.walk([&](ExpertsOp op) {
    if (auto cost = op->getAttrOfType<CostAttr>(
            MoEDialect::CostAttrHelper::getNameStr()))
      flops += cost.getFlops();
  });
  return flops;
}

void fuzz::checkSimulation(ModuleOp program, ModuleOp planned) {
  OwningOpRef<ModuleOp> simulated = planned.clone();
  if (failed(
          runChecked(*simulated, createMoESimulateGrid(), "moe-simulate-grid")))
    return;
  for (auto func : program.getOps<FunctionOpInterface>()) {
    auto twin = simulated->lookupSymbol<FunctionOpInterface>(func.getName());
    if (!twin || twin.getFunctionType() != func.getFunctionType())
      finding("'moe-simulate-grid' did not give back the type of @" +
                  func.getName() + " from its GPU plan",
              *simulated);
  }
}

void fuzz::checkJSON(StringRef what, StringRef text, ModuleOp module) {
  checkJSONText(what, text, module);
}
