//===- PipelineSchedule.cpp - Pipeline-parallel step time -----------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/PipelineSchedule.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/bit.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moe;

namespace {

struct ScheduledOp {
  bool backward = false;
  int64_t microBatch = 0, chunk = 0;
  /// The model chunk of the slot it is merged with (the other direction),
  /// or -1.
  int64_t pairedChunk = -1;
};

/// Each stage's slots in the order it runs them.
std::vector<std::vector<ScheduledOp>>
getStageOrders(int64_t p, int64_t v, int64_t m, bool train, bool merge) {
  int64_t total = m * v;
  // Forwards of (micro-batch, chunk): groups of p micro-batches, each group
  // through every chunk; backwards in the same order, chunks reversed.
  std::vector<std::pair<int64_t, int64_t>> sequence;
  sequence.reserve(total);
  for (int64_t first = 0; first < m; first += p)
    for (int64_t c = 0; c < v; ++c)
      for (int64_t i = 0; i < std::min(p, m - first); ++i)
        sequence.push_back({first + i, c});
  std::vector<std::vector<ScheduledOp>> orders(p);
  for (int64_t s = 0; s < p; ++s) {
    std::vector<ScheduledOp> &order = orders[s];
    order.reserve(train ? 2 * total : total);
    auto forward = [&](int64_t k) {
      order.push_back({false, sequence[k].first, sequence[k].second});
    };
    auto backward = [&](int64_t k) {
      order.push_back({true, sequence[k].first, v - 1 - sequence[k].second});
    };
    if (!train) {
      for (int64_t k = 0; k < total; ++k)
        forward(k);
      continue;
    }
    // Warm-up forwards, then one forward and one backward in turn, then the
    // cool-down backwards (Megatron-Core's warm-up counts).
    // Merging a forward with a backward of another micro-batch needs one
    // more forward in flight.
    int64_t warmUp = v == 1 ? p - s - 1 : (p - s - 1) * 2 + (v - 1) * p;
    warmUp = std::min(warmUp + (merge ? 1 : 0), total);
    int64_t f = 0, b = 0;
    for (; f < warmUp; ++f)
      forward(f);
    for (; f < total; ++f, ++b) {
      forward(f);
      backward(b);
      if (merge) {
        ScheduledOp &fwd = order[order.size() - 2], &bwd = order.back();
        fwd.pairedChunk = bwd.chunk;
        bwd.pairedChunk = fwd.chunk;
      }
    }
    for (; b < total; ++b)
      backward(b);
  }
  return orders;
}

} // namespace

std::vector<PipelineSlot>
mlir::moe::runPipelineSchedule(const PipelineWork &work) {
  int64_t p = std::max<int64_t>(1, work.stages);
  int64_t v = std::max<int64_t>(1, work.chunks);
  int64_t m = std::max<int64_t>(1, work.microBatches);
  std::vector<std::vector<ScheduledOp>> orders =
      getStageOrders(p, v, m, work.train, work.overlapExchanges);

  // When each slot ended (-1: not yet run).
  std::vector<double> done(2 * p * v * m, -1);
  auto key = [&](bool backward, int64_t s, int64_t c, int64_t mb) {
    return ((static_cast<int64_t>(backward) * p + s) * v + c) * m + mb;
  };
  auto fill = [&](int64_t s) {
    return static_cast<size_t>(s) < work.fill.size() ? work.fill[s] : 0.0;
  };
  // The slot `op` of stage `s` waits for (-1: none), and the transfer on
  // that edge: the first micro-batch's activation in the fill, the last
  // one's gradient in the drain.
  auto dependency = [&](int64_t s, const ScheduledOp &op, double &lag) {
    lag = 0;
    if (!op.backward) {
      if (s > 0) {
        if (op.microBatch == 0 && op.chunk == 0)
          lag = fill(s);
        return key(false, s - 1, op.chunk, op.microBatch);
      }
      return op.chunk > 0 ? key(false, p - 1, op.chunk - 1, op.microBatch)
                          : int64_t(-1);
    }
    if (s < p - 1) {
      if (op.microBatch == m - 1 && op.chunk == 0)
        lag = fill(s + 1);
      return key(true, s + 1, op.chunk, op.microBatch);
    }
    return op.chunk < v - 1 ? key(true, 0, op.chunk + 1, op.microBatch)
                            : key(false, p - 1, v - 1, op.microBatch);
  };
  auto ready = [&](int64_t s, const ScheduledOp &op, double freeAt,
                   double &start) {
    double lag;
    int64_t dep = dependency(s, op, lag);
    if (dep >= 0 && done[dep] < 0)
      return false;
    start = std::max(freeAt, dep >= 0 ? done[dep] + lag : 0.0);
    return true;
  };

  std::vector<PipelineSlot> slots;
  size_t remaining = 0;
  for (const auto &order : orders)
    remaining += order.size();
  slots.reserve(remaining);
  std::vector<size_t> next(p, 0);
  std::vector<double> freeAt(p, 0);
  auto at = [](const std::vector<double> &seconds, int64_t index) {
    return static_cast<size_t>(index) < seconds.size() ? seconds[index] : 0.0;
  };
  auto run = [&](int64_t s, double start) {
    const ScheduledOp &op = orders[s][next[s]++];
    int64_t index = s * v + op.chunk;
    double duration = at(op.backward ? work.backward : work.forward, index);
    double exposed = 1;
    if (op.pairedChunk >= 0) {
      // A merged pair: its all-to-alls (a) run while its compute (c) does;
      // of the lesser, the overlap efficiency hides. The rest stays
      // exposed, shared pro rata.
      int64_t other = s * v + op.pairedChunk;
      const auto &ownExchange =
          op.backward ? work.backwardExchange : work.forwardExchange;
      const auto &otherExchange =
          op.backward ? work.forwardExchange : work.backwardExchange;
      double a = at(ownExchange, index), pa = at(otherExchange, other);
      double c = duration - a;
      double pc = at(op.backward ? work.forward : work.backward, other) - pa;
      double exchange = a + pa, compute = std::max(0.0, c + pc);
      if (exchange > 0)
        exposed =
            1 - work.overlapEfficiency * std::min(exchange, compute) / exchange;
      duration = c + a * exposed;
    }
    PipelineSlot slot{s,     op.chunk,         op.microBatch, op.backward,
                      start, start + duration, exposed};
    done[key(op.backward, s, op.chunk, op.microBatch)] = slot.end;
    freeAt[s] = slot.end;
    slots.push_back(slot);
    --remaining;
  };
  while (remaining > 0) {
    bool progress = false;
    for (int64_t s = 0; s < p; ++s) {
      double start;
      while (next[s] < orders[s].size() &&
             ready(s, orders[s][next[s]], freeAt[s], start)) {
        run(s, start);
        progress = true;
      }
    }
    if (progress)
      continue;
    // Every stage waits on another (interleaving with a partial group of
    // micro-batches): the first ready slot later in a stage's order runs
    // next, on the stage where it starts earliest.
    int64_t bestStage = -1;
    size_t bestIndex = 0;
    double bestStart = 0;
    for (int64_t s = 0; s < p; ++s)
      for (size_t i = next[s]; i < orders[s].size(); ++i) {
        double start;
        if (!ready(s, orders[s][i], freeAt[s], start))
          continue;
        if (bestStage < 0 || start < bestStart) {
          bestStage = s;
          bestIndex = i;
          bestStart = start;
        }
        break;
      }
    if (bestStage < 0)
      break; // unreachable: the slots' dependencies form no cycle
    auto &order = orders[bestStage];
    std::rotate(order.begin() + next[bestStage], order.begin() + bestIndex,
                order.begin() + bestIndex + 1);
    run(bestStage, bestStart);
  }
  return slots;
}

PipelineSpan mlir::moe::getPipelineSpan(const PipelineWork &work) {
  int64_t stages = std::max<int64_t>(1, work.stages);
  PipelineSpan span{std::vector<double>(stages, 0),
                    std::vector<double>(stages, 0)};
  for (const PipelineSlot &slot : runPipelineSchedule(work)) {
    span.end[slot.stage] = std::max(span.end[slot.stage], slot.end);
    span.busy[slot.stage] += slot.end - slot.start;
  }
  return span;
}

const PipelineSpan &PipelineScheduleCache::getSpan(const PipelineWork &work) {
  auto bits = [](double value) { return llvm::bit_cast<int64_t>(value); };
  std::vector<int64_t> key = {work.stages,
                              work.chunks,
                              work.microBatches,
                              work.train ? 1 : 0,
                              work.overlapExchanges ? 1 : 0,
                              bits(work.overlapEfficiency)};
  for (const std::vector<double> *figures :
       {&work.forward, &work.backward, &work.fill, &work.forwardExchange,
        &work.backwardExchange}) {
    key.push_back(static_cast<int64_t>(figures->size()));
    for (double figure : *figures)
      key.push_back(bits(figure));
  }
  auto it = spans.find(key);
  if (it == spans.end())
    it = spans.emplace(std::move(key), getPipelineSpan(work)).first;
  return it->second;
}

FailureOr<PipelineResult> mlir::moe::schedulePipeline(
    MutableArrayRef<OpEntry> entries, ArrayRef<LayerRun> layers,
    const MachineModel &machine, const CostOptions &options,
    const StepShape &shape, Location loc) {
  int64_t stages = std::max<int64_t>(1, shape.stages);
  int64_t chunks = std::max<int64_t>(1, shape.virtualStages);
  int64_t virtualStages = stages * chunks;
  int64_t zeroStage = shape.zeroStage;
  int64_t decoderLayers = 0;
  for (const LayerRun &layer : layers)
    if (layer.decoder)
      decoderLayers += layer.count;
  if (stages > 1 && decoderLayers < stages)
    return emitError(loc) << "pp = " << stages
                          << " pipeline stages need at least as many "
                          << "decoder layers (named layers.N); the program "
                             "has "
                          << decoderLayers;

  // How many instances of each layer run each virtual stage holds: decoder
  // layers split evenly by position, the others in the first virtual stage
  // when they come before the first decoder layer and in the last one
  // otherwise.
  std::vector<SmallVector<double>> share(
      layers.size(), SmallVector<double>(virtualStages, 0.0));
  int64_t position = 0;
  bool pastFirstDecoder = false;
  for (auto [index, layer] : llvm::enumerate(layers)) {
    if (!layer.decoder) {
      share[index][pastFirstDecoder ? virtualStages - 1 : 0] = 1;
      continue;
    }
    pastFirstDecoder = true;
    for (int64_t i = 0; i < layer.count; ++i, ++position)
      share[index][position * virtualStages / decoderLayers] +=
          1.0 / static_cast<double>(layer.count);
  }

  // Per stage: once-per-step work (gradient sync, optimizer), weights,
  // saved activations; per virtual stage, a micro-batch's forward and
  // backward.
  struct Stage {
    /// Optimizer updates and gradient synchronisation, once per step, and
    /// the compute of one micro-batch's forward and backward (what an
    /// overlapped synchronisation hides behind).
    double perStep = 0, sync = 0, compute = 0, largestOpWeightBytes = 0;
    MemoryBreakdown state;
    double saved = 0, layerInputs = 0, largestLayer = 0;
    double inputBytes = -1;
  };
  bool train = options.phase == Phase::Train;
  auto m = static_cast<double>(options.microBatches);
  std::vector<Stage> perStage(stages);
  PipelineWork work;
  work.stages = stages;
  work.chunks = chunks;
  work.microBatches = options.microBatches;
  work.train = train;
  work.forward.assign(virtualStages, 0);
  work.backward.assign(virtualStages, 0);
  work.fill.assign(stages, 0);
  work.overlapExchanges = train && options.epOverlap;
  work.overlapEfficiency = machine.overlapEfficiency;
  work.forwardExchange.assign(virtualStages, 0);
  work.backwardExchange.assign(virtualStages, 0);
  for (OpEntry &entry : entries) {
    OpCost &cost = entry.cost;
    double most = 0;
    for (int64_t vs = 0; vs < virtualStages; ++vs) {
      double n = entry.instances * share[entry.stageLayer][vs];
      if (n == 0)
        continue;
      auto [i, chunk] = getStageAndChunk(vs, stages);
      if (n > most) {
        most = n;
        cost.stage = i;
        cost.chunk = chunk;
      }
      Stage &s = perStage[i];
      int64_t slot = i * chunks + chunk;
      if (entry.role == OpRole::GradSync) {
        s.sync += cost.total.seconds * n;
      } else {
        double forward = cost.forward.seconds * cost.exposed * n / m;
        double backward = cost.backward.seconds * cost.exposed * n / m;
        work.forward[slot] += forward;
        work.backward[slot] += backward;
        if (entry.role == OpRole::Compute)
          s.compute += forward + backward;
        if (entry.expertExchange) {
          work.forwardExchange[slot] += forward;
          work.backwardExchange[slot] += backward;
        }
        s.perStep += cost.optimizer.seconds * n;
        if (s.inputBytes < 0) {
          s.inputBytes = entry.inputBytes;
          // The activation entering each stage but the first crosses a
          // link once in the fill (and its gradient once in the drain); in
          // the steady state transfers hide behind compute.
          if (i > 0 && s.inputBytes > 0 && machine.interNodeBandwidth > 0) {
            work.fill[i] = machine.interNodeLatency +
                           s.inputBytes / machine.interNodeBandwidth;
            cost.transferIn = work.fill[i];
          }
        }
      }
      entry.addStateMemory(s.state, n, train);
      s.largestOpWeightBytes =
          std::max(s.largestOpWeightBytes, entry.readWeightBytes);
    }
  }
  for (auto [index, layer] : llvm::enumerate(layers))
    for (int64_t vs = 0; vs < virtualStages; ++vs) {
      double n = layer.count * share[index][vs];
      if (n == 0)
        continue;
      Stage &s = perStage[getStageAndChunk(vs, stages).first];
      s.layerInputs += layer.inputSavedBytes * n;
      s.saved += layer.savedBytes * n;
      s.largestLayer = std::max(s.largestLayer, layer.savedBytes);
    }

  PipelineResult result;
  PipelineSpan ownSpan;
  if (!options.scheduleCache)
    ownSpan = getPipelineSpan(work);
  const PipelineSpan &span =
      options.scheduleCache ? options.scheduleCache->getSpan(work) : ownSpan;
  const std::vector<double> &end = span.end, &busy = span.busy;
  // The fraction of each stage's gradient synchronisation left exposed.
  std::vector<double> syncExposed(stages, 1.0);
  double worstMemory = -1, criticalWork = 0;
  for (int64_t i = 0; i < stages; ++i) {
    Stage &s = perStage[i];
    // Overlapped synchronisation: each bucket's reduce-scatter runs beside
    // the rest of the last micro-batch's backward, ZeRO's parameter
    // all-gather beside the next step's first forward; together they hide
    // behind at most one micro-batch's compute on the stage.
    if (train && options.gradOverlap && s.sync > 0)
      syncExposed[i] = std::max(0.0, s.sync - s.compute) / s.sync;
    double perStep = s.perStep + s.sync * syncExposed[i];
    if (end[i] + perStep > result.seconds) {
      result.seconds = end[i] + perStep;
      criticalWork = busy[i] + perStep;
    }
    result.slowestStageSeconds =
        std::max(result.slowestStageSeconds, busy[i] / m);
    // 1F1B: stage i holds the activations of min(p - i, m) micro-batches.
    // Merging forwards with backwards adds one warm-up forward: one model
    // chunk's more with pipeline stages. On one stage the merged pair frees
    // the backward's layers as the forward fills its own: no more.
    double extra = work.overlapExchanges && stages > 1 ? 1.0 / chunks : 0.0;
    double inFlight = std::min<double>(stages - i + extra, m);
    MemoryBreakdown mem = s.state;
    // ZeRO-3 gathers the weights of the op that runs.
    if (zeroStage >= 3)
      mem.weights += s.largestOpWeightBytes;
    if (train) {
      mem.activations = options.recompute
                            ? s.layerInputs * inFlight + s.largestLayer
                            : s.saved * inFlight;
    }
    if (mem.total() > worstMemory) {
      worstMemory = mem.total();
      result.memory = mem;
    }
  }
  // Reports and the timeline show how much of each sync is exposed.
  for (OpEntry &entry : entries)
    if (entry.role == OpRole::GradSync && entry.cost.stage < stages) {
      double scale = syncExposed[entry.cost.stage];
      entry.cost.exposed *= scale;
      entry.cost.total.seconds *= scale;
      entry.cost.total.boundSeconds *= scale;
    }
  result.bubble =
      result.seconds > 0
          ? std::max(0.0, result.seconds - criticalWork) / result.seconds
          : 0;
  return result;
}
