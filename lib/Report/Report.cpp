//===- Report.cpp - Cost reports for people and scripts ---------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Report/Report.h"
#include "moe/Cost/Roofline.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Report/Timeline.h"
#include "moe/Support/OpLocation.h"

#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moe;

/// Elements of every weight (`moe.param`, each name once) times the devices
/// its `moe.split_axes` splits it over on the plan's grid.
static double countModelParams(ModuleOp module) {
  SmallVector<int64_t> grid;
  module.walk([&](shard::GridOp op) {
    if (grid.empty())
      grid.assign(op.getShape().begin(), op.getShape().end());
  });
  llvm::StringSet<> seen;
  double total = 0;
  for (auto func : module.getOps<FunctionOpInterface>())
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      auto name = func.getArgAttrOfType<StringAttr>(
          i, MoEDialect::ParamAttrHelper::getNameStr());
      auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[i]);
      if (!name || !type || !type.hasStaticShape() ||
          !seen.insert(name.getValue()).second)
        continue;
      double count = static_cast<double>(type.getNumElements());
      if (auto split = func.getArgAttrOfType<shard::GridAxesArrayAttr>(
              i, MoEDialect::SplitAxesAttrHelper::getNameStr()))
        for (shard::GridAxesAttr axes : split.getAxes())
          for (int16_t axis : axes.asArrayRef())
            if (axis >= 0 && static_cast<size_t>(axis) < grid.size() &&
                grid[axis] > 0)
              count *= static_cast<double>(grid[axis]);
      total += count;
    }
  return total;
}

FailureOr<Report> mlir::moe::collectReport(ModuleOp module) {
  Report report;
  report.summary = module->getAttrOfType<CostSummaryAttr>(
      MoEDialect::CostSummaryAttrHelper::getNameStr());
  if (!report.summary)
    return emitError(module.getLoc())
           << "no cost annotations: run --moe-cost before --moe-cost-report";
  report.plan = getPlan(module);
  // A program that names no weights (moe.param) is its own model.
  report.modelParams = countModelParams(module);
  if (report.modelParams == 0)
    report.modelParams = report.summary.getParams();

  llvm::StringMap<size_t> layerIndex;
  llvm::StringMap<BoundSeconds> layerBoundTime;
  module.walk([&](Operation *op) {
    if (auto attention = dyn_cast<AttentionOpInterface>(op))
      if (int64_t cached = attention.getCachedTokens();
          cached > report.servingContext) {
        report.servingContext = cached;
        report.servingSequences = attention.getSequenceCount();
        report.servingNewTokens = attention.getSequenceLength();
      }
    auto cost =
        op->getAttrOfType<CostAttr>(MoEDialect::CostAttrHelper::getNameStr());
    if (!cost)
      return;
    ReportRow row;
    row.op = op->getName().getStringRef().str();
    row.loc = formatLocation(op->getLoc());
    row.layer = getLayerName(op);
    row.flops = cost.getFlops();
    row.bytes = cost.getBytes();
    row.network = cost.getNetwork();
    row.seconds = cost.getSeconds();
    row.bound = cost.getBound();
    row.forward = row.seconds;
    if (auto timing = op->getAttrOfType<TimingAttr>(
            MoEDialect::TimingAttrHelper::getNameStr())) {
      row.role = timing.getRole();
      row.forward = timing.getForward();
      row.backward = timing.getBackward();
      row.recompute = timing.getRecompute();
      row.sync = timing.getSync();
      row.optimizer = timing.getOptimizer();
      row.exposed = timing.getExposed();
      row.stage = timing.getStage();
      row.chunk = timing.getChunk();
      row.transfer = timing.getTransfer();
    }
    row.expertExchange =
        isa<shard::AllToAllOp>(op) && isExpertBuffer(op->getOperand(0));
    if (row.role != OpRole::Compute) {
      row.group = row.op;
      if (auto axes = op->getAttrOfType<DenseI16ArrayAttr>("grid_axes")) {
        row.group += " (grid axes";
        for (int16_t axis : axes.asArrayRef())
          row.group += " " + std::to_string(axis);
        row.group += ")";
      }
    }
    report.ops.push_back(row);

    auto [it, inserted] =
        layerIndex.try_emplace(row.layer, report.layers.size());
    if (inserted) {
      ReportRow layer;
      layer.op = "layer";
      layer.layer = layer.loc = row.layer;
      report.layers.push_back(layer);
    }
    ReportRow &layer = report.layers[it->second];
    layer.flops += row.flops;
    layer.bytes += row.bytes;
    layer.network += row.network;
    layer.seconds += row.seconds;
    layerBoundTime[row.layer][row.bound] += row.seconds;
  });
  // A layer is bound by whatever bounds most of its time.
  for (ReportRow &layer : report.layers) {
    layer.bound = layerBoundTime[layer.layer].dominant();
  }
  report.timeline = std::make_shared<const Timeline>(buildTimeline(report));
  return report;
}

namespace {

/// A table of rows under a header; the name column widens to the longest
/// name so that the figures stay aligned.
class Table {
public:
  explicit Table(StringRef what) : what(what.str()) {}
  void add(std::string name, const ReportRow &row, double total) {
    rows.push_back({std::move(name), row, total});
  }
  void write(llvm::raw_ostream &os) const {
    int width = static_cast<int>(what.size());
    for (const Line &line : rows)
      width = std::max(width, static_cast<int>(line.name.size()));
    width = std::max(width, 34);
    os << llvm::format("  %-*s %12s %7s %13s %12s %10s  %s\n", width,
                       what.c_str(), "time", "share", "compute", "memory",
                       "network", "bound");
    for (const Line &line : rows) {
      const ReportRow &row = line.row;
      double share = line.total > 0 ? 100 * row.seconds / line.total : 0;
      double achieved = row.seconds > 0 ? row.flops / row.seconds : 0;
      double bandwidth = row.seconds > 0 ? row.bytes / row.seconds : 0;
      os << llvm::format("  %-*s %12s %6.1f%% %13s %12s %10s  %s\n", width,
                         line.name.c_str(), formatSeconds(row.seconds).c_str(),
                         share, formatScaled(achieved, "FLOP/s").c_str(),
                         formatScaled(bandwidth, "B/s").c_str(),
                         formatBytes(row.network).c_str(),
                         stringifyBound(row.bound).str().c_str());
    }
  }

private:
  struct Line {
    std::string name;
    ReportRow row;
    double total;
  };
  std::string what;
  std::vector<Line> rows;
};

} // namespace

void mlir::moe::writeTextReport(const Report &r, llvm::raw_ostream &os) {
  CostSummaryAttr s = r.summary;
  MemoryAttr mem = s.getMemory();
  int64_t devices = s.getDevices();
  os << "moe-mlir cost report: machine " << s.getMachine() << ", phase "
     << stringifyPhase(s.getPhase()) << ", " << devices
     << (devices == 1 ? " device" : " devices") << ", " << s.getTokens()
     << " tokens per step\n\n";
  if (r.plan) {
    SmallVector<std::pair<StringRef, int64_t>> planSettings;
    r.plan.getSettings(planSettings);
    std::string settings;
    for (const auto &[name, value] : planSettings)
      if (name != "devices" && name != "tokens")
        settings += (settings.empty() ? "" : " ") + name.str() + "=" +
                    std::to_string(value);
    os << llvm::format("  %-18s %s (%s)\n", "plan",
                       r.plan.getKindName().str().c_str(), settings.c_str());
  }
  if (s.getPipelineBubble() > 0) {
    int64_t chunks = r.plan ? r.plan.getPipeline().second : 1;
    os << llvm::format("  %-18s %s1F1B, %lld micro-batches: the last stage "
                       "to finish waits %.1f%% of the step (bubble)\n",
                       "pipeline", chunks > 1 ? "interleaved " : "",
                       static_cast<long long>(s.getMicroBatches()),
                       100 * s.getPipelineBubble());
  }
  if (s.getRoutingLoad() > 1)
    os << llvm::format("  %-18s skewed: the busiest expert-parallel rank "
                       "gets %.2fx a balanced share of the routed tokens and "
                       "sets its layer's pace\n",
                       "routing", s.getRoutingLoad());
  os << llvm::format("  %-18s %s\n", "step time",
                     formatSeconds(s.getSeconds()).c_str());
  if (r.servingContext > 0) {
    // Each sequence gains its new tokens once per step.
    double perToken = s.getSeconds() / static_cast<double>(r.servingNewTokens);
    os << llvm::format(
        "  %-18s %lld sequences per device, %lld new token%s each over %lld "
        "cached: %s per token, %s per user\n",
        r.servingNewTokens == 1 ? "decode step" : "serving step",
        static_cast<long long>(r.servingSequences),
        static_cast<long long>(r.servingNewTokens),
        r.servingNewTokens == 1 ? "" : "s",
        static_cast<long long>(r.servingContext),
        formatSeconds(perToken).c_str(),
        formatScaled(perToken > 0 ? 1 / perToken : 0, "tokens/s").c_str());
  }
  const Timeline &timeline = *r.timeline;
  if (timeline.hasBreakdown) {
    const StepBreakdown &b = timeline.breakdown;
    std::string parts;
    auto part = [&](StringRef name, double seconds) {
      if (seconds <= 0)
        return;
      parts += (parts.empty() ? "" : ", ") + name.str() + " " +
               formatSeconds(seconds) +
               llvm::formatv(" ({0:f1}%)",
                             100 * seconds / std::max(s.getSeconds(), 1e-300))
                   .str();
    };
    part("forward", b.forward);
    part("backward", b.backward);
    part("recompute", b.recompute);
    part("communication", b.communication);
    part("gradient sync", b.sync);
    part("optimizer", b.optimizer);
    part("pipeline bubble", b.bubble);
    if (!parts.empty())
      os << llvm::format("  %-18s %s\n", "time by phase", parts.c_str());
    if (b.hiddenCommunication > 0)
      os << llvm::format("  %-18s %s of collectives run beside compute\n",
                         "hidden",
                         formatSeconds(b.hiddenCommunication).c_str());
  }
  double rate = s.getTokensPerSecond();
  os << llvm::format("  %-18s %s (%s per device)\n", "throughput",
                     formatScaled(rate, "tokens/s").c_str(),
                     formatScaled(rate / devices, "tokens/s").c_str());
  os << llvm::format("  %-18s %s (model %s), MFU %.1f%% of %s\n", "FLOPs",
                     formatScaled(s.getFlops(), "FLOP").c_str(),
                     formatScaled(s.getModelFlops(), "FLOP").c_str(),
                     100 * s.getMFU(),
                     formatScaled(s.getPeakFlops(), "FLOP/s").c_str());
  os << llvm::format("  %-18s %s memory, %s network\n", "traffic",
                     formatBytes(s.getBytes()).c_str(),
                     formatBytes(s.getNetworkBytes()).c_str());
  std::string kvCache;
  if (mem.getKvCache() > 0)
    kvCache = ", KV cache " + formatBytes(mem.getKvCache());
  os << llvm::format("  %-18s %s of %s (weights %s, gradients %s, optimizer "
                     "%s, activations %s%s)\n",
                     "memory/device", formatBytes(mem.getTotal()).c_str(),
                     formatBytes(mem.getCapacity()).c_str(),
                     formatBytes(mem.getWeights()).c_str(),
                     formatBytes(mem.getGradients()).c_str(),
                     formatBytes(mem.getOptimizer()).c_str(),
                     formatBytes(mem.getActivations()).c_str(),
                     kvCache.c_str());
  // The costed program is one replica of the plan: every pipeline stage's
  // layers, each sharded over the other degrees.
  int64_t stages = r.plan ? r.plan.getPipeline().first : 1;
  std::string model = formatScaled(r.modelParams, "") + " in the model, ";
  if (stages > 1)
    os << llvm::format("  %-18s %s%s over a replica's %lld stages (%s per "
                       "device), %s active per token\n",
                       "parameters", model.c_str(),
                       formatScaled(s.getParams(), "").c_str(),
                       static_cast<long long>(stages),
                       formatScaled(s.getParams() / stages, "").c_str(),
                       formatScaled(s.getActiveParams(), "").c_str());
  else
    os << llvm::format("  %-18s %s%s per device, %s active per token\n",
                       "parameters", model.c_str(),
                       formatScaled(s.getParams(), "").c_str(),
                       formatScaled(s.getActiveParams(), "").c_str());

  // Runs of identical layers (same figures and bound) print as one row with
  // the figures of one layer and the share of the whole run.
  // Shares are of the step; with pipeline stages, of the work all stages
  // do (the stages run at once, so their times add up to more than a step).
  double shareTotal = s.getSeconds();
  if (s.getPipelineBubble() > 0) {
    shareTotal = 0;
    for (const ReportRow &layer : r.layers)
      shareTotal += layer.seconds;
  }
  os << "\nper layer\n";
  if (s.getPipelineBubble() > 0)
    os << "  (pipeline stages run at once: these times are the work of every "
          "stage and add up to more than the step; shares are of that work)\n";
  Table layers("layer");
  auto same = [](const ReportRow &a, const ReportRow &b) {
    return a.seconds == b.seconds && a.flops == b.flops && a.bytes == b.bytes &&
           a.network == b.network && a.bound == b.bound;
  };
  for (size_t i = 0; i < r.layers.size();) {
    size_t j = i + 1;
    while (j < r.layers.size() && same(r.layers[i], r.layers[j]))
      ++j;
    const ReportRow &layer = r.layers[i];
    if (layer.seconds == 0 && layer.flops == 0 && layer.bytes == 0) {
      i = j; // a function's terminator: nothing to show
      continue;
    }
    if (j - i == 1) {
      layers.add(layer.layer, layer, shareTotal);
    } else {
      std::string name = layer.layer + " .. " + r.layers[j - 1].layer + " (" +
                         std::to_string(j - i) + "x, each)";
      layers.add(std::move(name), layer,
                 shareTotal / static_cast<double>(j - i));
    }
    i = j;
  }
  layers.write(os);

  // The ten most expensive ops say where the time goes. Identical ops (the
  // same op with the same figures, as in identical layers) fold into one
  // row: the first one's location, how many, and their total.
  struct Folded {
    ReportRow total;
    const ReportRow *first;
    size_t count = 0;
  };
  std::vector<Folded> folded;
  for (const ReportRow &row : r.ops) {
    auto it = llvm::find_if(folded, [&](const Folded &f) {
      return f.first->op == row.op && same(*f.first, row);
    });
    if (it == folded.end()) {
      folded.push_back({row, &row, 1});
      continue;
    }
    it->total.seconds += row.seconds;
    it->total.flops += row.flops;
    it->total.bytes += row.bytes;
    it->total.network += row.network;
    ++it->count;
  }
  std::stable_sort(folded.begin(), folded.end(),
                   [](const Folded &a, const Folded &b) {
                     return a.total.seconds > b.total.seconds;
                   });
  os << "\ntop ops by time\n";
  Table top("op @ location");
  for (size_t i = 0; i < std::min<size_t>(10, folded.size()); ++i) {
    const Folded &f = folded[i];
    std::string name = f.first->op + " @ " + f.first->loc;
    if (f.count > 1)
      name += " (+" + std::to_string(f.count - 1) + " identical)";
    top.add(std::move(name), f.total, shareTotal);
  }
  top.write(os);
}

void mlir::moe::writeJSONReport(const Report &r, llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  auto rowFields = [&](const ReportRow &row) {
    j.attribute("flops", row.flops);
    j.attribute("bytes", row.bytes);
    j.attribute("network_bytes", row.network);
    j.attribute("seconds", row.seconds);
    j.attribute("bound", stringifyBound(row.bound));
  };
  CostSummaryAttr s = r.summary;
  MemoryAttr mem = s.getMemory();
  j.object([&] {
    j.attribute("machine", s.getMachine());
    j.attribute("phase", stringifyPhase(s.getPhase()));
    j.attribute("tokens", s.getTokens());
    j.attribute("devices", s.getDevices());
    if (r.plan)
      j.attributeObject("plan", [&] {
        j.attribute("kind", r.plan.getKindName());
        SmallVector<std::pair<StringRef, int64_t>> settings;
        r.plan.getSettings(settings);
        for (const auto &[name, value] : settings)
          j.attribute(name, value);
      });
    j.attributeObject("total", [&] {
      j.attribute("seconds", s.getSeconds());
      j.attribute("flops", s.getFlops());
      j.attribute("model_flops", s.getModelFlops());
      j.attribute("bytes", s.getBytes());
      j.attribute("network_bytes", s.getNetworkBytes());
      j.attribute("tokens_per_second", s.getTokensPerSecond());
      j.attribute("mfu", s.getMFU());
      j.attribute("memory_bytes_per_device", mem.getTotal());
      j.attribute("pipeline_bubble", s.getPipelineBubble());
      j.attribute("routing_load", s.getRoutingLoad());
    });
    // Where the step's time goes on its critical path; adds up to
    // total.seconds.
    const Timeline &timeline = *r.timeline;
    if (timeline.hasBreakdown)
      j.attributeObject("breakdown", [&] {
        const StepBreakdown &b = timeline.breakdown;
        j.attribute("forward", b.forward);
        j.attribute("backward", b.backward);
        j.attribute("recompute", b.recompute);
        j.attribute("communication", b.communication);
        j.attribute("gradient_sync", b.sync);
        j.attribute("optimizer", b.optimizer);
        j.attribute("pipeline_bubble", b.bubble);
        j.attribute("hidden_communication", b.hiddenCommunication);
      });
    if (r.servingContext > 0)
      j.attributeObject("serving", [&] {
        double perToken =
            s.getSeconds() / static_cast<double>(r.servingNewTokens);
        j.attribute("sequences_per_device", r.servingSequences);
        j.attribute("new_tokens_per_sequence", r.servingNewTokens);
        j.attribute("cached_tokens_per_sequence", r.servingContext);
        j.attribute("seconds_per_token", perToken);
        j.attribute("tokens_per_second_per_user",
                    perToken > 0 ? 1 / perToken : 0);
      });
    j.attributeObject("memory", [&] {
      j.attribute("weights", mem.getWeights());
      j.attribute("gradients", mem.getGradients());
      j.attribute("optimizer", mem.getOptimizer());
      j.attribute("activations", mem.getActivations());
      j.attribute("kv_cache", mem.getKvCache());
      j.attribute("total", mem.getTotal());
      j.attribute("capacity", mem.getCapacity());
    });
    j.attributeObject("params", [&] {
      j.attribute("model", r.modelParams);
      j.attribute("total", s.getParams());
      j.attribute("active", s.getActiveParams());
    });
    j.attributeArray("layers", [&] {
      for (const ReportRow &layer : r.layers)
        j.object([&] {
          j.attribute("layer", layer.layer);
          rowFields(layer);
        });
    });
    j.attributeArray("ops", [&] {
      for (const ReportRow &row : r.ops)
        j.object([&] {
          j.attribute("op", row.op);
          j.attribute("loc", row.loc);
          j.attribute("layer", row.layer);
          rowFields(row);
          // Where its time falls in the step (seconds before overlap).
          j.attributeObject("timing", [&] {
            j.attribute("role", stringifyOpRole(row.role));
            j.attribute("forward", row.forward);
            j.attribute("backward", row.backward);
            j.attribute("recompute", row.recompute);
            j.attribute("sync", row.sync);
            j.attribute("optimizer", row.optimizer);
            j.attribute("exposed", row.exposed);
            j.attribute("stage", row.stage);
            j.attribute("chunk", row.chunk);
          });
        });
    });
  });
  os << "\n";
}

namespace {
/// Quotes a CSV field when it holds a separator, quote or newline.
std::string csvField(StringRef field) {
  if (field.find_first_of(",\"\n") == StringRef::npos)
    return field.str();
  std::string out = "\"";
  for (char c : field) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}
} // namespace

void mlir::moe::writeCSVReport(const Report &r, llvm::raw_ostream &os) {
  os << "op,loc,layer,flops,bytes,network_bytes,seconds,bound\n";
  for (const ReportRow &row : r.ops)
    os << csvField(row.op) << "," << csvField(row.loc) << ","
       << csvField(row.layer) << "," << llvm::format("%.9g", row.flops) << ","
       << llvm::format("%.9g", row.bytes) << ","
       << llvm::format("%.9g", row.network) << ","
       << llvm::format("%.9g", row.seconds) << "," << stringifyBound(row.bound)
       << "\n";
}

void mlir::moe::writeChromeTrace(const Report &r, llvm::raw_ostream &os) {
  const Timeline &timeline = *r.timeline;
  llvm::json::OStream j(os, 1);
  auto metadata = [&](StringRef what, std::optional<int> tid,
                      llvm::function_ref<void()> args) {
    j.object([&] {
      j.attribute("name", what);
      j.attribute("ph", "M");
      j.attribute("pid", 1);
      if (tid)
        j.attribute("tid", *tid);
      j.attributeObject("args", args);
    });
  };
  j.object([&] {
    j.attribute("displayTimeUnit", "ms");
    j.attributeObject("otherData", [&] {
      j.attribute("step_seconds", r.summary.getSeconds());
      j.attribute("micro_batches", r.summary.getMicroBatches());
      std::string detail;
      for (int64_t mb : timeline.detailedMicroBatches)
        detail += (detail.empty() ? "" : " ") + std::to_string(mb + 1);
      j.attribute("micro_batches_drawn_op_by_op", detail);
    });
    j.attributeArray("traceEvents", [&] {
      metadata("process_name", std::nullopt, [&] {
        j.attribute("name", (r.summary.getMachine() + " (" +
                             stringifyPhase(r.summary.getPhase()) + ")")
                                .str());
      });
      for (auto [index, track] : llvm::enumerate(timeline.tracks)) {
        int tid = static_cast<int>(index) + 1;
        metadata("thread_name", tid, [&] { j.attribute("name", track); });
        metadata("thread_sort_index", tid,
                 [&] { j.attribute("sort_index", tid); });
      }
      for (const TimelineEvent &event : timeline.events)
        j.object([&] {
          j.attribute("name", event.name);
          j.attribute("cat", stringifyTimelinePhase(event.phase));
          j.attribute("ph", "X");
          j.attribute("pid", 1);
          j.attribute("tid", static_cast<int64_t>(event.track) + 1);
          j.attribute("ts", event.start * 1e6);
          j.attribute("dur", event.duration * 1e6);
          j.attributeObject("args", [&] {
            if (event.microBatch >= 0)
              j.attribute("micro_batch", event.microBatch + 1);
            if (event.chunk > 0)
              j.attribute("chunk", event.chunk + 1);
            if (event.op < 0)
              return;
            const ReportRow &row = r.ops[event.op];
            j.attribute("loc", row.loc);
            j.attribute("layer", row.layer);
            j.attribute("bound", stringifyBound(row.bound));
            if (row.role != OpRole::Compute)
              j.attribute("exposed_seconds", event.exposed);
          });
        });
    });
  });
  os << "\n";
}
