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
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "moe/Dialect/MoE/IR/MoEDialect.h"
#include "moe/Interfaces/CostModelOpInterface.h"
#include "moe/Interfaces/PlanLayoutOpInterface.h"

#include "moe/Dialect/MoE/IR/MoEOpInterfaces.h.inc"

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
/// Nullopt when the capacity is not a count the project works with (a factor
/// that is not finite and positive, sizes that are not positive, or more
/// than kMaxCount slots).
std::optional<int64_t> computeExpertCapacity(double capacityFactor,
                                             int64_t tokens, int64_t topK,
                                             int64_t experts);

/// FLOPs per element of an activation (docs/CostModel.md): SiLU/GELU about
/// four, gated variants one more for the product, ReLU one.
double getActivationFlops(Activation activation);

/// The devices of a collective (or group) over `axes` of the `shard.grid`
/// `grid` that `op` sees, and the distance between consecutive members
/// (moe::getGroup). Fails when there is no such static grid or axis.
LogicalResult lookupGridGroup(Operation *op, FlatSymbolRefAttr grid,
                              ArrayRef<int16_t> axes, int64_t &size,
                              int64_t &stride);
/// The devices of `op`'s context-parallel group and their distance (1 and
/// 1 without one). Fails when its grid cannot be read.
LogicalResult getContextGroup(AttentionOpInterface op, int64_t &size,
                              int64_t &stride);
/// Checks `op`'s context-parallel group against its grid: the group exists
/// and its devices cut each sequence into two equal chunks apiece, and the
/// op's rows are whole shares of sequences.
LogicalResult verifyContextGroup(AttentionOpInterface op,
                                 SymbolTableCollection &tables);

/// The plan of `module` (its `moe.plan`), or null for an unplanned program.
PlanAttrInterface getPlan(Operation *module);

/// Checks every `shard.grid` under `root`: each static axis holds at least
/// one device and the grid at most kMaxCount. Upstream `shard` accepts a
/// zero-sized axis, then divides by it (collective verifiers, simulation);
/// every tool and pass that reads grids calls this first.
LogicalResult verifyDeviceGrids(Operation *root);

/// The share of a collective's buffer that it moves: for an all-to-all (or,
/// under expert tensor parallelism, an all-gather or reduce-scatter) of
/// an expert buffer that comes from a dropless `moe.dispatch` (through
/// collectives, casts and `moe.experts`), the slots that hold routed tokens,
/// `T * top_k / (E * T)`, since a dropless buffer has a slot for every token
/// at every expert; 1 otherwise (a capacity-factor dispatch pads every
/// expert's slots, and they all move). The cost model of `shard` ops and the
/// plan search's estimate both apply it.
/// The share of `buffer`'s slots that hold routed tokens: below 1 for a
/// dropless expert buffer (sized for the worst case, filled to T x top_k
/// slots), 1 for everything else. Serving engines and dropless training
/// allocate what is routed, so memory counts this share too.
double getRoutedShare(Value buffer);

/// Whether `buffer` is tokens on their way to the experts: a moe.dispatch
/// result not yet through moe.experts (what FP8 recipes send in FP8).
bool isDispatchExchange(Value buffer);
/// Whether `buffer` is an expert buffer a moe.dispatch filled, before or
/// after moe.experts: an all-to-all of it is an expert exchange.
bool isExpertBuffer(Value buffer);

/// The collective `kind` of `buffer` (of local shape `inputShape`,
/// `inputBytes` in, `resultBytes` out) over a group: the one rule the cost
/// model of `shard` ops and the plan search's estimate both use for what
/// moves (getMovedShare) and whether it is a dispatch exchange.
Kernel makeExchange(CollectiveKind kind, Value buffer,
                    ArrayRef<int64_t> inputShape, double inputBytes,
                    double resultBytes, int64_t groupSize, int64_t groupStride,
                    bool gradientSync);
double getMovedShare(CollectiveKind kind, Value buffer);

/// True for function arguments carrying `moe.param`, and for copies of them
/// made by ops with the `WeightCopy` trait (a weight streamed to a wafer).
bool isParameter(Value value);
/// True for a value defined by a `WeightCopy` op: a weight whose transfer is
/// explicit in the program, so the ops reading it do not stream it again.
bool isWeightCopy(Value value);
/// The `moe.param` name of argument `index` of `func`, or null.
StringAttr getParamName(Operation *func, unsigned index);

/// Tokens the program under `root` processes per step: the rows of the first
/// `moe.embedding`'s ids, else of the first `moe.router`'s input; 0 when
/// there is neither or the size is dynamic.
int64_t getProgramTokenCount(Operation *root);

} // namespace mlir::moe

#endif // MOE_DIALECT_MOE_IR_MOEOPS_H
