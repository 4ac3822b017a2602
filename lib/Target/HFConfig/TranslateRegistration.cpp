//===- TranslateRegistration.cpp - --import-hf-config -----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// This file registers the `--import-hf-config` translation with
// mlir-translate's registry, together with the command-line options that
// shape the imported program (sequence length, batch, layers, dtype,
// capacity factor) and `--print-param-count`.
//
//===----------------------------------------------------------------------===//

#include "moe/Target/HFConfig/HFConfig.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

enum class ServingPhase { prefill, decode };

/// The options, created on registration so they show in --help only in the
/// tools that register this translation.
struct ImportOptions {
  llvm::cl::OptionCategory category{"--import-hf-config options"};
  llvm::cl::opt<int64_t> seqLen{
      "seq-len", llvm::cl::desc("Tokens per sequence (default 4096)"),
      llvm::cl::init(4096), llvm::cl::cat(category)};
  llvm::cl::opt<int64_t> batch{"batch",
                               llvm::cl::desc("Sequences per step (default 1)"),
                               llvm::cl::init(1), llvm::cl::cat(category)};
  llvm::cl::opt<int64_t> numLayers{
      "num-layers",
      llvm::cl::desc("Keep only the first N decoder layers (default all)"),
      llvm::cl::cat(category)};
  llvm::cl::opt<ImportDType> dtype{
      "dtype", llvm::cl::desc("Element type of weights and activations"),
      llvm::cl::values(clEnumValN(ImportDType::bf16, "bf16", "bfloat16"),
                       clEnumValN(ImportDType::f16, "f16", "float16"),
                       clEnumValN(ImportDType::f32, "f32", "float32")),
      llvm::cl::init(ImportDType::bf16), llvm::cl::cat(category)};
  llvm::cl::opt<double> capacityFactor{
      "capacity-factor",
      llvm::cl::desc("Expert capacity factor (default 1.25; 0 = dropless)"),
      llvm::cl::init(1.25), llvm::cl::cat(category)};
  llvm::cl::opt<ServingPhase> phase{
      "phase", llvm::cl::desc("Which step of the model to emit"),
      llvm::cl::values(
          clEnumValN(ServingPhase::prefill, "prefill",
                     "Whole sequences of --seq-len tokens (training, or a "
                     "serving prefill); with --context, a chunk of a "
                     "prefill after that many cached tokens"),
          clEnumValN(ServingPhase::decode, "decode",
                     "One new token per sequence over a KV cache of "
                     "--context tokens")),
      llvm::cl::init(ServingPhase::prefill), llvm::cl::cat(category)};
  llvm::cl::opt<int64_t> context{
      "context",
      llvm::cl::desc("Tokens each sequence already holds in its KV cache "
                     "(required by --phase=decode; default 0: no cache)"),
      llvm::cl::init(0), llvm::cl::cat(category)};
  llvm::cl::opt<ImportDType> kvDType{
      "kv-dtype",
      llvm::cl::desc("Element type of the KV caches (default: --dtype)"),
      llvm::cl::values(
          clEnumValN(ImportDType::bf16, "bf16", "bfloat16"),
          clEnumValN(ImportDType::f16, "f16", "float16"),
          clEnumValN(ImportDType::f32, "f32", "float32"),
          clEnumValN(ImportDType::f8e4m3, "fp8", "float8 e4m3 (f8E4M3FN)")),
      llvm::cl::cat(category)};
  llvm::cl::opt<bool> printParamCount{
      "print-param-count",
      llvm::cl::desc("Print total and active parameter counts to stdout, "
                     "as '//' comments, before the module"),
      llvm::cl::init(false), llvm::cl::cat(category)};

  FailureOr<HFImportOptions> get() const {
    HFImportOptions options;
    options.seqLen = seqLen;
    options.context = context;
    if (kvDType.getNumOccurrences())
      options.kvDType = kvDType;
    if (phase == ServingPhase::decode) {
      if (seqLen.getNumOccurrences() && seqLen != 1) {
        llvm::errs() << "error: --phase=decode emits one new token per "
                        "sequence; drop --seq-len (got "
                     << seqLen << ") or use --phase=prefill --context\n";
        return failure();
      }
      if (context <= 0) {
        llvm::errs() << "error: --phase=decode needs --context=N, the tokens "
                        "each sequence already holds in its KV cache\n";
        return failure();
      }
      options.seqLen = 1;
    }
    options.batch = batch;
    if (numLayers.getNumOccurrences())
      options.numLayers = numLayers;
    options.dtype = dtype;
    options.capacityFactor = capacityFactor;
    return options;
  }
};

std::string billions(int64_t count) {
  return llvm::formatv("{0:F2}B", static_cast<double>(count) / 1e9).str();
}

LogicalResult printParamCount(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>("forward");
  if (!func)
    return module.emitError("no @forward to count parameters of");
  FailureOr<ParamCount> count = countParameters(func);
  if (failed(count))
    return failure();
  int64_t activeExclEmbedding = count->active - count->embedding;
  int64_t nonEmbedding = count->total - count->embedding - count->lmHead;
  llvm::raw_ostream &os = llvm::outs();
  os << "// total_params = " << count->total << " (" << billions(count->total)
     << ")\n"
     << "// active_params = " << count->active << " ("
     << billions(count->active) << ")\n"
     << "// active_params_excl_embedding = " << activeExclEmbedding << " ("
     << billions(activeExclEmbedding) << ")\n"
     << "// non_embedding_params = " << nonEmbedding << " ("
     << billions(nonEmbedding) << ")\n"
     << "// embedding_params = " << count->embedding << " ("
     << billions(count->embedding) << ")\n"
     << "// lm_head_params = " << count->lmHead << " ("
     << billions(count->lmHead) << ")\n"
     << "// expert_params = " << count->expert << " ("
     << billions(count->expert) << ")\n";
  // The module goes to the translation's own output stream afterwards.
  os.flush();
  return success();
}

} // namespace

void mlir::moe::registerImportHFConfigTranslation() {
  static ImportOptions *options = new ImportOptions();
  TranslateToMLIRRegistration registration(
      "import-hf-config",
      "Import a Hugging Face config.json as a whole-model moe module",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        FailureOr<HFImportOptions> importOptions = options->get();
        if (failed(importOptions))
          return {};
        OwningOpRef<ModuleOp> module =
            importHFConfig(sourceMgr, context, *importOptions);
        if (!module)
          return {};
        if (options->printParamCount &&
            (failed(verify(*module)) || failed(printParamCount(*module))))
          return {};
        return OwningOpRef<Operation *>(module.release());
      },
      [](DialectRegistry &registry) {
        registry.insert<MoEDialect, arith::ArithDialect, func::FuncDialect,
                        linalg::LinalgDialect, tensor::TensorDialect>();
      });
}
