//===- ModelBuilder.cpp - Emit a moe module for a ModelSpec -----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// This file emits `func.func @forward(token ids, weights...) -> logits` for a
// ModelSpec. Weights become function arguments in the order the program
// first reads them, each tagged `{moe.param = "<Hugging Face name>"}`; every
// op gets a NameLoc such as "layers.3.mlp" wrapping the config file's
// location, so diagnostics and reports can name the layer.
//
//===----------------------------------------------------------------------===//

#include "moe/Target/HFConfig/HFConfig.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Largest token count (batch * seq_len) accepted; keeps T * top_k and the
/// capacity computation inside int64_t.
constexpr int64_t kMaxTokens = int64_t(1) << 32;

class ModelBuilder {
public:
  ModelBuilder(const ModelSpec &spec, const HFImportOptions &options,
               StringRef fileName, MLIRContext *context)
      : spec(spec), options(options), context(context), builder(context),
        fileLoc(FileLineColLoc::get(context, fileName, 1, 1)) {
    elementType = getType(options.dtype);
    cacheElementType = getType(options.kvDType.value_or(options.dtype));
  }

  OwningOpRef<ModuleOp> build();

private:
  /// A location naming a part of the model, e.g. "layers.3.mlp".
  Location loc(const Twine &name) {
    return NameLoc::get(StringAttr::get(context, name), fileLoc);
  }

  Type getType(ImportDType dtype) {
    switch (dtype) {
    case ImportDType::bf16:
      return builder.getBF16Type();
    case ImportDType::f16:
      return builder.getF16Type();
    case ImportDType::f32:
      return builder.getF32Type();
    case ImportDType::f8e4m3:
      return builder.getType<Float8E4M3FNType>();
    }
    llvm_unreachable("unknown dtype");
  }

  /// Adds a KV cache argument `[sequences, context, columns]` named `name`,
  /// or returns null when the program keeps no cache.
  Value cache(const Twine &name, int64_t columns) {
    if (options.context <= 0)
      return {};
    Value arg =
        body->addArgument(RankedTensorType::get({numTokens / options.seqLen,
                                                 options.context, columns},
                                                cacheElementType),
                          loc(name));
    argAttrs.push_back(builder.getDictionaryAttr({}));
    return arg;
  }

  RankedTensorType tensorType(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, elementType);
  }

  /// Adds a weight argument named `name` (a Hugging Face parameter name
  /// without its ".weight" suffix).
  Value param(const Twine &name, ArrayRef<int64_t> shape) {
    std::string str = name.str();
    Value arg = body->addArgument(tensorType(shape), loc(str));
    argAttrs.push_back(builder.getDictionaryAttr(
        builder.getNamedAttr(MoEDialect::ParamAttrHelper::getNameStr(),
                             builder.getStringAttr(str))));
    return arg;
  }

  /// An RMSNorm reading weight `name`, located at the name without its
  /// "model." prefix (e.g. "layers.3.input_layernorm").
  Value rmsNorm(Value x, const Twine &name) {
    std::string str = name.str();
    Value weight = param(str, {spec.hiddenSize});
    StringRef locName = str;
    locName.consume_front("model.");
    return RMSNormOp::create(builder, loc(locName), x.getType(), x, weight,
                             builder.getF64FloatAttr(spec.rmsNormEps));
  }

  Value attention(Value x, const Twine &prefix, const Twine &locName,
                  const LayerSpec &layer);
  Value ffn(Value x, const Twine &prefix, int64_t ffnSize, Location opLoc);
  Value moeBlock(Value x, const Twine &prefix, const Twine &locName);
  Value lmHead(Value x, Value table);
  LogicalResult checkOptions();

  const ModelSpec &spec;
  const HFImportOptions &options;
  MLIRContext *context;
  OpBuilder builder;
  Location fileLoc;
  Type elementType, cacheElementType;
  int64_t numTokens = 0;
  Block *body = nullptr;
  SmallVector<Attribute> argAttrs;
};

LogicalResult ModelBuilder::checkOptions() {
  auto fail = [&](const Twine &message) {
    emitError(fileLoc) << message;
    return failure();
  };
  if (options.seqLen <= 0)
    return fail("--seq-len must be positive, got " + Twine(options.seqLen));
  if (options.batch <= 0)
    return fail("--batch must be positive, got " + Twine(options.batch));
  if (options.seqLen > kMaxTokens / options.batch)
    return fail("--batch * --seq-len exceeds the supported maximum of " +
                Twine(kMaxTokens) + " tokens");
  if (options.context < 0)
    return fail("--context must be non-negative, got " +
                Twine(options.context));
  if (options.context > kMaxTokens)
    return fail("--context exceeds the supported maximum of " +
                Twine(kMaxTokens) + " tokens");
  if (options.numLayers && *options.numLayers <= 0)
    return fail("--num-layers must be positive, got " +
                Twine(*options.numLayers));
  if (options.numLayers && *options.numLayers > int64_t(spec.layers.size()))
    return fail("--num-layers (" + Twine(*options.numLayers) +
                ") exceeds the model's num_hidden_layers (" +
                Twine(spec.layers.size()) + ")");
  if (!(options.capacityFactor >= 0) || !std::isfinite(options.capacityFactor))
    return fail("--capacity-factor must be non-negative (0 means dropless)");
  // The capacity becomes a tensor dimension: keep it a sane int64_t.
  const MoESpec &moe = spec.moe;
  int64_t tokens = options.batch * options.seqLen;
  if (moe.numExperts && options.capacityFactor *
                                static_cast<double>(tokens * moe.topK) /
                                static_cast<double>(moe.numExperts) >
                            static_cast<double>(kMaxTokens)) {
    emitError(fileLoc) << "--capacity-factor " << options.capacityFactor
                       << " gives more than " << kMaxTokens
                       << " slots per expert";
    return failure();
  }
  return success();
}

Value ModelBuilder::attention(Value x, const Twine &prefix,
                              const Twine &locName, const LayerSpec &layer) {
  const AttentionSpec &attn = spec.attention;
  int64_t hidden = spec.hiddenSize;
  std::string p = prefix.str();
  Location opLoc = loc(locName);
  if (attn.isMLA) {
    int64_t n = attn.numHeads;
    int64_t qkDim = attn.qkNopeHeadDim + attn.qkRopeHeadDim;
    Value qDown, qUp;
    if (attn.qLoraRank) {
      qDown = param(p + ".q_a_proj", {hidden, attn.qLoraRank});
      qUp = param(p + ".q_b_proj", {attn.qLoraRank, n * qkDim});
    } else {
      qUp = param(p + ".q_proj", {hidden, n * qkDim});
    }
    Value kvDown = param(p + ".kv_a_proj_with_mqa",
                         {hidden, attn.kvLoraRank + attn.qkRopeHeadDim});
    Value kvUp =
        param(p + ".kv_b_proj",
              {attn.kvLoraRank, n * (attn.qkNopeHeadDim + attn.vHeadDim)});
    Value out = param(p + ".o_proj", {n * attn.vHeadDim, hidden});
    Value latentCache =
        cache(locName + ".kv_cache", attn.kvLoraRank + attn.qkRopeHeadDim);
    return MLAttentionOp::create(
        builder, opLoc, x.getType(), x, qDown, qUp, kvDown, kvUp, out,
        uint64_t(n), uint64_t(attn.qkNopeHeadDim), uint64_t(attn.qkRopeHeadDim),
        uint64_t(attn.vHeadDim), uint64_t(options.seqLen), /*causal=*/true,
        /*context_parallel=*/ContextAttr(), latentCache);
  }
  int64_t qDim = attn.numHeads * attn.headDim;
  int64_t kvDim = attn.numKvHeads * attn.headDim;
  Value wq = param(p + ".q_proj", {hidden, qDim});
  Value wk = param(p + ".k_proj", {hidden, kvDim});
  Value wv = param(p + ".v_proj", {hidden, kvDim});
  Value wo = param(p + ".o_proj", {qDim, hidden});
  IntegerAttr window =
      layer.window ? builder.getI64IntegerAttr(*layer.window) : IntegerAttr();
  Value kCache = cache(locName + ".k_cache", kvDim);
  Value vCache = cache(locName + ".v_cache", kvDim);
  return AttentionOp::create(builder, opLoc, x.getType(), x, wq, wk, wv, wo,
                             uint64_t(attn.numHeads), uint64_t(attn.numKvHeads),
                             uint64_t(attn.headDim), uint64_t(options.seqLen),
                             /*causal=*/true, window,
                             /*context_parallel=*/ContextAttr(), kCache,
                             vCache);
}

Value ModelBuilder::ffn(Value x, const Twine &prefix, int64_t ffnSize,
                        Location opLoc) {
  int64_t hidden = spec.hiddenSize;
  std::string p = prefix.str();
  Value gate = param(p + ".gate_proj", {hidden, ffnSize});
  Value up = param(p + ".up_proj", {hidden, ffnSize});
  Value down = param(p + ".down_proj", {ffnSize, hidden});
  return FFNOp::create(builder, opLoc, x.getType(), x, gate, up, down,
                       spec.activation);
}

Value ModelBuilder::moeBlock(Value x, const Twine &prefix,
                             const Twine &locName) {
  const MoESpec &moe = spec.moe;
  int64_t hidden = spec.hiddenSize, experts = moe.numExperts;
  std::string p = prefix.str(), l = locName.str();

  Value gate = param(p + ".gate", {hidden, experts});
  Value bias;
  if (moe.hasRouterBias)
    bias = param(p + ".gate.e_score_correction_bias", {experts});
  auto idxType =
      RankedTensorType::get({numTokens, moe.topK}, builder.getI32Type());
  IntegerAttr nGroup, topkGroup;
  if (moe.nGroup) {
    nGroup = builder.getI64IntegerAttr(moe.nGroup);
    topkGroup = builder.getI64IntegerAttr(moe.topkGroup);
  }
  FloatAttr scale =
      moe.routedScale ? builder.getF64FloatAttr(*moe.routedScale) : FloatAttr();
  auto router = RouterOp::create(builder, loc(l + ".router"), idxType,
                                 tensorType({numTokens, moe.topK}), x, gate,
                                 bias, uint64_t(moe.topK), moe.scoring,
                                 moe.renormalize, nGroup, topkGroup, scale);

  // The rule the dispatch verifier checks.
  bool dropless = options.capacityFactor == 0;
  int64_t capacity = numTokens;
  FloatAttr factor;
  if (!dropless) {
    std::optional<int64_t> slots = computeExpertCapacity(
        options.capacityFactor, numTokens, moe.topK, experts);
    // The options were checked: the capacity is representable.
    capacity = slots.value_or(numTokens);
    factor = builder.getF64FloatAttr(options.capacityFactor);
  }
  Value buffer = DispatchOp::create(builder, loc(l + ".dispatch"),
                                    tensorType({experts, capacity, hidden}), x,
                                    router.getIndices(), factor, dropless);

  int64_t f = moe.ffnSize;
  Value wGate = param(p + ".experts.gate_proj", {experts, hidden, f});
  Value wUp = param(p + ".experts.up_proj", {experts, hidden, f});
  Value wDown = param(p + ".experts.down_proj", {experts, f, hidden});
  Value expertOut =
      ExpertsOp::create(builder, loc(l + ".experts"), buffer.getType(), buffer,
                        wGate, wUp, wDown, spec.activation);
  Value y =
      CombineOp::create(builder, loc(l + ".combine"), x.getType(), expertOut,
                        router.getIndices(), router.getWeights());
  if (!moe.sharedFfnSize)
    return y;
  Value shared = ffn(x, p + ".shared_expert", moe.sharedFfnSize,
                     loc(l + ".shared_expert"));
  return arith::AddFOp::create(builder, loc(l + ".shared_add"), y, shared);
}

Value ModelBuilder::lmHead(Value x, Value table) {
  Location headLoc = loc("lm_head");
  int64_t vocab = spec.vocabSize;
  RankedTensorType logitsType = tensorType({numTokens, vocab});
  Value empty = tensor::EmptyOp::create(builder, headLoc, logitsType.getShape(),
                                        elementType);
  Value zero = arith::ConstantOp::create(builder, headLoc, elementType,
                                         builder.getFloatAttr(elementType, 0));
  Value init = linalg::FillOp::create(builder, headLoc, ValueRange{zero},
                                      ValueRange{empty})
                   .getResult(0);
  if (!spec.tiedEmbeddings) {
    Value head = param("lm_head", {spec.hiddenSize, vocab});
    return linalg::MatmulOp::create(builder, headLoc, TypeRange{logitsType},
                                    ValueRange{x, head}, ValueRange{init})
        .getResult(0);
  }
  // Tied: multiply by the [V, H] embedding table transposed, through the
  // matmul's indexing maps, so the table stays one argument (and is counted
  // once) and no transpose is materialised.
  auto matmul =
      linalg::MatmulOp::create(builder, headLoc, TypeRange{logitsType},
                               ValueRange{x, table}, ValueRange{init});
  AffineExpr m, n, k;
  bindDims(context, m, n, k);
  matmul.setIndexingMapsAttr(
      builder.getAffineMapArrayAttr({AffineMap::get(3, 0, {m, k}, context),
                                     AffineMap::get(3, 0, {n, k}, context),
                                     AffineMap::get(3, 0, {m, n}, context)}));
  return matmul.getResult(0);
}

OwningOpRef<ModuleOp> ModelBuilder::build() {
  if (failed(checkOptions()))
    return {};
  numTokens = options.batch * options.seqLen;
  int64_t numLayers =
      options.numLayers.value_or(static_cast<int64_t>(spec.layers.size()));

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  module->getOperation()->setAttr(
      MoEDialect::ArchitectureAttrHelper::getNameStr(),
      builder.getStringAttr(spec.architecture));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, loc("forward"), "forward",
                                   builder.getFunctionType({}, {}));
  body = func.addEntryBlock();
  builder.setInsertionPointToEnd(body);

  Value ids = body->addArgument(
      RankedTensorType::get({numTokens}, builder.getI32Type()),
      loc("input_ids"));
  argAttrs.push_back(builder.getDictionaryAttr({}));

  RankedTensorType hiddenType = tensorType({numTokens, spec.hiddenSize});
  Value table = param("model.embed_tokens", {spec.vocabSize, spec.hiddenSize});
  Value h =
      EmbeddingOp::create(builder, loc("embed_tokens"), hiddenType, ids, table);

  for (int64_t i = 0; i < numLayers; ++i) {
    const LayerSpec &layer = spec.layers[i];
    std::string prefix = "model.layers." + std::to_string(i);
    std::string name = "layers." + std::to_string(i);
    Value normed = rmsNorm(h, prefix + ".input_layernorm");
    Value attn =
        attention(normed, prefix + ".self_attn", name + ".self_attn", layer);
    h = arith::AddFOp::create(builder, loc(name + ".attn_residual"), h, attn);
    normed = rmsNorm(h, prefix + ".post_attention_layernorm");
    Value mlp = layer.isMoE ? moeBlock(normed, prefix + ".mlp", name + ".mlp")
                            : ffn(normed, prefix + ".mlp", layer.denseFfnSize,
                                  loc(name + ".mlp"));
    h = arith::AddFOp::create(builder, loc(name + ".mlp_residual"), h, mlp);
  }

  h = rmsNorm(h, "model.norm");
  Value logits = lmHead(h, table);
  func::ReturnOp::create(builder, loc("forward"), logits);

  func.setFunctionType(
      builder.getFunctionType(body->getArgumentTypes(), {logits.getType()}));
  func.setAllArgAttrs(argAttrs);
  return module;
}

} // namespace

OwningOpRef<ModuleOp> mlir::moe::buildModel(const ModelSpec &spec,
                                            const HFImportOptions &options,
                                            StringRef fileName,
                                            MLIRContext *context) {
  context->loadDialect<MoEDialect, arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, tensor::TensorDialect>();
  return ModelBuilder(spec, options, fileName, context).build();
}

OwningOpRef<ModuleOp>
mlir::moe::importHFConfig(llvm::SourceMgr &sourceMgr, MLIRContext *context,
                          const HFImportOptions &options) {
  FailureOr<ModelSpec> spec = parseHFConfig(sourceMgr, context);
  if (failed(spec))
    return {};
  StringRef fileName = sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
                           ->getBufferIdentifier();
  return buildModel(*spec, options, fileName, context);
}
