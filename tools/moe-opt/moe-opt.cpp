//===- moe-opt.cpp - The moe optimizer driver -------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An mlir-opt for moe programs: the moe dialect, its passes and cost models,
// the upstream dialects MoE programs and their plans use, and the upstream
// general-purpose passes (canonicalize, cse, ...) to compose with.
//
// It is MlirOptMain with two guards around it. Upstream `shard` accepts a
// grid with a zero-sized axis and then divides by it while verifying the
// collectives on that grid, so the input is first parsed without
// verification and such grids are reported (moe::verifyDeviceGrids). And the
// output file is checked once written, so a full disk is an error naming it.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/InitAllMoE.h"
#include "moe/Support/Output.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/ToolUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace {

/// Parses each chunk of `input` without verifying it and reports grids with
/// a zero-sized axis before upstream verifiers divide by them. Chunks that
/// do not parse are left to MlirOptMain, which reports them as usual.
LogicalResult checkGrids(const llvm::MemoryBuffer &input,
                         DialectRegistry &registry,
                         const MlirOptMainConfig &config) {
  if (!input.getBuffer().contains("shard.grid"))
    return success();
  std::string ignored;
  llvm::raw_string_ostream sink(ignored);
  auto checkChunk = [&](std::unique_ptr<llvm::MemoryBuffer> chunk,
                        const llvm::MemoryBufferRef &source,
                        raw_ostream &) -> LogicalResult {
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(source, /*RequiresNullTerminator=*/
                                         false),
        llvm::SMLoc());
    sourceMgr.AddNewSourceBuffer(std::move(chunk), llvm::SMLoc());
    MLIRContext context(registry, MLIRContext::Threading::DISABLED);
    context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());
    OwningOpRef<Operation *> op;
    {
      ScopedDiagnosticHandler quiet(&context,
                                    [](Diagnostic &) { return success(); });
      ParserConfig parserConfig(&context, /*verifyAfterParse=*/false);
      if (config.shouldUseExplicitModule())
        op = parseSourceFile(sourceMgr, parserConfig);
      else
        op = parseSourceFile<ModuleOp>(sourceMgr, parserConfig);
    }
    if (!op)
      return success();
    SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    return moe::verifyDeviceGrids(op.get());
  };
  return splitAndProcessBuffer(
      llvm::MemoryBuffer::getMemBuffer(input.getMemBufferRef(),
                                       /*RequiresNullTerminator=*/false),
      checkChunk, sink, config.inputSplitMarker(), config.outputSplitMarker());
}

/// The options of registered pass `entry`, as its textual pipeline lists
/// them.
std::vector<std::string> getPassOptions(const PassRegistryEntry &entry) {
  OpPassManager pm;
  std::vector<std::string> names;
  if (failed(
          entry.addToPipeline(pm, "", [](const Twine &) { return failure(); })))
    return names;
  for (Pass &pass : pm.getPasses()) {
    std::string text;
    llvm::raw_string_ostream os(text);
    pass.printAsTextualPipeline(os);
    // moe-cost{machine=h100-sxm phase=forward ...}: a name follows '{' or
    // ' ' and precedes '='.
    StringRef rest(text);
    size_t brace = rest.find('{');
    if (brace == StringRef::npos)
      continue;
    rest = rest.drop_front(brace + 1);
    while (!rest.empty()) {
      size_t eq = rest.find('=');
      if (eq == StringRef::npos)
        break;
      StringRef name = rest.take_front(eq).rtrim();
      name = name.substr(name.find_last_of(' ') + 1);
      if (!name.empty() && !llvm::is_contained(names, name.str()))
        names.push_back(name.str());
      size_t next = rest.find(' ', eq);
      if (next == StringRef::npos)
        break;
      rest = rest.drop_front(next + 1);
    }
  }
  return names;
}

/// Whether `key` is an option of pass `entry`, as its own parser decides
/// (the textual pipeline leaves out empty list options).
bool isPassOption(const PassRegistryEntry &entry, StringRef key) {
  OpPassManager pm;
  bool unknown = false;
  (void)entry.addToPipeline(pm, (key + "=").str(), [&](const Twine &message) {
    unknown = StringRef(message.str()).contains("no such option");
    return failure();
  });
  return !unknown;
}

/// A pass option that does not exist gets an error naming the pass, the
/// closest option and every valid one, instead of the option parser's bare
/// "no such option". Only `--pass=options` arguments are checked; the
/// parser handles the rest.
bool checkPassOptionNames(ArrayRef<char *> args) {
  for (StringRef arg : args) {
    if (!arg.consume_front("--") && !arg.consume_front("-"))
      continue;
    auto [passName, options] = arg.split('=');
    if (options.empty())
      continue;
    const PassInfo *info = PassInfo::lookup(passName);
    if (!info)
      continue;
    std::vector<std::string> valid = getPassOptions(*info);
    if (valid.empty())
      continue;
    // Option keys: words before '=' at depth 0 (values may hold braces
    // or quotes).
    int depth = 0;
    char quote = 0;
    size_t start = 0;
    options = options.trim("\"'");
    for (size_t i = 0; i <= options.size(); ++i) {
      char c = i < options.size() ? options[i] : ' ';
      if (quote) {
        if (c == quote)
          quote = 0;
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        continue;
      }
      if (c == '{')
        ++depth;
      if (c == '}')
        --depth;
      if (depth != 0 || c != ' ')
        continue;
      StringRef word = options.slice(start, i).trim();
      start = i + 1;
      if (word.empty())
        continue;
      StringRef key = word.split('=').first;
      if (llvm::is_contained(valid, key.str()) || isPassOption(*info, key))
        continue;
      std::string closest;
      unsigned best = ~0u;
      for (const std::string &name : valid) {
        unsigned d = key.edit_distance(name);
        if (d < best) {
          best = d;
          closest = name;
        }
      }
      llvm::errs() << "moe-opt: error: --" << passName << " has no option '"
                   << key << "'";
      if (best <= std::max<unsigned>(2, key.size() / 3))
        llvm::errs() << "; did you mean '" << closest << "'?";
      llvm::errs() << "\n  its options: ";
      llvm::interleaveComma(valid, llvm::errs());
      llvm::errs() << "\n  (moe-opt --help lists each with its meaning)\n";
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  moe::installOutputErrorHandler("moe-opt");
  registerTransformsPasses();
  moe::registerAllMoEPasses();

  DialectRegistry registry;
  moe::registerAllMoEDialects(registry);

  // Diagnostics name the op and its location; the IR dump MLIR attaches to
  // each ("see current operation: ...") is for compiler developers, so it is
  // off unless asked for: a later --mlir-print-op-on-diagnostic wins.
  SmallVector<char *> args(argv, argv + argc);
  static char noOpDump[] = "--mlir-print-op-on-diagnostic=false";
  args.insert(args.begin() + std::min(argc, 1), noOpDump);
  int argCount = static_cast<int>(args.size());
  char **argValues = args.data();
  auto [inputFilename, outputFilename] = registerAndParseCLIOptions(
      argCount, argValues,
      "moe-mlir optimizer driver: moe programs, plans and costs\n", registry);
  if (!checkPassOptionNames(ArrayRef<char *>(argValues, argCount).drop_front()))
    return EXIT_FAILURE;
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects()) {
    llvm::outs() << "Available Dialects: ";
    llvm::interleave(registry.getDialectNames(), llvm::outs(), ",");
    llvm::outs() << "\n";
    return EXIT_SUCCESS;
  }
  if (config.shouldListPasses()) {
    printRegisteredPasses();
    return EXIT_SUCCESS;
  }

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return EXIT_FAILURE;
  }
  if (failed(checkGrids(*input, registry, config)))
    return EXIT_FAILURE;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return EXIT_FAILURE;
  }
  if (failed(MlirOptMain(output->os(), std::move(input), registry, config)) ||
      failed(moe::checkWritten(output->os(), outputFilename, "moe-opt")))
    return EXIT_FAILURE;
  output->keep();
  return EXIT_SUCCESS;
}
