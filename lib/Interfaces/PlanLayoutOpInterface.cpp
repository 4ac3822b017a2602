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

SmallVector<int64_t, 5> PlanDegrees::gridShape() const {
  SmallVector<int64_t, 5> shape = {dp, ep};
  if (splitsCp())
    shape.append({cp / foldCp, foldCp});
  else if (cp > 1)
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
  // dp and ep are always on the grid; cp takes one axis or two, tp one,
  // when above 1.
  switch (axis) {
  case PlanAxis::DP:
    return 0;
  case PlanAxis::EP:
    return 1;
  case PlanAxis::CP:
    return 2;
  case PlanAxis::TP:
    return 2 + (splitsCp() ? 2 : cp > 1 ? 1 : 0);
  }
  llvm_unreachable("unknown plan axis");
}

SmallVector<int16_t, 2> PlanDegrees::contextAxes() const {
  if (splitsCp())
    return {2, 3};
  return {gridAxis(PlanAxis::CP)};
}

SmallVector<int16_t, 5> PlanDegrees::tokenAxes() const {
  SmallVector<int16_t, 5> axes;
  for (int16_t i = 0, e = gridShape().size(); i < e; ++i)
    axes.push_back(i);
  return axes;
}

SmallVector<int16_t, 3> PlanDegrees::expertAxes() const {
  SmallVector<int16_t, 3> axes = {gridAxis(PlanAxis::EP)};
  if (!fold)
    return axes;
  // The inner cp axis when foldCp splits it, else the whole cp axis.
  if (cp > 1)
    axes.push_back(contextAxes().back());
  if (tp > 1 && !splitsExperts())
    axes.push_back(gridAxis(PlanAxis::TP));
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
