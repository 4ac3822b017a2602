//===- moe-fuzz.cpp - libFuzzer targets over every input a user gives ----===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// One libFuzzer binary with five targets, chosen by MOE_FUZZ_TARGET, one per
// kind of input a user hands the tools:
//
//  - ir (default): the bytes are a module: parse, verify, --moe-cost and
//    every report, --moe-gpu-plan then --moe-cost, --moe-simulate-grid of a
//    forward plan;
//  - options: the bytes are pass options (one line each for the plan, the
//    cost and the plan search) applied to a fixed MoE layer;
//  - machine: the bytes are a machine file, used to cost, plan and search;
//  - hf: the bytes are a Hugging Face config.json, imported and costed;
//  - csv: the bytes are a calibration CSV, read and priced.
//
// Errors are fine; a crash, a sanitizer report, a timeout or a failed
// property (Oracles.h) is a finding. Properties beyond the common ones: N
// identical decoder layers cost N times one (past the embedding and head),
// and an expert-parallel plan's per-device expert FLOPs are 1/ep of the
// program's. Options the IR target derives from the input bytes, so each
// input runs one reproducible configuration; MOE_FUZZ_VERBOSE=1 prints it.
// Build with clang and -DMOE_ENABLE_FUZZER=ON (scripts/fuzz.sh);
// docs/Fuzzing.md.
//
//===----------------------------------------------------------------------===//

#include "Oracles.h"

#include "moe/Cost/Calibration.h"
#include "moe/Cost/Machine.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/InitAllMoE.h"
#include "moe/Support/Checked.h"
#include "moe/Target/HFConfig/HFConfig.h"
#include "moe/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace mlir::moe;
using namespace mlir::moe::fuzz;

namespace {

enum class Target { IR, Options, Machine, HF, CSV };
Target target = Target::IR;

/// The fixed program of the options and machine targets: a MoE block of
/// T = 1024 tokens, H = 512, E = 8 experts, top-2, F = 256 after an
/// attention over 4 sequences of 256 tokens.
constexpr const char *kLayer = R"mlir(
func.func @layer(%x: tensor<1024x512xbf16>,
    %wq: tensor<512x512xbf16> {moe.param = "attn.q"},
    %wk: tensor<512x128xbf16> {moe.param = "attn.k"},
    %wv: tensor<512x128xbf16> {moe.param = "attn.v"},
    %wo: tensor<512x512xbf16> {moe.param = "attn.o"},
    %gate: tensor<512x8xbf16> {moe.param = "router"},
    %w_gate: tensor<8x512x256xbf16> {moe.param = "experts.gate"},
    %w_up: tensor<8x512x256xbf16> {moe.param = "experts.up"},
    %w_down: tensor<8x256x512xbf16> {moe.param = "experts.down"})
    -> tensor<1024x512xbf16> {
  %a = moe.attention %x, %wq, %wk, %wv, %wo heads = 8 kv_heads = 2
      head_dim = 64 seq_len = 256 causal
      : (tensor<1024x512xbf16>, tensor<512x512xbf16>, tensor<512x128xbf16>,
         tensor<512x128xbf16>, tensor<512x512xbf16>) -> tensor<1024x512xbf16>
  %idx, %w = moe.router %a, %gate top_k = 2 scoring = softmax
      : (tensor<1024x512xbf16>, tensor<512x8xbf16>)
      -> (tensor<1024x2xi32>, tensor<1024x2xbf16>)
  %buf = moe.dispatch %a, %idx capacity_factor = 1.0
      : (tensor<1024x512xbf16>, tensor<1024x2xi32>) -> tensor<8x256x512xbf16>
  %out = moe.experts %buf, gate %w_gate, up %w_up, down %w_down
      activation = swiglu
      : (tensor<8x256x512xbf16>, tensor<8x512x256xbf16>,
         tensor<8x512x256xbf16>, tensor<8x256x512xbf16>)
      -> tensor<8x256x512xbf16>
  %y = moe.combine %out, %idx, %w
      : (tensor<8x256x512xbf16>, tensor<1024x2xi32>, tensor<1024x2xbf16>)
      -> tensor<1024x512xbf16>
  return %y : tensor<1024x512xbf16>
}
)mlir";

/// A context that keeps diagnostics to itself (errors are expected).
struct QuietContext {
  MLIRContext context{getRegistry(), MLIRContext::Threading::DISABLED};
  ScopedDiagnosticHandler quiet{&context,
                                [](Diagnostic &) { return success(); }};
  QuietContext() { context.printOpOnDiagnostic(false); }
};

OwningOpRef<ModuleOp> parseLayer(MLIRContext *context) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kLayer, ParserConfig(context), "layer");
  if (!module)
    finding("the fixed program of the fuzz targets does not parse");
  return module;
}

//===----------------------------------------------------------------------===//
// ir: the bytes are a module
//===----------------------------------------------------------------------===//

void fuzzIR(StringRef source) {
  QuietContext q;
  // As moe-opt reads a file: parse, reject zero-sized device grids (upstream
  // shard verifiers divide by their axes), then verify.
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(
      source, ParserConfig(&q.context, /*verifyAfterParse=*/false), "input");
  if (!module || failed(verifyDeviceGrids(*module)) || failed(verify(*module)))
    return;
  module->print(llvm::nulls());
  module->print(llvm::nulls(), OpPrintingFlags().printGenericOpForm());

  // One configuration per input, from its bytes.
  size_t hash = llvm::hash_value(source);
  static const char *const machines[] = {"h100-sxm", "b200", "cs2", "cs3"};
  MoECostOptions cost;
  cost.machine = machines[hash % 4];
  cost.phase = (hash >> 2) & 1 ? Phase::Train : Phase::Forward;
  cost.recompute = (hash >> 3) & 1;
  // Skewed routing: a hot expert, or (when that bit pattern is 3) Zipf.
  if (((hash >> 4) & 3) == 3)
    cost.zipf = 1.2;
  else
    cost.imbalance = 1.0 + static_cast<double>((hash >> 4) & 3);
  cost.microBatches = 1 + ((hash >> 6) & 1);
  cost.checkMemory = (hash >> 7) & 1;
  cost.overlap = ((hash >> 8) & 1) ? 0.5 : 0.0;
  cost.epOverlap = (hash >> 16) & 1;
  cost.gradOverlap = (hash >> 17) & 1;
  if (verbose())
    llvm::errs() << "moe-fuzz: --moe-cost=\"machine=" << cost.machine
                 << " phase=" << stringifyPhase(cost.phase)
                 << " recompute=" << cost.recompute
                 << " imbalance=" << cost.imbalance << " zipf=" << cost.zipf
                 << " micro-batches=" << cost.microBatches
                 << " check-memory=" << cost.checkMemory
                 << " overlap=" << cost.overlap
                 << " ep-overlap=" << cost.epOverlap
                 << " grad-overlap=" << cost.gradOverlap << "\"\n";
  OwningOpRef<ModuleOp> costed = module->clone();
  costAndReport(*costed, cost);

  MoEGPUPlanOptions plan;
  plan.ep = int64_t(1) << ((hash >> 9) & 3);
  plan.tp = int64_t(1) << ((hash >> 11) & 1);
  plan.pp = int64_t(1) << ((hash >> 12) & 1);
  plan.fp32Grads = (hash >> 13) & 1;
  plan.cp = int64_t(1) << ((hash >> 18) & 1);
  plan.etp = plan.tp > 1 && ((hash >> 20) & 1) ? plan.tp : 1;
  plan.fold =
      ((plan.tp > 1 && plan.etp == 1) || plan.cp > 1) && ((hash >> 14) & 1);
  plan.foldCp = plan.fold && plan.cp > 1 && plan.ep == 1 && ((hash >> 19) & 1);
  plan.dispatcher =
      ((hash >> 15) & 1) ? Dispatcher::DeepEP : Dispatcher::AllToAll;
  plan.phase = cost.phase;
  if (verbose())
    llvm::errs() << "moe-fuzz: --moe-gpu-plan=\"ep=" << plan.ep
                 << " tp=" << plan.tp << " cp=" << plan.cp << " pp=" << plan.pp
                 << " fp32-grads=" << plan.fp32Grads << " fold=" << plan.fold
                 << " fold-cp=" << plan.foldCp << " etp=" << plan.etp
                 << " dispatcher=" << stringifyDispatcher(plan.dispatcher)
                 << " phase=" << stringifyPhase(plan.phase) << "\"\n";
  OwningOpRef<ModuleOp> planned = module->clone();
  if (failed(runChecked(*planned, createMoEGPUPlan(plan), "moe-gpu-plan")))
    return;
  // A context-parallel plan is costed, not executed.
  if (plan.phase == Phase::Forward && plan.cp == 1)
    checkSimulation(*module, *planned);
  MoECostOptions planCost = cost;
  planCost.machine = "h100-sxm";
  costAndReport(*planned, planCost);
}

//===----------------------------------------------------------------------===//
// options: the bytes are pass options
//===----------------------------------------------------------------------===//

/// Runs `pipeline` (the textual passes inside `builtin.module(...)`) on
/// `module`; on success the result verifies.
LogicalResult runPipeline(ModuleOp module, StringRef pipeline) {
  return runChecked(
      module,
      [&](OpPassManager &pm) {
        return parsePassPipeline(pipeline, pm, llvm::nulls());
      },
      pipeline);
}

void fuzzOptions(StringRef input) {
  // Options that read or write files are left out: the machine target reads
  // machine files, and a fuzzer must not write where its input says.
  for (StringRef banned : {"file", "output=", "trace", "svg", "{", "}"})
    if (input.contains(banned))
      return;
  SmallVector<StringRef, 4> lines;
  input.split(lines, '\n', 3);
  lines.resize(4);
  StringRef planLine = lines[0].trim(), costLine = lines[1].trim(),
            searchLine = lines[2].trim(), serveLine = lines[3].trim();

  QuietContext q;
  OwningOpRef<ModuleOp> module = parseLayer(&q.context);
  // Line 1: a plan (`wse ...` for the wafer plan, `-` for none).
  std::string pipeline;
  if (planLine.consume_front("wse"))
    pipeline += ("moe-wse-plan{" + planLine + "},").str();
  else if (planLine != "-")
    pipeline += ("moe-gpu-plan{" + planLine + "},").str();
  // Line 2: the cost options.
  pipeline += ("moe-cost{" + costLine + "}").str();
  if (verbose())
    llvm::errs() << "moe-fuzz: --pass-pipeline='builtin.module(" << pipeline
                 << ")'\n";
  OwningOpRef<ModuleOp> costed = module->clone();
  if (succeeded(runPipeline(*costed, pipeline)))
    checkReports(*costed);

  // Line 4: a serving search, whose JSON must hold finite, non-negative
  // figures.
  if (!serveLine.empty()) {
    SmallString<128> path;
    if (llvm::sys::fs::createTemporaryFile("moe-fuzz-serve", "json", path))
      fuzz::finding("cannot create a temporary file");
    std::string serve =
        ("moe-serve-search{" + serveLine + " format=json output=" + path + "}")
            .str();
    if (verbose())
      llvm::errs() << "moe-fuzz: --pass-pipeline='builtin.module(" << serve
                   << ")'\n";
    OwningOpRef<ModuleOp> served = module->clone();
    if (succeeded(runPipeline(*served, serve))) {
      auto buffer = llvm::MemoryBuffer::getFile(path);
      if (!buffer)
        fuzz::finding("the serving search wrote no result");
      fuzz::checkJSON("the serving search's JSON", (*buffer)->getBuffer(),
                      *served);
    }
    llvm::sys::fs::remove(path);
  }

  // Line 3: a plan search (its results to a null file).
  if (searchLine.empty())
    return;
  std::string search =
      ("moe-plan-search{" + searchLine + " output=/dev/null}").str();
  if (verbose())
    llvm::errs() << "moe-fuzz: --pass-pipeline='builtin.module(" << search
                 << ")'\n";
  OwningOpRef<ModuleOp> searched = module->clone();
  if (succeeded(runPipeline(*searched, search)) &&
      (*searched)->hasAttr(MoEDialect::CostSummaryAttrHelper::getNameStr()))
    checkReports(*searched);
}

//===----------------------------------------------------------------------===//
// machine: the bytes are a machine file
//===----------------------------------------------------------------------===//

void fuzzMachine(StringRef text) {
  llvm::Expected<MachineModel> machine = parseMachineJSON(text);
  if (!machine) {
    llvm::consumeError(machine.takeError());
    return;
  }
  // The passes read machine files by name: one scratch file, rewritten.
  static std::string path = [] {
    SmallString<128> p;
    if (llvm::sys::fs::createTemporaryFile("moe-fuzz-machine", "json", p))
      finding("cannot create the machine target's scratch file");
    return std::string(p);
  }();
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      finding("cannot write " + path + ": " + ec.message());
    os << text;
  }

  QuietContext q;
  OwningOpRef<ModuleOp> module = parseLayer(&q.context);
  for (Phase phase : {Phase::Forward, Phase::Train}) {
    MoECostOptions cost;
    cost.machineFile = path;
    cost.phase = phase;
    cost.checkMemory = false;
    OwningOpRef<ModuleOp> costed = module->clone();
    costAndReport(*costed, cost);

    OwningOpRef<ModuleOp> planned = module->clone();
    if (machine->isWafer()) {
      MoEWSEPlanOptions plan;
      plan.machineFile = path;
      plan.phase = phase;
      if (failed(runChecked(*planned, createMoEWSEPlan(plan), "moe-wse-plan")))
        continue;
    } else {
      MoEGPUPlanOptions plan;
      plan.machineFile = path;
      plan.ep = 4;
      plan.phase = phase;
      if (failed(runChecked(*planned, createMoEGPUPlan(plan), "moe-gpu-plan")))
        continue;
    }
    costAndReport(*planned, cost);
  }
  if (!machine->isWafer()) {
    MoEPlanSearchOptions search;
    search.machineFile = path;
    search.gpus = 16;
    search.output = "/dev/null";
    OwningOpRef<ModuleOp> searched = module->clone();
    if (succeeded(runChecked(*searched, createMoEPlanSearch(search),
                             "moe-plan-search")))
      checkReports(*searched);
  }
}

//===----------------------------------------------------------------------===//
// hf: the bytes are a Hugging Face config.json
//===----------------------------------------------------------------------===//

/// `spec` with `n` copies of its last decoder layer, costed forward.
std::optional<CostSummaryAttr> costLayers(const ModelSpec &spec, int64_t n,
                                          MLIRContext *context) {
  ModelSpec copy = spec;
  copy.layers.assign(n, spec.layers.back());
  HFImportOptions options;
  options.seqLen = 64;
  options.batch = 8;
  OwningOpRef<ModuleOp> module =
      buildModel(copy, options, "config.json", context);
  if (!module)
    return std::nullopt;
  MoECostOptions cost;
  cost.checkMemory = false;
  if (failed(runChecked(*module, createMoECost(cost), "moe-cost")))
    return std::nullopt;
  return checkReports(*module).summary;
}

void fuzzHF(StringRef text) {
  QuietContext q;
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "config.json"), llvm::SMLoc());
  FailureOr<ModelSpec> spec = parseHFConfig(sourceMgr, &q.context);
  if (failed(spec) || spec->layers.empty())
    return;

  HFImportOptions options;
  options.seqLen = 64;
  options.batch = 8;
  options.numLayers = std::min<int64_t>(spec->layers.size(), 4);
  OwningOpRef<ModuleOp> module =
      buildModel(*spec, options, "config.json", &q.context);
  if (!module)
    return;
  for (Phase phase : {Phase::Forward, Phase::Train}) {
    MoECostOptions cost;
    cost.phase = phase;
    cost.checkMemory = false;
    OwningOpRef<ModuleOp> costed = module->clone();
    costAndReport(*costed, cost);
  }

  // N identical layers cost N times one: past the embedding and the head,
  // each added copy of a layer adds the same time, FLOPs and bytes.
  std::optional<CostSummaryAttr> one = costLayers(*spec, 1, &q.context);
  std::optional<CostSummaryAttr> two = costLayers(*spec, 2, &q.context);
  std::optional<CostSummaryAttr> three = costLayers(*spec, 3, &q.context);
  if (one && two && three) {
    if (verbose())
      llvm::errs() << "moe-fuzz: 1, 2, 3 layers: " << one->getSeconds() << ", "
                   << two->getSeconds() << ", " << three->getSeconds()
                   << " s\n";
    auto linear = [](double a, double b, double c) {
      return std::fabs((c - b) - (b - a)) <= 1e-9 * std::fabs(c);
    };
    if (!linear(one->getSeconds(), two->getSeconds(), three->getSeconds()) ||
        !linear(one->getFlops(), two->getFlops(), three->getFlops()) ||
        !linear(one->getBytes(), two->getBytes(), three->getBytes()) ||
        !linear(one->getParams(), two->getParams(), three->getParams()))
      finding("1, 2 and 3 copies of a layer do not cost linearly: " +
              formatValue(one->getSeconds()) + ", " +
              formatValue(two->getSeconds()) + ", " +
              formatValue(three->getSeconds()) + " s");
  }

  // An expert-parallel plan's per-device expert FLOPs are 1/ep of the
  // program's. Exactly so when every expert gets the same whole number of
  // rows, at least 64 (the cost model counts whole rows per expert and, with
  // few rows, only the experts a token reaches): 4096 tokens, T * top_k a
  // multiple of E.
  const LayerSpec &layer = spec->layers.back();
  int64_t ep = 2, tokens = 4096;
  int64_t experts = spec->moe.numExperts, topK = spec->moe.topK;
  if (!layer.isMoE || experts % ep != 0 || experts <= 0 ||
      (tokens * topK) % experts != 0 || tokens * topK / experts < 64)
    return;
  ModelSpec single = *spec;
  single.layers.assign(1, layer);
  HFImportOptions dropless = options;
  dropless.numLayers.reset();
  dropless.batch = tokens / dropless.seqLen;
  dropless.capacityFactor = 0;
  OwningOpRef<ModuleOp> program =
      buildModel(single, dropless, "config.json", &q.context);
  if (!program)
    return;
  MoEGPUPlanOptions plan;
  plan.ep = ep;
  OwningOpRef<ModuleOp> planned = program->clone();
  MoECostOptions cost;
  cost.checkMemory = false;
  if (failed(runChecked(*planned, createMoEGPUPlan(plan), "moe-gpu-plan")) ||
      failed(runChecked(*program, createMoECost(cost), "moe-cost")) ||
      failed(runChecked(*planned, createMoECost(cost), "moe-cost")))
    return;
  double whole = expertFlops(*program), perDevice = expertFlops(*planned);
  if (verbose())
    llvm::errs() << "moe-fuzz: expert FLOPs " << whole
                 << ", per device at ep = " << ep << " " << perDevice << "\n";
  if (!closeEnough(perDevice * ep, whole, 1e-6))
    finding("per-device expert FLOPs with ep = 2 (" + formatValue(perDevice) +
                ") are not half the program's (" + formatValue(whole) + ")",
            *planned);
}

//===----------------------------------------------------------------------===//
// csv: the bytes are a calibration CSV
//===----------------------------------------------------------------------===//

void fuzzCSV(StringRef text) {
  llvm::Expected<std::vector<CalibrationSample>> samples =
      readCalibrationCSV(text, "fuzz.csv");
  if (!samples) {
    llvm::consumeError(samples.takeError());
    return;
  }
  static const MachineModel h100 = cantFail(getMachinePreset("h100-sxm"));
  auto check = [&](const MachineModel &machine) {
    for (const CalibrationSample &s : *samples) {
      double predicted = s.predict(machine);
      if (!std::isfinite(predicted) || predicted < 0)
        finding("row '" + s.id + "' is predicted at " + formatValue(predicted) +
                " s");
      if (!std::isfinite(s.measured) || !(s.measured > 0))
        finding("row '" + s.id + "' is measured at " + formatValue(s.measured) +
                " s");
    }
    for (StringRef set : {"fit", "validate"}) {
      CalibrationStats stats = calibrationStatistics(*samples, set, machine, 0);
      if (!std::isfinite(stats.median) || !std::isfinite(stats.worst))
        finding("the " + set + " set's error is not finite");
    }
  };
  check(h100);
  // Fitting is a grid search over every sample: only for small inputs.
  if (samples->size() > 4)
    return;
  MachineModel fitted = h100;
  fitCalibration(*samples, fitted);
  if (llvm::Error error = validateMachine(fitted))
    finding("fitting gave an invalid machine: " +
            llvm::toString(std::move(error)));
  check(fitted);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The lexers need a NUL-terminated buffer; std::string provides one.
  std::string input(reinterpret_cast<const char *>(data), size);
  switch (target) {
  case Target::IR:
    fuzzIR(input);
    break;
  case Target::Options:
    fuzzOptions(input);
    break;
  case Target::Machine:
    fuzzMachine(input);
    break;
  case Target::HF:
    fuzzHF(input);
    break;
  case Target::CSV:
    fuzzCSV(input);
    break;
  }
  return 0;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  const char *name = std::getenv("MOE_FUZZ_TARGET");
  std::optional<Target> chosen =
      llvm::StringSwitch<std::optional<Target>>(name ? name : "ir")
          .Case("ir", Target::IR)
          .Case("options", Target::Options)
          .Case("machine", Target::Machine)
          .Case("hf", Target::HF)
          .Case("csv", Target::CSV)
          .Default(std::nullopt);
  if (!chosen) {
    llvm::errs() << "moe-fuzz: error: MOE_FUZZ_TARGET '" << name
                 << "' is not one of ir, options, machine, hf, csv\n";
    std::exit(2);
  }
  target = *chosen;
  registerAllMoEPasses();
  getRegistry();
  return 0;
}
