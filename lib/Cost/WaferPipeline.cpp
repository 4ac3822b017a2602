//===- WaferPipeline.cpp - Weight streaming pipelined per layer -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/WaferPipeline.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moe;

double mlir::moe::waferAttentionScoreBytes(const Kernel &kernel) {
  return 2.0 * kernel.elemBytes * static_cast<double>(kernel.count) *
         static_cast<double>(kernel.m) * static_cast<double>(kernel.n);
}

namespace {

/// What the wafer does during a layer's time.
enum class Lane { Compute, StreamIn, StreamOut };

Lane getLane(OpRole role) {
  if (role == OpRole::StreamIn)
    return Lane::StreamIn;
  if (role == OpRole::StreamOut)
    return Lane::StreamOut;
  return Lane::Compute;
}

/// Per layer instance: seconds of compute and of I/O, by direction.
struct Layer {
  double computeForward = 0, computeBackward = 0;
  double inForward = 0, inBackward = 0, outBackward = 0;
  /// Which lane is on the critical path.
  Lane forwardCritical = Lane::Compute, backwardCritical = Lane::Compute;
};

} // namespace

void mlir::moe::pipelineWeightStreaming(MutableArrayRef<OpEntry> entries,
                                        ArrayRef<LayerRun> layers) {
  std::vector<Layer> perLayer(layers.size());
  std::optional<unsigned> firstStreamed;
  bool any = false;
  for (const OpEntry &entry : entries) {
    Layer &layer = perLayer[entry.layer];
    double n = entry.instances / static_cast<double>(layers[entry.layer].count);
    const OpCost &cost = entry.cost;
    switch (getLane(entry.role)) {
    case Lane::Compute:
      layer.computeForward += cost.forward.seconds * n;
      layer.computeBackward += cost.backward.seconds * n;
      break;
    case Lane::StreamIn:
      layer.inForward += cost.forward.seconds * n;
      layer.inBackward += cost.backward.seconds * n;
      if (!firstStreamed)
        firstStreamed = entry.layer;
      any = true;
      break;
    case Lane::StreamOut:
      layer.outBackward += cost.backward.seconds * n;
      any = true;
      break;
    }
  }
  if (!any)
    return;

  for (Layer &l : perLayer) {
    l.forwardCritical =
        l.inForward > l.computeForward ? Lane::StreamIn : Lane::Compute;
    double top = std::max({l.computeBackward, l.inBackward, l.outBackward});
    l.backwardCritical = l.computeBackward >= top ? Lane::Compute
                         : l.inBackward >= top    ? Lane::StreamIn
                                                  : Lane::StreamOut;
  }

  for (OpEntry &entry : entries) {
    OpCost &cost = entry.cost;
    const Layer &layer = perLayer[entry.layer];
    Lane lane = getLane(entry.role);
    bool keepForward = lane == layer.forwardCritical;
    bool keepBackward = lane == layer.backwardCritical;
    // Fill: the first layer's weights arrive before anything computes;
    // drain: its gradients leave after the backward pass ends. Once for
    // the whole step, not per instance of a run.
    bool first = firstStreamed && entry.layer == *firstStreamed;
    double once = 1.0 / entry.instances;
    double fill = first && lane == Lane::StreamIn ? once : 0;
    double drain = first && lane == Lane::StreamOut ? once : 0;

    KernelCost total = cost.forward;
    total += cost.backward;
    total += cost.optimizer;
    total.seconds = cost.optimizer.seconds;
    total.boundSeconds = cost.optimizer.boundSeconds;
    double forwardTimes = (keepForward ? 1 : 0) + fill;
    double backwardTimes = (keepBackward ? 1 : 0) + drain;
    if (forwardTimes > 0) {
      total.seconds += forwardTimes * cost.forward.seconds;
      BoundSeconds part = cost.forward.boundSeconds;
      part *= forwardTimes;
      total.boundSeconds += part;
    }
    if (backwardTimes > 0) {
      total.seconds += backwardTimes * cost.backward.seconds;
      BoundSeconds part = cost.backward.boundSeconds;
      part *= backwardTimes;
      total.boundSeconds += part;
    }
    // The bound is where the op's exposed time goes; a fully hidden op keeps
    // the bound of its own work.
    Bound dominant = total.boundSeconds.dominant();
    total.bound = dominant != Bound::none ? dominant : cost.total.bound;
    cost.total = total;
  }
}
