//===- WSEDialect.cpp - The wse plan dialect --------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/WSE/IR/WSEDialect.h"
#include "moe/Dialect/WSE/IR/WSEOps.h"

using namespace mlir;
using namespace mlir::wse;

#include "moe/Dialect/WSE/IR/WSEDialect.cpp.inc"

void WSEDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "moe/Dialect/WSE/IR/WSEOps.cpp.inc"
      >();
}
