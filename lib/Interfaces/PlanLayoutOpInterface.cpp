//===- PlanLayoutOpInterface.cpp - How a plan lays out an op ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Interfaces/PlanLayoutOpInterface.h"

using namespace mlir;
using namespace mlir::moe;

#include "moe/Interfaces/PlanLayoutOpInterface.cpp.inc"

SmallVector<int64_t, 4> PlanDegrees::gridShape() const {
  SmallVector<int64_t, 4> shape = {dp, ep};
  if (cp > 1)
    shape.push_back(cp);
  if (tp > 1)
    shape.push_back(tp);
  return shape;
}

int64_t PlanDegrees::size(PlanAxis axis) const {
  switch (axis) {
  case PlanAxis::DP:
    return dp;
  case PlanAxis::EP:
    return ep;
  case PlanAxis::CP:
    return cp;
  case PlanAxis::TP:
    return tp;
  }
  llvm_unreachable("unknown plan axis");
}

int16_t PlanDegrees::gridAxis(PlanAxis axis) const {
  // Axes of degree 1 other than dp and ep are left off the grid.
  int16_t index = 0;
  for (PlanAxis a : {PlanAxis::DP, PlanAxis::EP, PlanAxis::CP}) {
    if (a == axis)
      return index;
    if (a == PlanAxis::DP || a == PlanAxis::EP || size(a) > 1)
      ++index;
  }
  return index;
}

SmallVector<int16_t, 4> PlanDegrees::tokenAxes() const {
  SmallVector<int16_t, 4> axes;
  for (int16_t i = 0, e = gridShape().size(); i < e; ++i)
    axes.push_back(i);
  return axes;
}

SmallVector<int16_t, 3> PlanDegrees::expertAxes() const {
  SmallVector<int16_t, 3> axes = {gridAxis(PlanAxis::EP)};
  if (!fold)
    return axes;
  for (PlanAxis a : {PlanAxis::CP, PlanAxis::TP})
    if (size(a) > 1)
      axes.push_back(gridAxis(a));
  return axes;
}

std::pair<int64_t, int64_t> mlir::moe::getGroup(ArrayRef<int64_t> shape,
                                                ArrayRef<int16_t> axes) {
  int64_t size = 1, stride = 1;
  int16_t last = -1;
  for (int16_t axis : axes) {
    size *= shape[axis];
    last = std::max(last, axis);
  }
  for (size_t i = last + 1; i < shape.size(); ++i)
    stride *= shape[i];
  return {size, stride};
}

LocalShape mlir::moe::divideDim(ArrayRef<int64_t> shape, unsigned dim,
                                int64_t factor) {
  LocalShape result(shape);
  result[dim] /= factor;
  return result;
}

LocalShape mlir::moe::multiplyDim(ArrayRef<int64_t> shape, unsigned dim,
                                  int64_t factor) {
  LocalShape result(shape);
  result[dim] *= factor;
  return result;
}

bool PlanLayoutState::isToken(Value value) const {
  auto tensor = dyn_cast<RankedTensorType>(value.getType());
  return tensor && tensor.getRank() >= 1 && tensor.getDimSize(0) == tokens &&
         !weights.contains(value);
}

LocalShape PlanLayoutState::defaultShape(Value value) const {
  auto tensor = dyn_cast<RankedTensorType>(value.getType());
  if (!tensor)
    return {};
  LocalShape shape(tensor.getShape());
  if (isToken(value))
    shape[0] = localTokens;
  return shape;
}

LocalShape PlanLayoutState::shape(Value value) const {
  auto it = shapes.find(value);
  return it != shapes.end() ? it->second : defaultShape(value);
}
