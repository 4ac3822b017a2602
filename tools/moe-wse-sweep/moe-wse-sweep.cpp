//===- moe-wse-sweep.cpp - MoE sparsity sweeps on wafer-scale systems -----===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Reproduces the Cerebras BTA experiments (docs/Validation.md, "Cerebras
// CS-2: BTA"): a Hugging Face config is imported with the expert count and
// top_k of each sweep point, planned with --moe-wse-plan and costed with the
// cost analysis, at
//
//  - conventional batching (G = 1): the largest batch whose attention fits
//    the wafer's SRAM (B_max sequences per system);
//  - BTA: tiles of B_max sequences, G = 1, 2, 4, ... up to --max-tiles,
//    the best tokens/s that fits;
//  - the dense baseline: the same model with E = top_k experts, all of them
//    active (same active parameters and FLOPs), conventional batching.
//
// `--fit=R` fits the wafer's effective efficiency so that the last point of
// the sweep runs at R times the dense baseline's tokens/s (G = 1), and
// prints the sweep with the fitted constant.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/CostAnalysis.h"
#include "moe/Cost/Machine.h"
#include "moe/CostModels/UpstreamCostModels.h"
#include "moe/Dialect/MoE/IR/MoEDialect.h"
#include "moe/Dialect/WSE/IR/WSEDialect.h"
#include "moe/Support/Checked.h"
#include "moe/Support/Output.h"
#include "moe/Target/HFConfig/HFConfig.h"
#include "moe/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>
#include <optional>

using namespace mlir;
using namespace mlir::moe;

namespace cl = llvm::cl;

static cl::OptionCategory sweepOptions("moe-wse-sweep options");

static cl::opt<std::string> configFile(cl::cat(sweepOptions), cl::Positional,
                                       cl::desc("<config.json>"), cl::Required);
enum class SweepKind { Experts, TopK };
static cl::opt<SweepKind>
    sweep(cl::cat(sweepOptions), "sweep", cl::desc("What varies"),
          cl::values(clEnumValN(SweepKind::Experts, "experts",
                                "the number of experts (top_k fixed)"),
                     clEnumValN(SweepKind::TopK, "top-k",
                                "top_k (the number of experts fixed)")),
          cl::init(SweepKind::Experts));
static cl::list<int64_t>
    values(cl::cat(sweepOptions), "values",
           cl::desc("Sweep values (default experts: 8,16,32,64,128;"
                    " top-k: 8,4,2,1)"),
           cl::CommaSeparated);
static cl::opt<int64_t> fixedExperts(cl::cat(sweepOptions), "experts",
                                     cl::desc("Experts in a top-k sweep"),
                                     cl::init(128));
static cl::opt<int64_t> fixedTopK(cl::cat(sweepOptions), "top-k",
                                  cl::desc("top_k in an experts sweep"),
                                  cl::init(8));
static cl::opt<int64_t> seqLen(cl::cat(sweepOptions), "seq-len",
                               cl::desc("Tokens per sequence"), cl::init(4096));
static cl::opt<int64_t> systems(cl::cat(sweepOptions), "systems",
                                cl::desc("Wafer-scale systems (data "
                                         "parallel)"),
                                cl::init(1));
static cl::opt<int64_t>
    numLayers(cl::cat(sweepOptions), "num-layers",
              cl::desc("Keep the first N decoder layers (0: "
                       "all)"),
              cl::init(0));
static cl::opt<int64_t> maxTiles(cl::cat(sweepOptions), "max-tiles",
                                 cl::desc("Largest BTA tile count G tried"),
                                 cl::init(64));
static cl::opt<std::string> machineName(cl::cat(sweepOptions), "machine",
                                        cl::desc("Wafer-scale preset"),
                                        cl::init("cs2"));
static cl::opt<double>
    efficiency(cl::cat(sweepOptions), "efficiency",
               cl::desc("Override the wafer's effective efficiency (GEMMs and "
                        "attention; 0 keeps the preset's)"),
               cl::init(0));
static cl::opt<double>
    halfBatch(cl::cat(sweepOptions), "wafer-half-batch",
              cl::desc("Override wafer_half_batch (-1 keeps the preset's)"),
              cl::init(-1));
static cl::opt<double>
    fitTarget(cl::cat(sweepOptions), "fit",
              cl::desc("Fit the efficiency so the last point's G = 1 "
                       "throughput is this fraction of the dense "
                       "baseline's (0: no fit)"),
              cl::init(0));
static cl::opt<double> fitBTA(
    cl::cat(sweepOptions), "fit-bta",
    cl::desc("With --fit, also fit wafer_half_batch so the last point's best "
             "BTA throughput is this fraction of the dense baseline's"),
    cl::init(0));
enum class OutputFormat { Text, CSV };
static cl::opt<OutputFormat>
    format(cl::cat(sweepOptions), "format", cl::desc("Output format"),
           cl::values(clEnumValN(OutputFormat::Text, "text", "aligned table"),
                      clEnumValN(OutputFormat::CSV, "csv",
                                 "comma-separated, one header line")),
           cl::init(OutputFormat::Text));

namespace {

struct Point {
  int64_t experts = 0, topK = 0;
};

/// One configuration at conventional batching and with BTA.
struct Result {
  int64_t batch = 0; ///< B_max, sequences per system at G = 1
  double tokensPerSecond = 0;
  double seconds = 0;
  int64_t bestTiles = 1;
  double bestTokensPerSecond = 0;
};

void setEfficiency(MachineModel &m, double e) {
  m.gemmEfficiency = e;
  m.attentionEfficiency = e;
  m.attentionBackwardEfficiency = e;
}

class Sweeper {
public:
  Sweeper(MLIRContext &ctx, ModelSpec base, MachineModel machine)
      : ctx(ctx), base(std::move(base)), machine(std::move(machine)) {}

  MachineModel &getMachine() { return machine; }

  /// Conventional batching and the best BTA plan of `point`; failure when
  /// not even one sequence fits. Plans (and whether they fit, which does not
  /// depend on efficiencies) are cached, so re-evaluating with other
  /// efficiency constants only re-runs the cost analysis.
  FailureOr<Result> evaluate(Point point) {
    FailureOr<Plans *> plans = getPlans(point);
    if (failed(plans))
      return failure();
    Result result;
    result.batch = (*plans)->batch;
    CostSummary conventional = cost(*(*plans)->tiled.front().second);
    result.tokensPerSecond = conventional.tokensPerSecond();
    result.seconds = conventional.seconds;
    result.bestTokensPerSecond = result.tokensPerSecond;
    for (auto &[g, module] : llvm::drop_begin((*plans)->tiled)) {
      double rate = cost(*module).tokensPerSecond();
      if (rate > result.bestTokensPerSecond) {
        result.bestTokensPerSecond = rate;
        result.bestTiles = g;
      }
    }
    return result;
  }

private:
  /// The plans of one point that fit: G = 1 at B_max sequences per system,
  /// then each G whose G * B_max sequences fit.
  struct Plans {
    int64_t batch = 0;
    std::vector<std::pair<int64_t, OwningOpRef<ModuleOp>>> tiled;
  };

  FailureOr<Plans *> getPlans(Point point) {
    auto key = std::make_pair(point.experts, point.topK);
    auto cached = plans.find(key);
    if (cached != plans.end())
      return cached->second.tiled.empty() ? FailureOr<Plans *>(failure())
                                          : &cached->second;
    Plans &entry = plans[key];
    ModelSpec spec = base;
    spec.moe.numExperts = point.experts;
    spec.moe.topK = point.topK;
    HFImportOptions options;
    options.seqLen = seqLen;
    options.batch = 1;
    if (numLayers > 0)
      options.numLayers = numLayers;
    OwningOpRef<ModuleOp> program = buildModel(spec, options, configFile, &ctx);
    if (!program)
      return failure();

    // B_max: grow, then bisect on the largest batch that fits at G = 1.
    int64_t lo = 0, hi = 1;
    while (hi <= (1 << 16) && plan(*program, hi, 1)) {
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1) {
      int64_t mid = (lo + hi) / 2;
      (plan(*program, mid, 1) ? lo : hi) = mid;
    }
    if (lo == 0)
      return failure();
    entry.batch = lo;
    // Doubling G until it reaches max-tiles or a G does not fit: more tiles
    // hold more sequences, so no larger G fits either.
    for (int64_t g = 1; g <= maxTiles; g *= 2) {
      std::optional<int64_t> sequences = checkedMul(g, lo);
      OwningOpRef<ModuleOp> module;
      if (sequences)
        module = plan(*program, *sequences, g);
      if (!module)
        break;
      entry.tiled.emplace_back(g, std::move(module));
      if (g > maxTiles / 2)
        break;
    }
    return &entry;
  }

  /// Plans `sequences` per system in `tiles` tiles; null when the plan is
  /// rejected or does not fit the wafer.
  OwningOpRef<ModuleOp> plan(ModuleOp program, int64_t sequences,
                             int64_t tiles) {
    // Rejected candidates are expected while searching: keep them quiet.
    ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
    OwningOpRef<ModuleOp> module(cast<ModuleOp>(program->clone()));
    PassManager pm(&ctx);
    MoEWSEPlanOptions options;
    options.systems = systems;
    options.batch = sequences * systems;
    options.tiles = TileCount{tiles};
    options.machine = machineName;
    options.phase = Phase::Train;
    pm.addPass(createMoEWSEPlan(options));
    if (failed(pm.run(*module)))
      return nullptr;
    FailureOr<CostAnalysis> analysis =
        CostAnalysis::run(*module, machine, trainOptions());
    if (failed(analysis))
      return nullptr;
    const CostSummary &summary = analysis->getSummary();
    if (summary.memory.total() > summary.memoryCapacity)
      return nullptr;
    return module;
  }

  CostSummary cost(ModuleOp module) {
    ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
    FailureOr<CostAnalysis> analysis =
        CostAnalysis::run(module, machine, trainOptions());
    return succeeded(analysis) ? analysis->getSummary() : CostSummary();
  }

  static CostOptions trainOptions() {
    CostOptions options;
    options.phase = Phase::Train;
    return options;
  }

  MLIRContext &ctx;
  ModelSpec base;
  MachineModel machine;
  std::map<std::pair<int64_t, int64_t>, Plans> plans;
};

/// A sweep's rows: each point with its dense baseline.
struct Row {
  Point point;
  Result moe, dense;
  double relative() const {
    return moe.tokensPerSecond / dense.tokensPerSecond;
  }
  double relativeBTA() const {
    return moe.bestTokensPerSecond / dense.tokensPerSecond;
  }
  double gain() const { return moe.bestTokensPerSecond / moe.tokensPerSecond; }
};

FailureOr<std::vector<Row>> runSweep(Sweeper &sweeper, ArrayRef<Point> points) {
  std::vector<Row> rows;
  for (Point p : points) {
    Row row;
    row.point = p;
    FailureOr<Result> moe = sweeper.evaluate(p);
    FailureOr<Result> dense = sweeper.evaluate({p.topK, p.topK});
    if (failed(moe) || failed(dense)) {
      llvm::errs() << "error: E = " << p.experts << ", top_k = " << p.topK
                   << ": not even one sequence of " << seqLen << " tokens fits "
                   << sweeper.getMachine().name << "\n";
      return failure();
    }
    row.moe = *moe;
    row.dense = *dense;
    rows.push_back(row);
  }
  return rows;
}

void printRows(ArrayRef<Row> rows, const MachineModel &m) {
  llvm::raw_ostream &os = llvm::outs();
  if (format == OutputFormat::CSV) {
    os << "experts,top_k,batch,tokens_per_second,dense_batch,"
          "dense_tokens_per_second,relative,bta_tiles,bta_tokens_per_second,"
          "bta_relative,bta_gain\n";
    for (const Row &r : rows)
      os << llvm::format("%lld,%lld,%lld,%.6g,%lld,%.6g,%.4f,%lld,%.6g,%.4f,"
                         "%.4f\n",
                         (long long)r.point.experts, (long long)r.point.topK,
                         (long long)r.moe.batch, r.moe.tokensPerSecond,
                         (long long)r.dense.batch, r.dense.tokensPerSecond,
                         r.relative(), (long long)r.moe.bestTiles,
                         r.moe.bestTokensPerSecond, r.relativeBTA(), r.gain());
    return;
  }
  os << llvm::format("# machine %s: efficiency %.4g, wafer_half_batch %.4g; "
                     "seq_len %lld, %lld system(s), train\n",
                     m.name.c_str(), m.gemmEfficiency, m.waferHalfBatch,
                     (long long)seqLen.getValue(),
                     (long long)systems.getValue());
  os << "#   E  top_k  B_max   tokens/s   dense B   dense tok/s  relative"
        "   G*   BTA tok/s  BTA rel   gain\n";
  for (const Row &r : rows)
    os << llvm::format("%5lld  %5lld  %5lld  %9.0f  %8lld  %12.0f  %8.3f  "
                       "%4lld  %10.0f  %7.3f  %5.2f\n",
                       (long long)r.point.experts, (long long)r.point.topK,
                       (long long)r.moe.batch, r.moe.tokensPerSecond,
                       (long long)r.dense.batch, r.dense.tokensPerSecond,
                       r.relative(), (long long)r.moe.bestTiles,
                       r.moe.bestTokensPerSecond, r.relativeBTA(), r.gain());
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::moe::installOutputErrorHandler("moe-wse-sweep");
  cl::HideUnrelatedOptions(sweepOptions);
  cl::ParseCommandLineOptions(
      argc, argv,
      "moe-wse-sweep: MoE sparsity sweeps with and without batch tiling on "
      "attention on wafer-scale systems\n");

  DialectRegistry registry;
  registry.insert<MoEDialect, wse::WSEDialect, arith::ArithDialect, DLTIDialect,
                  func::FuncDialect, linalg::LinalgDialect,
                  tensor::TensorDialect>();
  registerUpstreamCostModels(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  llvm::SourceMgr sourceMgr;
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(configFile);
  if (!buffer) {
    llvm::errs() << "error: cannot read '" << configFile
                 << "': " << buffer.getError().message() << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &ctx);
  FailureOr<ModelSpec> spec = parseHFConfig(sourceMgr, &ctx);
  if (failed(spec))
    return 1;
  if (spec->moe.numExperts <= 0) {
    llvm::errs() << "error: '" << configFile << "' is not a MoE model\n";
    return 1;
  }

  llvm::Expected<MachineModel> machine = getMachinePreset(machineName);
  if (!machine) {
    llvm::errs() << "error: " << llvm::toString(machine.takeError()) << "\n";
    return 1;
  }
  if (!machine->isWafer()) {
    llvm::errs() << "error: machine '" << machineName
                 << "' is not a wafer-scale system\n";
    return 1;
  }
  if (efficiency > 0)
    setEfficiency(*machine, efficiency);
  if (halfBatch >= 0)
    machine->waferHalfBatch = halfBatch;
  // Each numeric option checked on its own and named in the error.
  std::optional<std::string> optionError;
  for (auto [name, value, min] :
       {std::make_tuple("seq-len", seqLen.getValue(), int64_t(1)),
        std::make_tuple("systems", systems.getValue(), int64_t(1)),
        std::make_tuple("max-tiles", maxTiles.getValue(), int64_t(1)),
        std::make_tuple("num-layers", numLayers.getValue(), int64_t(0)),
        std::make_tuple("experts", fixedExperts.getValue(), int64_t(1)),
        std::make_tuple("top-k", fixedTopK.getValue(), int64_t(1))})
    if (!optionError)
      optionError = describeCountError(name, value, min);
  for (int64_t value : values)
    if (!optionError)
      optionError = describeCountError("values", value, 1);
  if (!optionError)
    optionError = describeRangeError("efficiency", efficiency, 0, 1);
  if (!optionError)
    optionError = describeRangeError("wafer-half-batch", halfBatch, -1);
  if (!optionError)
    optionError = describeRangeError("fit", fitTarget, 0);
  if (!optionError)
    optionError = describeRangeError("fit-bta", fitBTA, 0);
  if (optionError) {
    llvm::errs() << "moe-wse-sweep: error: --" << *optionError << "\n";
    return 1;
  }

  SmallVector<int64_t> sweepValues(values.begin(), values.end());
  if (sweepValues.empty())
    sweepValues = sweep == SweepKind::Experts
                      ? SmallVector<int64_t>{8, 16, 32, 64, 128}
                      : SmallVector<int64_t>{8, 4, 2, 1};
  SmallVector<Point> points;
  for (int64_t v : sweepValues) {
    Point p = sweep == SweepKind::Experts ? Point{v, fixedTopK}
                                          : Point{fixedExperts, v};
    if (p.topK < 1 || p.experts < p.topK) {
      llvm::errs() << "error: top_k (" << p.topK
                   << ") must be between 1 and the experts (" << p.experts
                   << ")\n";
      return 1;
    }
    points.push_back(p);
  }

  Sweeper sweeper(ctx, *spec, *machine);
  MachineModel &m = sweeper.getMachine();
  Point last = points.back();
  auto lastRow = [&]() -> FailureOr<Row> {
    FailureOr<std::vector<Row>> rows = runSweep(sweeper, {last});
    if (failed(rows))
      return failure();
    return rows->front();
  };
  // Lower efficiency makes compute, which bounds the dense baseline, slower,
  // so the relative throughput of an I/O-bound sparse point rises: bisect on
  // log(efficiency).
  auto fitEfficiency = [&]() -> LogicalResult {
    double lo = 1e-5, hi = 1.0;
    for (int i = 0; i < 40; ++i) {
      double mid = std::sqrt(lo * hi);
      setEfficiency(m, mid);
      FailureOr<Row> row = lastRow();
      if (failed(row))
        return failure();
      (row->relative() > fitTarget ? lo : hi) = mid;
    }
    setEfficiency(m, std::sqrt(lo * hi));
    return success();
  };
  if (fitTarget > 0) {
    if (fitBTA > 0) {
      // A larger half batch slows the dense baseline less than the tiled
      // sparse point (whose experts see more tokens), so the BTA point's
      // relative throughput falls as it grows: bisect on it, refitting the
      // efficiency at each step.
      double lo = 0, hi = 65536;
      // Each step refits the efficiency (tens of sweeps): say how far it is
      // on stderr, which the sweep's table does not share.
      constexpr int kSteps = 24;
      for (int i = 0; i < kSteps; ++i) {
        llvm::errs() << llvm::format(
            "\rmoe-wse-sweep: fitting wafer_half_batch, step %d of %d", i + 1,
            kSteps);
        double mid = i == 0 ? 0 : (lo + hi) / 2;
        m.waferHalfBatch = mid;
        if (failed(fitEfficiency()))
          return 1;
        FailureOr<Row> row = lastRow();
        if (failed(row))
          return 1;
        if (i == 0 && row->relativeBTA() <= fitBTA) {
          hi = 0;
          break;
        }
        if (i > 0)
          (row->relativeBTA() > fitBTA ? lo : hi) = mid;
      }
      llvm::errs() << "\n";
      m.waferHalfBatch = std::round((lo + hi) / 2);
    }
    if (failed(fitEfficiency()))
      return 1;
    llvm::outs() << llvm::format(
        "# fitted on E = %lld, top_k = %lld: efficiency %.4g (G = 1 at %.3f "
        "of dense)",
        (long long)last.experts, (long long)last.topK, m.gemmEfficiency,
        fitTarget.getValue());
    if (fitBTA > 0)
      llvm::outs() << llvm::format(", wafer_half_batch %.0f (best G at %.3f "
                                   "of dense)",
                                   m.waferHalfBatch, fitBTA.getValue());
    llvm::outs() << "\n";
  }

  FailureOr<std::vector<Row>> rows = runSweep(sweeper, points);
  if (failed(rows))
    return 1;
  printRows(*rows, sweeper.getMachine());
  return 0;
}
