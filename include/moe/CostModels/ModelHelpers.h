//===- ModelHelpers.h - Shared pieces of external cost models ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COSTMODELS_MODELHELPERS_H
#define MOE_COSTMODELS_MODELHELPERS_H

#include "moe/Interfaces/CostModelOpInterface.h"

#include "mlir/IR/MLIRContext.h"

namespace mlir::moe {

/// Ops that only change metadata, or terminators: no kernels. Being costed
/// as free is a statement of the model, not a missing model.
template <typename OpTy>
struct FreeCostModel
    : CostModelOpInterface::ExternalModel<FreeCostModel<OpTy>, OpTy> {
  LogicalResult getKernels(Operation *, KernelList &) const {
    return success();
  }
  /// A view or a terminator keeps nothing for the backward pass: the ops
  /// that compute with its operands save what they need.
  double getSavedActivationBytes(Operation *) const { return 0; }
};

/// Element-wise on tensors: read every tensor operand, write every tensor
/// result, one FLOP per result element; free on scalars (registers) and for
/// constants.
template <typename OpTy>
struct ElementwiseCostModel
    : CostModelOpInterface::ExternalModel<ElementwiseCostModel<OpTy>, OpTy> {
  LogicalResult getKernels(Operation *op, KernelList &kernels) const {
    // Constants are materialised once, not per step.
    if (op->getNumOperands() == 0)
      return success();
    double bytes = 0, elements = 0;
    for (Value v : op->getOperands())
      bytes += tensorBytes(v);
    for (Value v : op->getResults()) {
      auto type = dyn_cast<ShapedType>(v.getType());
      if (!type)
        continue;
      if (!type.hasStaticShape())
        return failure();
      bytes += tensorBytes(v);
      elements += type.getNumElements();
    }
    if (bytes > 0)
      kernels.push_back(makeMemory("elementwise", bytes, elements,
                                   elementBytes(op->getResult(0).getType())));
    return success();
  }
};

/// Attaches `Model<Op>` to every op in `Ops`.
template <template <typename> class Model, typename... Ops>
void attachCostModels(MLIRContext *ctx) {
  (Ops::template attachInterface<Model<Ops>>(*ctx), ...);
}

} // namespace mlir::moe

#endif // MOE_COSTMODELS_MODELHELPERS_H
