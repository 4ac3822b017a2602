//===- SanitizerDefaults.cpp - Sanitizer options of the moe tools -*- C++ -*-//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Linked into every tool (and the fuzzer). In an ASan build of this project
// the MLIR/LLVM libraries stay uninstrumented: LLVM's headers poison
// BumpPtrAllocator slabs in our instrumented inline copies, and the library's
// own copies never unpoison them, which reads as use-after-poison inside
// MLIRContext. allow_user_poisoning=0 ignores that manual poisoning; every
// other ASan check stays on.
//
//===----------------------------------------------------------------------===//

#include "llvm/Support/Compiler.h"

#if LLVM_ADDRESS_SANITIZER_BUILD
extern "C" LLVM_ATTRIBUTE_USED const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}
#endif
