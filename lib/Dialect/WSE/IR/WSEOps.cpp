//===- WSEOps.cpp - wse dialect operations ----------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Verifiers check what ODS cannot: that gradients and optimizer steps refer
// to a streamed weight, and that batch tiles split rows evenly. Row counts
// are only compared when static.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/WSE/IR/WSEOps.h"

#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::wse;

//===----------------------------------------------------------------------===//
// StreamWeightsOp
//===----------------------------------------------------------------------===//

LogicalResult StreamWeightsOp::verify() {
  if (getWeight().getDefiningOp<StreamWeightsOp>())
    return emitOpError("streams a weight that is already on the wafer");
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceGradientsOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceGradientsOp::verify() {
  auto stream = getWeight().getDefiningOp<StreamWeightsOp>();
  if (!stream)
    return emitOpError("reduces the gradient of a value that "
                       "wse.stream_weights did not put on the wafer");
  if (stream.getSystems() != getSystems())
    return emitOpError() << "reduces over " << getSystems()
                         << " systems but the weight was streamed to "
                         << stream.getSystems();
  return success();
}

//===----------------------------------------------------------------------===//
// OptimizerStepOp
//===----------------------------------------------------------------------===//

LogicalResult OptimizerStepOp::verify() {
  if (getOptimizer() != "adamw" && getOptimizer() != "sgd")
    return emitOpError() << "unknown optimizer '" << getOptimizer()
                         << "' (expected adamw or sgd)";
  auto reduce = getGradient().getDefiningOp<ReduceGradientsOp>();
  if (!reduce)
    return emitOpError("gradient must come from wse.reduce_gradients");
  // The verifier of reduce_gradients guarantees the stream.
  auto stream = reduce.getWeight().getDefiningOp<StreamWeightsOp>();
  if (stream && stream.getWeight() != getWeight())
    return emitOpError("gradient belongs to a different weight");
  return success();
}

//===----------------------------------------------------------------------===//
// BatchTilesOp
//===----------------------------------------------------------------------===//

void BatchTilesOp::build(OpBuilder &builder, OperationState &state,
                         Type resultType, Value input, int64_t tiles) {
  state.addOperands(input);
  state.addAttribute(getTilesAttrName(state.name),
                     builder.getI64IntegerAttr(tiles));
  state.addTypes(resultType);
  Region *body = state.addRegion();
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(inputType.getShape());
  if (!ShapedType::isDynamic(shape[0]))
    shape[0] /= tiles;
  Block *block = new Block();
  block->addArgument(inputType.clone(shape), state.location);
  body->push_back(block);
}

RankedTensorType BatchTilesOp::getTileType() {
  RankedTensorType type = getInput().getType();
  SmallVector<int64_t> shape(type.getShape());
  if (!ShapedType::isDynamic(shape[0]))
    shape[0] /= getTiles();
  return type.clone(shape);
}

LogicalResult BatchTilesOp::verify() {
  int64_t rows = getInput().getType().getDimSize(0);
  int64_t resultRows = getResult().getType().getDimSize(0);
  int64_t tiles = getTiles();
  if (!ShapedType::isDynamic(rows) && rows % tiles != 0)
    return emitOpError() << "cannot split " << rows << " rows into " << tiles
                         << " equal tiles";
  if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(resultRows) &&
      rows != resultRows)
    return emitOpError() << "result has " << resultRows
                         << " rows but the input has " << rows;
  return success();
}

LogicalResult BatchTilesOp::verifyRegions() {
  Block &block = getBody().front();
  if (block.getNumArguments() != 1)
    return emitOpError() << "body must take one argument, the tile (has "
                         << block.getNumArguments() << ")";
  Type tileType = getTileType();
  if (block.getArgument(0).getType() != tileType)
    return emitOpError() << "tile argument is "
                         << block.getArgument(0).getType() << " but "
                         << getTiles() << " tiles of " << getInput().getType()
                         << " are " << tileType;
  auto yield = block.empty() ? YieldOp() : dyn_cast<YieldOp>(block.back());
  if (!yield)
    return emitOpError("body must end with wse.yield");
  RankedTensorType resultType = getResult().getType();
  SmallVector<int64_t> shape(resultType.getShape());
  if (!ShapedType::isDynamic(shape[0]))
    shape[0] /= getTiles();
  RankedTensorType expected = resultType.clone(shape);
  if (yield.getValue().getType() != expected)
    return yield.emitOpError()
           << "yields " << yield.getValue().getType() << " but " << getTiles()
           << " tiles of the result " << resultType << " are " << expected;
  return success();
}

#define GET_OP_CLASSES
#include "moe/Dialect/WSE/IR/WSEOps.cpp.inc"
