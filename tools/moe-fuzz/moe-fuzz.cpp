//===- moe-fuzz.cpp - libFuzzer target over parse, verify, cost -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes through what a user's file goes through: the parser
// and the verifiers, --moe-cost and --moe-cost-report (every format, to a
// null stream), --moe-gpu-plan followed by --moe-cost, and
// --moe-simulate-grid of a forward plan. Errors are fine; a crash, a
// sanitizer report, or one of these oracles failing is a finding:
//
//  - a pass that succeeds must leave IR that verifies;
//  - simulating a plan gives back the program's function types;
//  - annotated IR must print and parse back (reports are read from saved
//    files) and give the same report, to the six significant digits that
//    #moe.cost prints.
//
// The machine, phase and plan options are derived from the input bytes, so
// every input runs one reproducible configuration; MOE_FUZZ_VERBOSE=1 prints
// it as moe-opt options. Build with clang and
// -DMOE_ENABLE_FUZZER=ON (scripts/fuzz.sh); see docs/Fuzzing.md.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/Passes.h"
#include "moe/Cost/Passes.h"
#include "moe/InitAllMoE.h"
#include "moe/Report/Passes.h"
#include "moe/Report/Report.h"
#include "moe/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace mlir;

namespace {

/// The registry moe-opt uses, built once.
DialectRegistry &getRegistry() {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    moe::registerAllMoEDialects(*r);
    return r;
  }();
  return *registry;
}

[[noreturn]] void finding(StringRef what, Operation *op) {
  llvm::errs() << "moe-fuzz: " << what << "\n";
  if (op)
    op->print(llvm::errs(), OpPrintingFlags().printGenericOpForm());
  llvm::errs() << "\n";
  std::abort();
}

/// Runs `pass` alone. On success the result must verify.
LogicalResult runChecked(ModuleOp module, std::unique_ptr<Pass> pass,
                         StringRef name) {
  PassManager pm(module.getContext());
  // Verify by hand below, so that invalid IR from a successful pass is a
  // finding rather than an ordinary failure.
  pm.enableVerifier(false);
  pm.addPass(std::move(pass));
  if (failed(pm.run(module)))
    return failure();
  if (succeeded(verify(module)))
    return success();
  // Verify again, printing what fails this time.
  ScopedDiagnosticHandler print(module.getContext(), [](Diagnostic &diag) {
    llvm::errs() << diag.getLocation() << ": " << diag << "\n";
    return success();
  });
  (void)verify(module);
  finding(("'" + name + "' succeeded but left IR that does not verify").str(),
          module);
}

/// Simulating every device of `planned` must give back the functions of
/// `program`, with the same types.
void checkSimulation(ModuleOp program, ModuleOp planned) {
  OwningOpRef<ModuleOp> simulated = planned.clone();
  if (failed(runChecked(*simulated, moe::createMoESimulateGrid(),
                        "moe-simulate-grid")))
    return;
  for (auto func : program.getOps<FunctionOpInterface>()) {
    auto twin = simulated->lookupSymbol<FunctionOpInterface>(func.getName());
    if (!twin || twin.getFunctionType() != func.getFunctionType())
      finding(("'moe-simulate-grid' did not give back the type of @" +
               func.getName() + " from its GPU plan")
                  .str(),
              *simulated);
  }
}

/// Reads the report of `module` and writes every format to a null stream.
moe::Report writeReports(ModuleOp module) {
  FailureOr<moe::Report> report = moe::collectReport(module);
  if (failed(report))
    finding("--moe-cost succeeded but --moe-cost-report cannot read it",
            module);
  moe::writeTextReport(*report, llvm::nulls());
  moe::writeJSONReport(*report, llvm::nulls());
  moe::writeCSVReport(*report, llvm::nulls());
  moe::writeChromeTrace(*report, llvm::nulls());
  return *report;
}

/// #moe.cost prints six significant digits, so a report read back from
/// saved IR agrees with the original to that precision, not bit for bit.
bool closeEnough(double a, double b) {
  return std::fabs(a - b) <= 1e-5 * std::max(std::fabs(a), std::fabs(b));
}

bool sameRows(const std::vector<moe::ReportRow> &a,
              const std::vector<moe::ReportRow> &b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip_equal(a, b))
    if (x.op != y.op || x.loc != y.loc || x.layer != y.layer ||
        !closeEnough(x.flops, y.flops) || !closeEnough(x.bytes, y.bytes) ||
        !closeEnough(x.network, y.network) ||
        !closeEnough(x.seconds, y.seconds))
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
    finding(generic ? "annotated IR (generic form) does not parse back"
                    : "annotated IR does not parse back",
            module);
  return reparsed;
}

/// Costs `module` and reports it; the annotated IR must print, parse back
/// and give the same report. The report is compared on the generic form:
/// the custom form of linalg named ops hides their bodies, whose ops
/// --moe-cost annotates too (docs/Fuzzing.md, findings).
void costAndReport(ModuleOp module, const moe::MoECostOptions &options) {
  if (failed(runChecked(module, moe::createMoECost(options), "moe-cost")))
    return;
  moe::Report report = writeReports(module);

  roundTrip(module, /*generic=*/false);
  OwningOpRef<ModuleOp> reparsed = roundTrip(module, /*generic=*/true);
  moe::Report again = writeReports(*reparsed);
  if (!sameRows(report.ops, again.ops) ||
      !sameRows(report.layers, again.layers) ||
      !closeEnough(report.seconds, again.seconds) ||
      !closeEnough(report.flops, again.flops))
    finding("the report of the reparsed annotated IR differs", module);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The lexer needs a NUL-terminated buffer; std::string provides one.
  std::string source(reinterpret_cast<const char *>(data), size);

  MLIRContext context(getRegistry(), MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });

  ParserConfig config(&context);
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(source, config, "fuzz-input");
  if (!module)
    return 0;
  module->print(llvm::nulls());
  module->print(llvm::nulls(), OpPrintingFlags().printGenericOpForm());

  // One configuration per input, from its bytes.
  size_t hash = llvm::hash_value(StringRef(source));
  static const char *const machines[] = {"h100-sxm", "b200", "cs2", "cs3"};
  moe::MoECostOptions cost;
  cost.machine = machines[hash % 4];
  cost.phase = (hash >> 2) & 1 ? "train" : "forward";
  cost.recompute = (hash >> 3) & 1;
  cost.imbalance = 1.0 + static_cast<double>((hash >> 4) & 3);
  cost.microBatches = 1 + ((hash >> 6) & 1);
  cost.checkMemory = (hash >> 7) & 1;
  cost.overlap = ((hash >> 8) & 1) ? 0.5 : 0.0;

  if (std::getenv("MOE_FUZZ_VERBOSE"))
    llvm::errs() << "moe-fuzz: --moe-cost=\"machine=" << cost.machine
                 << " phase=" << cost.phase << " recompute=" << cost.recompute
                 << " imbalance=" << cost.imbalance
                 << " micro-batches=" << cost.microBatches
                 << " check-memory=" << cost.checkMemory
                 << " overlap=" << cost.overlap << "\"\n";
  OwningOpRef<ModuleOp> costed = module->clone();
  costAndReport(*costed, cost);

  moe::MoEGPUPlanOptions plan;
  plan.ep = int64_t(1) << ((hash >> 9) & 3);
  plan.tp = int64_t(1) << ((hash >> 11) & 1);
  plan.pp = int64_t(1) << ((hash >> 12) & 1);
  plan.phase = cost.phase;
  if (std::getenv("MOE_FUZZ_VERBOSE"))
    llvm::errs() << "moe-fuzz: --moe-gpu-plan=\"ep=" << plan.ep
                 << " tp=" << plan.tp << " pp=" << plan.pp
                 << " phase=" << plan.phase << "\"\n";
  OwningOpRef<ModuleOp> planned = module->clone();
  if (succeeded(
          runChecked(*planned, moe::createMoEGPUPlan(plan), "moe-gpu-plan"))) {
    if (plan.phase == "forward")
      checkSimulation(*module, *planned);
    moe::MoECostOptions planCost = cost;
    planCost.machine = "h100-sxm";
    costAndReport(*planned, planCost);
  }
  return 0;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  getRegistry();
  return 0;
}
