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
// abort_on_error: a report ends in SIGABRT, which `not` in lit tests counts as
// a crash, rather than in exit code 1, which it would take for an error.
extern "C" LLVM_ATTRIBUTE_USED const char *__asan_default_options() {
  return "allow_user_poisoning=0:abort_on_error=1";
}
// Our sanitizer builds pair UBSan with ASan (scripts/sanitize.sh).
extern "C" LLVM_ATTRIBUTE_USED const char *__ubsan_default_options() {
  return "print_stacktrace=1:abort_on_error=1";
}
#endif
