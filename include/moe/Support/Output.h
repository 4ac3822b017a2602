//===- Output.h - Output files checked by name ------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A file that cannot be written (a full disk, /dev/full, a closed pipe) is an
// error naming the file, from the passes that write reports and from every
// tool, instead of LLVM's anonymous "IO failure on output stream".
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SUPPORT_OUTPUT_H
#define MOE_SUPPORT_OUTPUT_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::moe {

/// Writes what `emit` prints to `path` ('-' is stdout); an error at `loc`
/// naming the file when it cannot be opened or written.
LogicalResult writeOutput(StringRef path, Location loc,
                          llvm::function_ref<void(llvm::raw_ostream &)> emit);

/// Flushes `os`, the stream of file `path`; when a write failed, prints
/// "TOOL: error: cannot write 'PATH': REASON", clears the error (so the
/// stream's destructor does not abort) and returns failure.
LogicalResult checkWritten(llvm::raw_fd_ostream &os, StringRef path,
                           StringRef tool);

/// Makes LLVM's fatal "IO failure on output stream" of a tool name the file:
/// the value of the tool's `-o` option, or standard output. Call first in
/// main.
void installOutputErrorHandler(StringRef tool);

} // namespace mlir::moe

#endif // MOE_SUPPORT_OUTPUT_H
