//===- Timeline.cpp - The step as a timeline --------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Report/Timeline.h"
#include "moe/Cost/PipelineSchedule.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <map>

using namespace mlir;
using namespace mlir::moe;

StringRef mlir::moe::stringifyTimelinePhase(TimelinePhase phase) {
  switch (phase) {
  case TimelinePhase::Step:
    return "step";
  case TimelinePhase::Forward:
    return "forward";
  case TimelinePhase::Backward:
    return "backward";
  case TimelinePhase::Recompute:
    return "recompute";
  case TimelinePhase::Sync:
    return "gradient sync";
  case TimelinePhase::Optimizer:
    return "optimizer";
  case TimelinePhase::Transfer:
    return "transfer";
  }
  return "step";
}

namespace {

/// Op-level events a trace holds before it draws only the first and last
/// micro-batch op by op (about 25 MB of JSON).
constexpr double kMaxOpEvents = 100000;

/// One op's share of a pass: what it runs, for how long, and whether it is
/// a collective (on its group's track, compute waiting for its exposed
/// part).
struct Item {
  const ReportRow *row;
  TimelinePhase phase;
  double seconds;
  bool collective;
  /// The part of its time compute waits for.
  double criticalSeconds() const {
    return collective ? seconds * row->exposed : seconds;
  }
};

class TimelineBuilder {
public:
  explicit TimelineBuilder(const Report &report) : report(report) {}

  Timeline build();

private:
  unsigned getTrack(const std::string &name) {
    auto [it, inserted] = trackIndex.try_emplace(name, timeline.tracks.size());
    if (inserted)
      timeline.tracks.push_back(name);
    return it->second;
  }
  /// Lays `items` from `start` on `prefix`'s tracks; returns when compute
  /// may go on. Op events only when `detailed`; times into `into`.
  /// Expert all-to-alls wait `exchangeExposed` of their critical time (a
  /// merged pair of the overlap schedule).
  double lay(ArrayRef<Item> items, double start, const std::string &prefix,
             int64_t microBatch, int64_t chunk, bool detailed,
             StepBreakdown *into, double exchangeExposed = 1);
  /// A pass, slot or layer that holds ops.
  void addSpan(const std::string &name, unsigned track, TimelinePhase phase,
               double start, double end, int64_t microBatch, int64_t chunk) {
    if (end <= start)
      return;
    TimelineEvent event;
    event.name = name;
    event.track = track;
    event.phase = phase;
    event.start = start;
    event.duration = end - start;
    event.microBatch = microBatch;
    event.chunk = chunk;
    timeline.events.push_back(std::move(event));
  }
  /// Collectives end when compute resumes after waiting for them; those
  /// that hide start earlier, beside the compute before them. On each
  /// track they are packed back to front without overlapping, then pushed
  /// after time 0 (a track's collectives never take longer than the step,
  /// so they stay inside it).
  void placeCollectives();
  /// Creates `prefix`'s tracks in reading order (compute, each collective
  /// group of ops in `stage`, transfers, optimizer); unused ones are
  /// dropped at the end.
  void addTracks(const std::string &prefix, int64_t stage) {
    getTrack(prefix + "compute");
    for (const ReportRow &row : report.ops)
      if (row.role != OpRole::Compute && (stage < 0 || row.stage == stage))
        getTrack(prefix + row.group);
    getTrack(prefix + "receive");
    getTrack(prefix + "optimizer");
  }
  void dropUnusedTracks();

  std::vector<Item> forwardItems(int64_t stage, int64_t chunk) const;
  std::vector<Item> backwardItems(int64_t stage, int64_t chunk) const;
  void layStep();
  void layPipeline(int64_t stages, int64_t chunks);
  bool isDetailed(int64_t microBatch) const {
    return llvm::is_contained(timeline.detailedMicroBatches, microBatch);
  }
  void chooseDetail(double opEventsPerMicroBatch);

  const Report &report;
  Timeline timeline;
  llvm::StringMap<unsigned> trackIndex;
  struct Pending {
    size_t event;
    double end;
  };
  std::map<unsigned, std::vector<Pending>> pending;
  double microBatches = 1;
  bool train = false;
  /// Whether an op runs in the passes of `stage` and `chunk` (stage -1:
  /// any): gradient synchronisations run once per step, not in a pass.
  static bool inPass(const ReportRow &row, int64_t stage, int64_t chunk) {
    return row.role != OpRole::GradSync &&
           (stage < 0 || (row.stage == stage && row.chunk == chunk));
  }
};

double TimelineBuilder::lay(ArrayRef<Item> items, double start,
                            const std::string &prefix, int64_t microBatch,
                            int64_t chunk, bool detailed, StepBreakdown *into,
                            double exchangeExposed) {
  double t = start;
  unsigned compute = getTrack(prefix + "compute");
  std::string layer;
  double layerStart = t;
  TimelinePhase layerPhase = TimelinePhase::Step;
  auto closeLayer = [&] {
    if (!layer.empty())
      addSpan(layer, compute, layerPhase, layerStart, t, microBatch, chunk);
  };
  for (const Item &item : items) {
    if (item.seconds <= 0)
      continue;
    const ReportRow &row = *item.row;
    bool optimizer = item.phase == TimelinePhase::Optimizer;
    if (!optimizer && row.layer != layer) {
      closeLayer();
      layer = row.layer;
      layerStart = t;
      layerPhase = item.phase;
    }
    TimelineEvent event;
    event.name = row.op;
    event.phase = item.phase;
    event.duration = item.seconds;
    event.microBatch = microBatch;
    event.chunk = chunk;
    event.op = &row - report.ops.data();
    if (item.collective) {
      double stall =
          item.criticalSeconds() * (row.expertExchange ? exchangeExposed : 1.0);
      event.track = getTrack(prefix + row.group);
      event.exposed = stall;
      if (detailed) {
        pending[event.track].push_back({timeline.events.size(), t + stall});
        timeline.events.push_back(std::move(event));
      }
      t += stall;
      if (into) {
        (item.phase == TimelinePhase::Sync ? into->sync
                                           : into->communication) += stall;
        into->hiddenCommunication += item.seconds - stall;
      }
      continue;
    }
    event.track = optimizer ? getTrack(prefix + "optimizer") : compute;
    event.start = t;
    if (detailed)
      timeline.events.push_back(std::move(event));
    t += item.seconds;
    if (!into)
      continue;
    switch (item.phase) {
    case TimelinePhase::Forward:
      into->forward += item.seconds;
      break;
    case TimelinePhase::Backward:
      into->backward += item.seconds;
      break;
    case TimelinePhase::Recompute:
      into->recompute += item.seconds;
      break;
    case TimelinePhase::Sync:
      into->sync += item.seconds;
      break;
    case TimelinePhase::Optimizer:
      into->optimizer += item.seconds;
      break;
    default:
      break;
    }
  }
  closeLayer();
  return t;
}

void TimelineBuilder::placeCollectives() {
  for (auto &[track, list] : pending) {
    double next = timeline.span;
    for (Pending &p : llvm::reverse(list)) {
      TimelineEvent &event = timeline.events[p.event];
      double end = std::min(p.end, next);
      event.start = end - event.duration;
      next = event.start;
    }
    double previous = 0;
    for (Pending &p : list) {
      TimelineEvent &event = timeline.events[p.event];
      event.start = std::max(event.start, previous);
      previous = event.start + event.duration;
    }
  }
}

void TimelineBuilder::dropUnusedTracks() {
  std::vector<unsigned> used(timeline.tracks.size(), 0);
  for (const TimelineEvent &event : timeline.events)
    used[event.track] = 1;
  std::vector<std::string> tracks;
  std::vector<unsigned> index(timeline.tracks.size(), 0);
  for (auto [i, name] : llvm::enumerate(timeline.tracks))
    if (used[i]) {
      index[i] = tracks.size();
      tracks.push_back(name);
    }
  for (TimelineEvent &event : timeline.events)
    event.track = index[event.track];
  timeline.tracks = std::move(tracks);
}

std::vector<Item> TimelineBuilder::forwardItems(int64_t stage,
                                                int64_t chunk) const {
  std::vector<Item> items;
  for (const ReportRow &row : report.ops)
    if (inPass(row, stage, chunk))
      items.push_back({&row, TimelinePhase::Forward, row.forward / microBatches,
                       row.role != OpRole::Compute});
  return items;
}

std::vector<Item> TimelineBuilder::backwardItems(int64_t stage,
                                                 int64_t chunk) const {
  // Layers in reverse; in each, the recomputed forward, then the backward
  // of its ops in reverse.
  std::vector<Item> items;
  const std::vector<ReportRow> &ops = report.ops;
  size_t end = ops.size();
  while (end > 0) {
    size_t begin = end - 1;
    while (begin > 0 && ops[begin - 1].layer == ops[end - 1].layer)
      --begin;
    for (size_t i = begin; i < end; ++i)
      if (inPass(ops[i], stage, chunk))
        items.push_back({&ops[i], TimelinePhase::Recompute,
                         ops[i].recompute / microBatches,
                         ops[i].role != OpRole::Compute});
    for (size_t i = end; i > begin; --i)
      if (inPass(ops[i - 1], stage, chunk))
        items.push_back({&ops[i - 1], TimelinePhase::Backward,
                         ops[i - 1].backward / microBatches,
                         ops[i - 1].role != OpRole::Compute});
    end = begin;
  }
  return items;
}

void TimelineBuilder::chooseDetail(double opEventsPerMicroBatch) {
  auto m = static_cast<int64_t>(microBatches);
  if (opEventsPerMicroBatch * microBatches <= kMaxOpEvents) {
    for (int64_t i = 0; i < m; ++i)
      timeline.detailedMicroBatches.push_back(i);
    return;
  }
  timeline.detailedMicroBatches.push_back(0);
  if (m > 1)
    timeline.detailedMicroBatches.push_back(m - 1);
}

/// Once-per-step work of `stage` (-1: all): gradient synchronisation in
/// backward order, then the optimizer.
static std::vector<Item> perStepItems(const Report &report, int64_t stage) {
  std::vector<Item> items;
  for (const ReportRow &row : llvm::reverse(report.ops))
    if (row.sync > 0 && (stage < 0 || row.stage == stage))
      items.push_back(
          {&row, TimelinePhase::Sync, row.sync, row.role != OpRole::Compute});
  for (const ReportRow &row : report.ops)
    if (row.optimizer > 0 && (stage < 0 || row.stage == stage))
      items.push_back({&row, TimelinePhase::Optimizer, row.optimizer, false});
  return items;
}

void TimelineBuilder::layStep() {
  std::vector<Item> forward = forwardItems(-1, 0);
  std::vector<Item> backward =
      train ? backwardItems(-1, 0) : std::vector<Item>();
  chooseDetail(static_cast<double>(forward.size() + backward.size()));
  StepBreakdown &b = timeline.breakdown;
  addTracks("", -1);
  unsigned compute = getTrack("compute");
  double t = 0;
  for (int64_t mb = 0; mb < static_cast<int64_t>(microBatches); ++mb) {
    bool detailed = isDetailed(mb);
    std::string suffix = ", micro-batch " + std::to_string(mb + 1);
    double start = t;
    t = lay(forward, t, "", mb, 0, detailed, &b);
    addSpan("forward" + suffix, compute, TimelinePhase::Forward, start, t, mb,
            0);
    if (!train)
      continue;
    start = t;
    t = lay(backward, t, "", mb, 0, detailed, &b);
    addSpan("backward" + suffix, compute, TimelinePhase::Backward, start, t, mb,
            0);
  }
  t = lay(perStepItems(report, -1), t, "", -1, 0, true, &b);
  timeline.span = t;
}

void TimelineBuilder::layPipeline(int64_t stages, int64_t chunks) {
  PipelineWork work;
  work.stages = stages;
  work.chunks = chunks;
  work.microBatches = static_cast<int64_t>(microBatches);
  work.train = train;
  work.forward.assign(stages * chunks, 0);
  work.backward.assign(stages * chunks, 0);
  work.fill.assign(stages, 0);
  work.overlapExchanges = train && report.summary.getEpOverlap() > 0;
  work.overlapEfficiency = report.summary.getEpOverlap();
  work.forwardExchange.assign(stages * chunks, 0);
  work.backwardExchange.assign(stages * chunks, 0);
  std::vector<std::vector<Item>> forward(stages * chunks),
      backward(stages * chunks);
  double opEvents = 0;
  for (int64_t s = 0; s < stages; ++s)
    for (int64_t c = 0; c < chunks; ++c) {
      int64_t slot = s * chunks + c;
      forward[slot] = forwardItems(s, c);
      if (train)
        backward[slot] = backwardItems(s, c);
      for (const Item &item : forward[slot]) {
        work.forward[slot] += item.criticalSeconds();
        if (item.collective && item.row->expertExchange)
          work.forwardExchange[slot] += item.criticalSeconds();
      }
      for (const Item &item : backward[slot]) {
        work.backward[slot] += item.criticalSeconds();
        if (item.collective && item.row->expertExchange)
          work.backwardExchange[slot] += item.criticalSeconds();
      }
      opEvents +=
          static_cast<double>(forward[slot].size() + backward[slot].size());
    }
  for (const ReportRow &row : report.ops)
    if (row.transfer > 0 && row.stage < stages && work.fill[row.stage] == 0)
      work.fill[row.stage] = row.transfer;
  chooseDetail(opEvents);

  std::vector<PipelineSlot> slots = runPipelineSchedule(work);
  std::vector<double> end(stages, 0);
  for (const PipelineSlot &slot : slots)
    end[slot.stage] = std::max(end[slot.stage], slot.end);
  // The stage that ends the step: its times are the breakdown.
  std::vector<std::vector<Item>> perStep(stages);
  int64_t critical = 0;
  double finish = -1;
  for (int64_t s = 0; s < stages; ++s) {
    perStep[s] = perStepItems(report, s);
    double t = end[s];
    for (const Item &item : perStep[s])
      t += item.criticalSeconds();
    if (t > finish) {
      finish = t;
      critical = s;
    }
  }

  auto prefix = [](int64_t s) {
    return "stage " + std::to_string(s + 1) + " ";
  };
  for (int64_t s = 0; s < stages; ++s)
    addTracks(prefix(s), s);
  StepBreakdown &b = timeline.breakdown;
  for (const PipelineSlot &slot : slots) {
    int64_t index = slot.stage * chunks + slot.chunk;
    StepBreakdown *into = slot.stage == critical ? &b : nullptr;
    double stop =
        lay(slot.backward ? backward[index] : forward[index], slot.start,
            prefix(slot.stage), slot.microBatch, slot.chunk,
            isDetailed(slot.microBatch), into, slot.exchangeExposed);
    std::string name = std::string(slot.backward ? "backward" : "forward") +
                       ", micro-batch " + std::to_string(slot.microBatch + 1);
    if (chunks > 1)
      name += ", chunk " + std::to_string(slot.chunk + 1);
    addSpan(name, getTrack(prefix(slot.stage) + "compute"),
            slot.backward ? TimelinePhase::Backward : TimelinePhase::Forward,
            slot.start, stop, slot.microBatch, slot.chunk);
    // The first micro-batch's activation arriving from the previous
    // stage, and in the drain the last one's gradient leaving.
    bool fill = !slot.backward && slot.microBatch == 0 && slot.chunk == 0 &&
                slot.stage + 1 < stages && work.fill[slot.stage + 1] > 0;
    bool drain = slot.backward && slot.microBatch == work.microBatches - 1 &&
                 slot.chunk == 0 && slot.stage > 0 && work.fill[slot.stage] > 0;
    if (fill || drain) {
      int64_t to = fill ? slot.stage + 1 : slot.stage - 1;
      double seconds = work.fill[fill ? slot.stage + 1 : slot.stage];
      addSpan(fill ? "activation from stage " + std::to_string(slot.stage + 1)
                   : "gradient from stage " + std::to_string(slot.stage + 1),
              getTrack(prefix(to) + "receive"), TimelinePhase::Transfer,
              slot.end, slot.end + seconds, slot.microBatch, slot.chunk);
    }
  }
  for (int64_t s = 0; s < stages; ++s) {
    double t = lay(perStep[s], end[s], prefix(s), -1, 0, true,
                   s == critical ? &b : nullptr);
    timeline.span = std::max(timeline.span, t);
  }
  // What the stage that ends the step waits; a residue of rounding (a
  // one-stage schedule waits for nothing) is none.
  double wait = timeline.span - b.total();
  b.bubble = wait > 1e-9 * timeline.span ? wait : 0;
}

Timeline TimelineBuilder::build() {
  CostSummaryAttr s = report.summary;
  microBatches = static_cast<double>(std::max<int64_t>(1, s.getMicroBatches()));
  train = s.getPhase() == Phase::Train;
  bool wafer = report.plan && report.plan.isWafer();
  int64_t stages = 1, chunks = 1;
  if (report.plan && !wafer)
    std::tie(stages, chunks) = report.plan.getPipeline();
  if (wafer) {
    // Weight streaming overlaps compute inside each op's time: the ops run
    // end to end.
    unsigned track = getTrack("wafer");
    double t = 0;
    for (const ReportRow &row : report.ops) {
      if (row.seconds <= 0)
        continue;
      TimelineEvent event;
      event.name = row.op;
      event.track = track;
      event.start = t;
      event.duration = row.seconds;
      event.op = &row - report.ops.data();
      timeline.events.push_back(std::move(event));
      t += row.seconds;
    }
    timeline.span = t;
    return std::move(timeline);
  }
  timeline.hasBreakdown = true;
  // The overlap schedule merges micro-batches: a schedule on one stage too.
  if (stages > 1 || (train && s.getEpOverlap() > 0))
    layPipeline(stages, chunks);
  else
    layStep();
  placeCollectives();
  dropUnusedTracks();
  return std::move(timeline);
}

} // namespace

Timeline mlir::moe::buildTimeline(const Report &report) {
  return TimelineBuilder(report).build();
}
