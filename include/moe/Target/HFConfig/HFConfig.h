//===- HFConfig.h - Import Hugging Face model configs -----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// This file declares the importer that turns a Hugging Face `config.json`
// into a whole-model `moe` module: one `func.func @forward` from token ids to
// logits, with every weight a named function argument. Importing is two
// steps: `parseHFConfig` normalises the family-specific JSON into a
// `ModelSpec`, and `buildModel` emits IR for a spec. See docs/Importer.md.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TARGET_HFCONFIG_HFCONFIG_H
#define MOE_TARGET_HFCONFIG_HFCONFIG_H

#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
namespace func {
class FuncOp;
} // namespace func

namespace moe {

/// Element type of every weight and activation in the imported module.
/// Element types of imported tensors (`f8e4m3` only for KV caches).
enum class ImportDType { bf16, f16, f32, f8e4m3 };

/// What the caller chooses about the imported program, as opposed to what
/// the config fixes about the model.
struct HFImportOptions {
  /// Tokens per sequence; attention ops carry it as `seq_len`.
  int64_t seqLen = 4096;
  /// Sequences per step: the token count is `batch * seqLen`.
  int64_t batch = 1;
  /// Keep only the first N decoder layers; all when unset.
  std::optional<int64_t> numLayers;
  ImportDType dtype = ImportDType::bf16;
  /// Expert capacity factor for `moe.dispatch`; 0 means dropless.
  double capacityFactor = 1.25;
  /// Serving: tokens each sequence already holds. Positive gives every
  /// attention op a KV cache of this many tokens (a decode step, or a chunk
  /// of a prefill).
  int64_t context = 0;
  /// Element type of the KV caches; the activations' when unset.
  std::optional<ImportDType> kvDType;
};

/// The attention of every layer.
struct AttentionSpec {
  /// Multi-head latent attention (DeepSeek-V3) instead of GQA.
  bool isMLA = false;
  int64_t numHeads = 0;
  /// GQA only.
  int64_t numKvHeads = 0;
  int64_t headDim = 0;
  /// MLA only; a `qLoraRank` of 0 means queries have no low-rank factor.
  int64_t qLoraRank = 0;
  int64_t kvLoraRank = 0;
  int64_t qkNopeHeadDim = 0;
  int64_t qkRopeHeadDim = 0;
  int64_t vHeadDim = 0;
};

/// The routed experts (and shared expert) of the MoE layers.
struct MoESpec {
  int64_t numExperts = 0;
  int64_t topK = 0;
  /// FFN width of one routed expert.
  int64_t ffnSize = 0;
  Scoring scoring = Scoring::softmax;
  bool renormalize = false;
  /// Group-limited routing; 0 when not used.
  int64_t nGroup = 0;
  int64_t topkGroup = 0;
  /// Per-expert selection bias (DeepSeek-V3 `e_score_correction_bias`).
  bool hasRouterBias = false;
  std::optional<double> routedScale;
  /// FFN width of the always-active shared expert; 0 when there is none.
  int64_t sharedFfnSize = 0;
};

/// One decoder layer.
struct LayerSpec {
  /// MoE block, or dense FFN of `denseFfnSize`.
  bool isMoE = false;
  int64_t denseFfnSize = 0;
  /// Sliding-window size for this layer's attention.
  std::optional<int64_t> window;
};

/// A decoder-only model, independent of its Hugging Face family.
struct ModelSpec {
  /// `architectures[0]` of the config.
  std::string architecture;
  int64_t hiddenSize = 0;
  int64_t vocabSize = 0;
  double rmsNormEps = 1e-6;
  /// The LM head reuses the embedding table.
  bool tiedEmbeddings = false;
  Activation activation = Activation::swiglu;
  AttentionSpec attention;
  MoESpec moe;
  llvm::SmallVector<LayerSpec> layers;
};

/// Parses the config.json in the main buffer of `sourceMgr`. Diagnostics
/// name the file and the offending field; returns failure after reporting.
FailureOr<ModelSpec> parseHFConfig(llvm::SourceMgr &sourceMgr,
                                   MLIRContext *context);

/// Builds the module for `spec`. `fileName` is the config's name, used in
/// locations. Reports and returns null when the options do not fit the spec.
OwningOpRef<ModuleOp> buildModel(const ModelSpec &spec,
                                 const HFImportOptions &options,
                                 StringRef fileName, MLIRContext *context);

/// Both steps: parse the config in `sourceMgr` and build its module.
OwningOpRef<ModuleOp> importHFConfig(llvm::SourceMgr &sourceMgr,
                                     MLIRContext *context,
                                     const HFImportOptions &options);

/// Parameter counts of an imported `@forward`, from its weight arguments.
struct ParamCount {
  /// Every weight, each counted once (a tied table is one argument).
  int64_t total = 0;
  /// What one token uses: every non-expert weight plus top_k/E of each
  /// expert weight.
  int64_t active = 0;
  /// The embedding table (`moe.embedding`'s table operand). Some publishers
  /// leave the lookup table out of their active figure.
  int64_t embedding = 0;
  /// An untied LM head (a `linalg.matmul` right-hand side); 0 when tied,
  /// since the table is then counted as `embedding`.
  int64_t lmHead = 0;
  /// Routed-expert weights (operands of `moe.experts`), all experts.
  int64_t expert = 0;
};

/// Counts the weights of `func`: every argument with a `moe.param`
/// attribute. Expert weights are recognised as operands of `moe.experts`;
/// their active share is top_k/E, with top_k read from the `moe.dispatch`
/// indices feeding the experts. Fails (with a diagnostic) on overflow.
FailureOr<ParamCount> countParameters(func::FuncOp func);

/// Registers the `--import-hf-config` translation and its options.
void registerImportHFConfigTranslation();

} // namespace moe
} // namespace mlir

#endif // MOE_TARGET_HFCONFIG_HFCONFIG_H
