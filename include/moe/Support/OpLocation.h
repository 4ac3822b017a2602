//===- OpLocation.h - Which layer an op belongs to --------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Ops carry their place in the model as name locations
// (`layers.3.mlp.experts`); costs, pipeline stages and reports group ops by
// the layer those names give.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SUPPORT_OPLOCATION_H
#define MOE_SUPPORT_OPLOCATION_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
class Operation;
namespace moe {

/// The layer an op belongs to, from its location: `layers.3` for a name
/// location `layers.3.mlp.experts`, the first name component otherwise,
/// and the enclosing function's name when the location has no name.
std::string getLayerName(Operation *op);
/// A location as a short string: `name`, or `file:line:col`.
std::string formatLocation(Location loc);

} // namespace moe
} // namespace mlir

#endif // MOE_SUPPORT_OPLOCATION_H
