//===- WSEOps.h - wse dialect operations ------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_WSE_IR_WSEOPS_H
#define MOE_DIALECT_WSE_IR_WSEOPS_H

#include "moe/Dialect/WSE/IR/WSEDialect.h"
#include "moe/Interfaces/CostModelOpInterface.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::wse {
/// External weight memory (MemoryX): the optimizer step updates it.
struct MemoryXResource : public SideEffects::Resource::Base<MemoryXResource> {
  StringRef getName() final { return "MemoryX"; }
};
} // namespace mlir::wse

#define GET_OP_CLASSES
#include "moe/Dialect/WSE/IR/WSEOps.h.inc"

#endif // MOE_DIALECT_WSE_IR_WSEOPS_H
