//===- WSEDialect.h - The wse plan dialect ----------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_WSE_IR_WSEDIALECT_H
#define MOE_DIALECT_WSE_IR_WSEDIALECT_H

#include "mlir/IR/Dialect.h"

#include "moe/Dialect/WSE/IR/WSEDialect.h.inc"

#endif // MOE_DIALECT_WSE_IR_WSEDIALECT_H
