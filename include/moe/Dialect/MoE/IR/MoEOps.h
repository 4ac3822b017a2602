//===- MoEOps.h - moe dialect operations ------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_IR_MOEOPS_H
#define MOE_DIALECT_MOE_IR_MOEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "moe/Dialect/MoE/IR/MoEDialect.h"
#include "moe/Interfaces/CostModelOpInterface.h"

#include "moe/Dialect/MoE/IR/MoEEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "moe/Dialect/MoE/IR/MoEAttrs.h.inc"

#define GET_OP_CLASSES
#include "moe/Dialect/MoE/IR/MoEOps.h.inc"

namespace mlir::moe {

/// True for activations whose FFN multiplies a gate projection into the up
/// projection (SwiGLU, GeGLU) and so needs a `gate` weight.
bool isGated(Activation activation);

/// Slots per expert for `tokens` tokens, `topK` choices and `experts`
/// experts at `capacityFactor`: ceil(f * T * k / E), guarded against
/// floating-point noise (1.1 * 100 = 110.00000000000001 must give 110). The
/// one rule moe.dispatch verifies and importers and plans size buffers by.
int64_t computeExpertCapacity(double capacityFactor, int64_t tokens,
                              int64_t topK, int64_t experts);

/// FLOPs per element of an activation (docs/CostModel.md): SiLU/GELU about
/// four, gated variants one more for the product, ReLU one.
double getActivationFlops(Activation activation);

/// Module attribute a plan pass leaves: a dictionary with the plan's kind,
/// its parallel degrees and `devices`, the number of devices that each run
/// the planned program.
constexpr llvm::StringLiteral kPlanAttrName = "moe.plan";

/// Argument and result attribute of a planned function: how the tensor of
/// the unplanned program is split over the plan's grid, a
/// `#shard<axisarray[...]>` in `shard.sharding`'s notation (entry `d` lists
/// the grid axes dimension `d` is split over; unmarked: replicated).
constexpr llvm::StringLiteral kSplitAxesAttrName = "moe.split_axes";

/// Tokens the program under `root` processes per step: the rows of the first
/// `moe.embedding`'s ids, else of the first `moe.router`'s input; 0 when
/// there is neither or the size is dynamic.
int64_t getProgramTokenCount(Operation *root);

} // namespace mlir::moe

#endif // MOE_DIALECT_MOE_IR_MOEOPS_H
