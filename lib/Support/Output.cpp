//===- Output.cpp - Output files checked by name --------------------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Support/Output.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace {

std::string describe(StringRef path) {
  return path == "-" ? std::string("standard output") : "'" + path.str() + "'";
}

} // namespace

LogicalResult
mlir::moe::writeOutput(StringRef path, Location loc,
                       llvm::function_ref<void(llvm::raw_ostream &)> emit) {
  auto written = [&](llvm::raw_fd_ostream &os) -> LogicalResult {
    os.flush();
    if (std::error_code error = os.error()) {
      os.clear_error();
      return emitError(loc)
             << "cannot write " << describe(path) << ": " << error.message();
    }
    return success();
  };
  if (path == "-") {
    emit(llvm::outs());
    return written(llvm::outs());
  }
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file)
    return emitError(loc) << "cannot write '" << path << "': " << error;
  emit(file->os());
  if (failed(written(file->os())))
    return failure();
  file->keep();
  return success();
}

LogicalResult mlir::moe::checkWritten(llvm::raw_fd_ostream &os, StringRef path,
                                      StringRef tool) {
  os.flush();
  if (!os.has_error())
    return success();
  std::error_code error = os.error();
  os.clear_error();
  llvm::errs() << tool << ": error: cannot write " << describe(path) << ": "
               << error.message() << "\n";
  return failure();
}

void mlir::moe::installOutputErrorHandler(StringRef tool) {
  static std::string toolName;
  toolName = tool.str();
  llvm::install_fatal_error_handler([](void *, const char *reason, bool) {
    StringRef text(reason);
    if (!text.consume_front("IO failure on output stream: ")) {
      llvm::errs() << "LLVM ERROR: " << reason << "\n";
      return;
    }
    std::string path = "-";
    auto &options = llvm::cl::getRegisteredOptions();
    if (auto *output = options.lookup("o"))
      if (auto *opt = static_cast<llvm::cl::opt<std::string> *>(output))
        path = opt->getValue();
    llvm::errs() << toolName << ": error: cannot write " << describe(path)
                 << ": " << text << "\n";
  });
}
