//===- PlanUtils.h - Shared helpers of the plan passes ----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Plans rewrite a whole-step program into what one device runs. Token
// tensors are recognised by their leading dimension: every non-weight tensor
// whose dim 0 is the program's token count T is a token tensor. Types are
// rewritten in place, so the ops stay the program's own ops.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TRANSFORMS_PLANUTILS_H
#define MOE_TRANSFORMS_PLANUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::moe {

/// `type` (a ranked tensor) with dimension `index` set to `size`.
RankedTensorType withDim(Type type, unsigned index, int64_t size);

/// A ranked tensor whose first dimension is `tokens`.
bool isTokenTensor(Type type, int64_t tokens);

/// Re-types every token tensor of `func` from `tokens` to `local` rows: the
/// non-weight entry-block arguments and every op result, re-plans each
/// `moe.dispatch`'s capacity for the tokens it now routes and gives each
/// `moe.experts` its (re-planned) buffer's shape. Shapes must be static.
/// `handle` sees each op first (outer ops before the ops they contain) and
/// returns true when it has re-typed the op itself. Refreshes the function type
/// at the end.
void retypeTokenTensors(FunctionOpInterface func, int64_t tokens, int64_t local,
                        llvm::function_ref<bool(Operation *)> handle = nullptr);

/// Marks argument (or result) `index` of `func` with `moe.split_axes`:
/// dimension `dim` is split over the grid axes `axes`.
void setSplit(FunctionOpInterface func, bool isResult, unsigned index,
              unsigned dim, ArrayRef<int16_t> axes);

/// Tensor parallelism with sequence parallelism over grid axis `axis` (of
/// `tp` GPUs) of the grid named `grid`, for a function whose token tensors
/// already have `local` rows: every moe.attention, moe.mla_attention and
/// moe.ffn on them runs on `1/tp` of its heads (attention) or columns (FFN),
/// between a shard.all_gather of the group's tokens and a
/// shard.reduce_scatter (sum) of the partial outputs. The sharded weights
/// must be arguments used by their op alone; each is re-typed and recorded
/// in `sharded` with the dimension it is split on. Errors: tp not dividing
/// the KV heads, heads or FFN columns; a weight that is not such an
/// argument.
LogicalResult applyTensorParallel(FunctionOpInterface func, StringRef grid,
                                  int16_t axis, int64_t tp, int64_t local,
                                  DenseMap<Value, unsigned> &sharded);

/// Marks the token tensors of `func` as split over `axes` along dimension 0:
/// the non-weight arguments and the results whose types before planning
/// (`argTypes`, `resultTypes`) were token tensors of `tokens` rows.
void markTokenSplits(FunctionOpInterface func, ArrayRef<Type> argTypes,
                     ArrayRef<Type> resultTypes, int64_t tokens,
                     ArrayRef<int16_t> axes);

/// Checks that every result of planned `func` is either a token tensor of
/// the program (split over the devices: `resultTypes`, the types before
/// planning, had `tokens` rows) or has kept its type (the same on every
/// device). Any other result, such as a returned dispatch buffer whose
/// capacity depends on how the tokens are split, has no value in the
/// program that the devices' values make up; it is an error naming `plan`.
LogicalResult checkPlannedResults(FunctionOpInterface func,
                                  ArrayRef<Type> resultTypes, int64_t tokens,
                                  StringRef plan);

/// Sets the function type from the entry block's arguments and the
/// terminator's operands.
void refreshFunctionType(FunctionOpInterface func);

} // namespace mlir::moe

#endif // MOE_TRANSFORMS_PLANUTILS_H
