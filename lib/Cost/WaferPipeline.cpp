//===- WaferPipeline.cpp - Weight streaming pipelined per layer -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/WaferPipeline.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moe;

double mlir::moe::waferAttentionScoreBytes(const Kernel &kernel) {
  return 2.0 * kernel.elemBytes * static_cast<double>(kernel.count) *
         static_cast<double>(kernel.m) * static_cast<double>(kernel.n);
}

namespace {

enum class Role { Compute, StreamIn, StreamOut };

Role getRole(const OpCost &cost) {
  if (cost.kernels.empty() || !llvm::all_of(cost.kernels, [](const Kernel &k) {
        return k.kind == KernelKind::WeightStream;
      }))
    return Role::Compute;
  return cost.kernels.front().backwardOnly ? Role::StreamOut : Role::StreamIn;
}

/// Per layer: seconds of compute and of I/O, by direction.
struct Layer {
  double computeForward = 0, computeBackward = 0;
  double inForward = 0, inBackward = 0, outBackward = 0;
  /// Which term is on the critical path.
  Role forwardCritical = Role::Compute, backwardCritical = Role::Compute;
};

void addBoundSeconds(KernelCost &into, const KernelCost &part) {
  for (unsigned i = 0; i < 6; ++i)
    into.boundSeconds[i] += part.boundSeconds[i];
}

} // namespace

void mlir::moe::pipelineWeightStreaming(
    llvm::MapVector<Operation *, OpCost> &opCosts) {
  llvm::StringMap<Layer> layers;
  std::string firstStreamed;
  bool any = false;
  for (auto &[op, cost] : opCosts) {
    std::string name = getLayerName(op);
    Layer &layer = layers[name];
    switch (getRole(cost)) {
    case Role::Compute:
      layer.computeForward += cost.forward.seconds;
      layer.computeBackward += cost.backward.seconds;
      break;
    case Role::StreamIn:
      layer.inForward += cost.forward.seconds;
      layer.inBackward += cost.backward.seconds;
      if (!any)
        firstStreamed = name;
      any = true;
      break;
    case Role::StreamOut:
      layer.outBackward += cost.backward.seconds;
      any = true;
      break;
    }
  }
  if (!any)
    return;

  for (auto &entry : layers) {
    Layer &l = entry.second;
    l.forwardCritical =
        l.inForward > l.computeForward ? Role::StreamIn : Role::Compute;
    double top = std::max({l.computeBackward, l.inBackward, l.outBackward});
    l.backwardCritical = l.computeBackward >= top ? Role::Compute
                         : l.inBackward >= top    ? Role::StreamIn
                                                  : Role::StreamOut;
  }

  for (auto &[op, cost] : opCosts) {
    std::string name = getLayerName(op);
    const Layer &layer = layers[name];
    Role role = getRole(cost);
    bool keepForward = role == layer.forwardCritical;
    bool keepBackward = role == layer.backwardCritical;
    // Fill: the first layer's weights arrive before anything computes;
    // drain: its gradients leave after the backward pass ends.
    bool fill = name == firstStreamed && role == Role::StreamIn;
    bool drain = name == firstStreamed && role == Role::StreamOut;

    KernelCost total = cost.forward;
    total += cost.backward;
    total += cost.optimizer;
    total.seconds = cost.optimizer.seconds;
    for (double &t : total.boundSeconds)
      t = 0;
    addBoundSeconds(total, cost.optimizer);
    if (keepForward || fill) {
      double times = (keepForward ? 1 : 0) + (fill ? 1 : 0);
      total.seconds += times * cost.forward.seconds;
      for (unsigned i = 0; i < 6; ++i)
        total.boundSeconds[i] += times * cost.forward.boundSeconds[i];
    }
    if (keepBackward || drain) {
      double times = (keepBackward ? 1 : 0) + (drain ? 1 : 0);
      total.seconds += times * cost.backward.seconds;
      for (unsigned i = 0; i < 6; ++i)
        total.boundSeconds[i] += times * cost.backward.boundSeconds[i];
    }
    // The bound is where the op's exposed time goes; a fully hidden op keeps
    // the bound of its own work.
    double top = 0;
    for (unsigned i = 0; i < 6; ++i)
      if (total.boundSeconds[i] > top) {
        top = total.boundSeconds[i];
        total.bound = static_cast<Bound>(i);
      }
    if (top == 0)
      total.bound = cost.total.bound;
    cost.total = total;
  }
}
