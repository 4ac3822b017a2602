//===- Timeline.h - The step as a timeline ----------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Lays a costed step out in time from the ops' `moe.timing`: forward and
// backward passes of every micro-batch in execution order, collectives on
// their own tracks beside the compute they overlap, gradient
// synchronisation and the optimizer after the backward pass, and with
// pipeline stages the schedule the step model ran (runPipelineSchedule),
// one set of tracks per stage. Its span is the step's time; the report's
// time breakdown and the Chrome trace are read from it.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_REPORT_TIMELINE_H
#define MOE_REPORT_TIMELINE_H

#include "moe/Report/Report.h"

#include <string>
#include <vector>

namespace mlir::moe {

/// What a stretch of a timeline does.
enum class TimelinePhase {
  Step,
  Forward,
  Backward,
  Recompute,
  Sync,
  Optimizer,
  Transfer
};
StringRef stringifyTimelinePhase(TimelinePhase phase);

struct TimelineEvent {
  std::string name;
  /// Index into Timeline::tracks.
  unsigned track = 0;
  TimelinePhase phase = TimelinePhase::Step;
  double start = 0, duration = 0;
  /// The micro-batch (-1: once per step) and model chunk.
  int64_t microBatch = -1, chunk = 0;
  /// The op it runs (an index into Report::ops); -1 for a pass, slot or
  /// layer that holds ops.
  int64_t op = -1;
  /// For a collective: the part on the critical path.
  double exposed = 0;
};

/// Where the step's time goes on its critical path (the stage that ends the
/// step): these add up to the step's time.
struct StepBreakdown {
  double forward = 0, backward = 0, recompute = 0;
  /// Collectives' time compute waits for, in the passes and in gradient
  /// synchronisation; and the time collectives run hidden behind compute.
  double communication = 0, sync = 0, hiddenCommunication = 0;
  double optimizer = 0;
  /// Pipeline stages: the critical stage's idle time (fill, drain and
  /// transfers).
  double bubble = 0;
  double total() const {
    return forward + backward + recompute + communication + sync + optimizer +
           bubble;
  }
};

struct Timeline {
  std::vector<std::string> tracks;
  std::vector<TimelineEvent> events;
  double span = 0;
  StepBreakdown breakdown;
  /// The micro-batches drawn op by op (all of them unless the trace would
  /// be too large; the others show passes and layers only).
  std::vector<int64_t> detailedMicroBatches;
  /// Whether the breakdown is known (the ops carry `moe.timing`, or the
  /// step is one forward pass); a wafer's step is its ops end to end.
  bool hasBreakdown = false;
};

/// The step of `report` laid out in time.
Timeline buildTimeline(const Report &report);

} // namespace mlir::moe

#endif // MOE_REPORT_TIMELINE_H
