//===- WaferPipeline.h - Weight streaming pipelined per layer ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// On a wafer-scale engine with an explicit weight-streaming plan (wse ops),
// one layer's weights stream in while the previous layer computes, so a
// layer costs the larger of its compute and its weight I/O, not their sum.
// The formulas are in docs/CostModel.md, "Wafer-scale plans".
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_WAFERPIPELINE_H
#define MOE_COST_WAFERPIPELINE_H

#include "moe/Cost/CostTypes.h"

namespace mlir::moe {

/// Bytes an unfused attention core holds on a wafer: the scores and the
/// probabilities of every (sequence, head), `2 * b * count * queries * keys`
/// (Korthikanti et al. 2022 without dropout).
double waferAttentionScoreBytes(const Kernel &kernel);

/// Overlaps weight streaming with compute per layer: in the forward pass a
/// layer takes max(compute, weights in); in the backward pass max(compute,
/// weights in, gradients out), since gradients leave on the other direction
/// of the link. The smaller terms are hidden: their entries keep their FLOPs
/// and bytes but not their seconds. The first streamed layer's weights in
/// (pipeline fill) and its gradients out (drain, the last of the backward
/// pass) are exposed once more. Rewrites each entry's `cost.total`; does
/// nothing to a program without weight-stream ops.
void pipelineWeightStreaming(MutableArrayRef<OpEntry> entries,
                             ArrayRef<LayerRun> layers);

} // namespace mlir::moe

#endif // MOE_COST_WAFERPIPELINE_H
