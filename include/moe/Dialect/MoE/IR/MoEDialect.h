//===- MoEDialect.h - The moe dialect ---------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_IR_MOEDIALECT_H
#define MOE_DIALECT_MOE_IR_MOEDIALECT_H

#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/Dialect.h"
#include "moe/Dialect/MoE/IR/MoEAttrs.h"

#include "moe/Dialect/MoE/IR/MoEDialect.h.inc"

#endif // MOE_DIALECT_MOE_IR_MOEDIALECT_H
