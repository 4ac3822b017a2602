//===- ConfigParser.cpp - Hugging Face config.json to ModelSpec -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// This file reads a Hugging Face config.json with llvm::json and normalises
// the family-specific field names and layer patterns into a ModelSpec. Every
// diagnostic points into the JSON file (at the offending key where it exists)
// and names the field with its path, e.g. 'text_config.hidden_size'.
//
//===----------------------------------------------------------------------===//

#include "moe/Support/Json.h"
#include "moe/Target/HFConfig/HFConfig.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Largest size accepted for any dimension. It keeps every product the op
/// verifiers and the parameter count form (at most three sizes) inside
/// int64_t for all realistic models, which stay far below it.
constexpr int64_t kMaxSize = int64_t(1) << 24;

/// Largest layer count accepted: the importer emits every layer, so a
/// corrupted count must not make it build millions of ops.
constexpr int64_t kMaxLayers = 4096;

enum class Family {
  Llama,
  Mixtral,
  Qwen2Moe,
  Qwen3Moe,
  Olmoe,
  DeepseekV3,
  GptOss,
  Llama4,
};

std::optional<Family> lookupFamily(StringRef architecture) {
  return llvm::StringSwitch<std::optional<Family>>(architecture)
      .Cases({"LlamaForCausalLM", "MistralForCausalLM"}, Family::Llama)
      .Case("MixtralForCausalLM", Family::Mixtral)
      .Case("Qwen2MoeForCausalLM", Family::Qwen2Moe)
      .Case("Qwen3MoeForCausalLM", Family::Qwen3Moe)
      .Case("OlmoeForCausalLM", Family::Olmoe)
      .Case("DeepseekV3ForCausalLM", Family::DeepseekV3)
      .Case("GptOssForCausalLM", Family::GptOss)
      .Cases({"Llama4ForConditionalGeneration", "Llama4ForCausalLM"},
             Family::Llama4)
      .Default(std::nullopt);
}

constexpr StringLiteral kSupportedArchitectures =
    "LlamaForCausalLM, MistralForCausalLM, MixtralForCausalLM, "
    "Qwen2MoeForCausalLM, Qwen3MoeForCausalLM, OlmoeForCausalLM, "
    "DeepseekV3ForCausalLM, GptOssForCausalLM, "
    "Llama4ForConditionalGeneration, Llama4ForCausalLM";

/// Reads typed fields of one JSON object. A failed read reports an error,
/// records the failure and returns a harmless value (1, false, empty) so the
/// caller can keep reading and report every bad field in one run; callers
/// check `failed()` before deriving anything from the values.
class ConfigReader {
public:
  ConfigReader(llvm::SourceMgr &sourceMgr, MLIRContext *context)
      : sourceMgr(sourceMgr), context(context) {
    const llvm::MemoryBuffer *buffer =
        sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
    text = buffer->getBuffer();
    fileName = buffer->getBufferIdentifier();
  }

  /// Reads `object`; `prefix` is its path ("" or "text_config.") and
  /// `start` the text offset of its `{`.
  void setObject(const llvm::json::Object *newObject, StringRef newPrefix,
                 size_t start) {
    object = newObject;
    prefix = newPrefix.str();
    objectStart = start;
  }

  bool failed() const { return hasFailed; }
  StringRef getFileName() const { return fileName; }
  StringRef getText() const { return text; }

  /// The location of `key` in the current object, or of the object's `{`
  /// when the key is absent.
  Location locate(StringRef key) const {
    size_t pos = findKey(text, objectStart, key);
    return locAtOffset(pos == StringRef::npos ? objectStart : pos);
  }

  /// Offset of `key` among the direct keys of the object whose `{` is at
  /// `start`, or npos. A small scan that skips strings and nested values,
  /// so a key of a nested object is never taken for the object's own.
  static size_t findKey(StringRef text, size_t start, StringRef key) {
    int depth = 0;
    for (size_t i = start, e = text.size(); i < e; ++i) {
      char c = text[i];
      if (c == '"') {
        size_t open = i++;
        while (i < e && text[i] != '"')
          i += text[i] == '\\' ? 2 : 1;
        if (depth != 1 || i >= e || text.slice(open + 1, i) != key)
          continue;
        size_t next = text.find_first_not_of(" \t\r\n", i + 1);
        if (next != StringRef::npos && text[next] == ':')
          return open;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth <= 0) {
        return StringRef::npos;
      }
    }
    return StringRef::npos;
  }

  /// Offset of the `{` opening the value of `key` in the current object.
  size_t findObjectValue(StringRef key) const {
    size_t pos = findKey(text, objectStart, key);
    return pos == StringRef::npos ? objectStart : text.find('{', pos);
  }

  Location locAtOffset(size_t offset) const {
    auto [line, col] = sourceMgr.getLineAndColumn(llvm::SMLoc::getFromPointer(
        text.data() + std::min(offset, text.size())));
    return FileLineColLoc::get(context, fileName, line, col);
  }

  /// Emits an error about `key`, located at the key.
  InFlightDiagnostic error(StringRef key) {
    hasFailed = true;
    return emitError(locate(key));
  }

  /// Path of `key` for messages, e.g. "text_config.hidden_size".
  std::string path(StringRef key) const { return prefix + key.str(); }

  bool has(StringRef key) const {
    const llvm::json::Value *value = object->get(key);
    return value && value->kind() != llvm::json::Value::Null;
  }

  const llvm::json::Value *get(StringRef key) const { return object->get(key); }

  /// A required integer in [1, max].
  int64_t requirePositive(StringRef key, int64_t max = kMaxSize) {
    if (!has(key)) {
      error(key) << "missing required field '" << path(key) << "'";
      return 1;
    }
    return readInt(key, /*min=*/1, max).value_or(1);
  }

  /// An optional integer in [1, max]; `fallback` when absent or null.
  int64_t optionalPositive(StringRef key, int64_t fallback,
                           int64_t max = kMaxSize) {
    if (!has(key))
      return fallback;
    return readInt(key, /*min=*/1, max).value_or(fallback);
  }

  /// An optional integer in [1, max]; nullopt when absent or null.
  std::optional<int64_t> optionalPositiveOrNull(StringRef key) {
    if (!has(key))
      return std::nullopt;
    return readInt(key, /*min=*/1, kMaxSize);
  }

  /// An optional integer in [0, max]; `fallback` when absent or null.
  int64_t optionalNonNegative(StringRef key, int64_t fallback) {
    if (!has(key))
      return fallback;
    return readInt(key, /*min=*/0, kMaxSize).value_or(fallback);
  }

  /// An optional positive number; `fallback` when absent or null.
  double optionalPositiveNumber(StringRef key, double fallback) {
    if (!has(key))
      return fallback;
    std::optional<double> value = get(key)->getAsNumber();
    if (!value) {
      error(key) << "field '" << path(key) << "' must be a number";
      return fallback;
    }
    if (!(*value > 0) || !std::isfinite(*value)) {
      error(key) << "field '" << path(key) << "' must be positive, got "
                 << *value;
      return fallback;
    }
    return *value;
  }

  bool optionalBool(StringRef key, bool fallback) {
    if (!has(key))
      return fallback;
    std::optional<bool> value = get(key)->getAsBoolean();
    if (!value) {
      error(key) << "field '" << path(key) << "' must be true or false";
      return fallback;
    }
    return *value;
  }

  std::optional<std::string> optionalString(StringRef key) {
    if (!has(key))
      return std::nullopt;
    std::optional<StringRef> value = get(key)->getAsString();
    if (!value) {
      error(key) << "field '" << path(key) << "' must be a string";
      return std::nullopt;
    }
    return value->str();
  }

  /// An optional array of integers in [0, max).
  SmallVector<int64_t> optionalIndexList(StringRef key, int64_t max) {
    std::string what =
        "must hold layer indices in [0, " + std::to_string(max) + ")";
    return optionalList<int64_t>(
        key, "an array of integers", what,
        [&](const llvm::json::Value &element) -> std::optional<int64_t> {
          std::optional<int64_t> value = element.getAsInteger();
          if (!value || *value < 0 || *value >= max)
            return std::nullopt;
          return value;
        });
  }

  /// An optional array of strings.
  SmallVector<std::string> optionalStringList(StringRef key) {
    return optionalList<std::string>(
        key, "an array of strings", "must be an array of strings",
        [](const llvm::json::Value &element) -> std::optional<std::string> {
          std::optional<StringRef> value = element.getAsString();
          if (!value)
            return std::nullopt;
          return value->str();
        });
  }

private:
  /// An optional array whose elements `convert` reads (nullopt: a bad
  /// element, reported as `what`).
  template <typename T, typename Convert>
  SmallVector<T> optionalList(StringRef key, StringRef kind, StringRef what,
                              Convert convert) {
    SmallVector<T> result;
    if (!has(key))
      return result;
    const llvm::json::Array *array = get(key)->getAsArray();
    if (!array) {
      error(key) << "field '" << path(key) << "' must be " << kind;
      return result;
    }
    for (const llvm::json::Value &element : *array) {
      std::optional<T> value = convert(element);
      if (!value) {
        error(key) << "field '" << path(key) << "' " << what;
        return {};
      }
      result.push_back(std::move(*value));
    }
    return result;
  }

  std::optional<int64_t> readInt(StringRef key, int64_t min, int64_t max) {
    std::optional<int64_t> value = get(key)->getAsInteger();
    if (!value) {
      error(key) << "field '" << path(key) << "' must be an integer";
      return std::nullopt;
    }
    if (*value < min) {
      error(key) << "field '" << path(key) << "' must be "
                 << (min == 1 ? "positive" : "non-negative") << ", got "
                 << *value;
      return std::nullopt;
    }
    if (*value > max) {
      error(key) << "field '" << path(key) << "' (" << *value
                 << ") exceeds the supported maximum (" << max << ")";
      return std::nullopt;
    }
    return value;
  }

  llvm::SourceMgr &sourceMgr;
  MLIRContext *context;
  StringRef text;
  StringRef fileName;
  const llvm::json::Object *object = nullptr;
  std::string prefix;
  size_t objectStart = 0;
  bool hasFailed = false;
};

/// Splits llvm::json's "[line:col, byte=N]: message" into a location and
/// the message, so the diagnostic points at the syntax error.
void reportJsonError(ConfigReader &reader, MLIRContext *context,
                     StringRef message) {
  unsigned line = 1, col = 1;
  StringRef rest = message;
  if (rest.consume_front("[")) {
    StringRef position = rest.take_until([](char c) { return c == ','; });
    auto [lineText, colText] = position.split(':');
    size_t close = rest.find("]: ");
    if (!lineText.getAsInteger(10, line) && !colText.getAsInteger(10, col) &&
        close != StringRef::npos)
      message = rest.drop_front(close + 3);
  }
  // llvm::json reports column 0 at the end of an empty input.
  col = std::max(col, 1u);
  emitError(FileLineColLoc::get(context, reader.getFileName(), line, col))
      << "malformed JSON in '" << reader.getFileName() << "': " << message;
}

/// Maps `hidden_act` onto the gated activation of the (gated) MLPs all the
/// supported families use.
std::optional<Activation> gatedActivation(StringRef act) {
  return llvm::StringSwitch<std::optional<Activation>>(act)
      .Cases({"silu", "swish"}, Activation::swiglu)
      .Cases({"gelu", "gelu_new", "gelu_fast", "gelu_pytorch_tanh"},
             Activation::geglu)
      .Default(std::nullopt);
}

/// Reads what every family shares: sizes, GQA attention and norms.
void readCommon(ConfigReader &reader, ModelSpec &spec, int64_t &numLayers) {
  spec.hiddenSize = reader.requirePositive("hidden_size");
  spec.vocabSize = reader.requirePositive("vocab_size");
  numLayers = reader.requirePositive("num_hidden_layers", kMaxLayers);
  spec.rmsNormEps = reader.optionalPositiveNumber("rms_norm_eps", 1e-6);
  AttentionSpec &attn = spec.attention;
  attn.numHeads = reader.requirePositive("num_attention_heads");
  attn.numKvHeads =
      reader.optionalPositive("num_key_value_heads", attn.numHeads);
  if (reader.failed())
    return;
  if (reader.has("head_dim")) {
    attn.headDim = reader.requirePositive("head_dim");
  } else if (spec.hiddenSize % attn.numHeads != 0) {
    reader.error("num_attention_heads")
        << "field '" << reader.path("num_attention_heads") << "' ("
        << attn.numHeads << ") does not divide '" << reader.path("hidden_size")
        << "' (" << spec.hiddenSize << ") and no 'head_dim' is given";
  } else {
    attn.headDim = spec.hiddenSize / attn.numHeads;
  }
  if (attn.numHeads % attn.numKvHeads != 0)
    reader.error("num_key_value_heads")
        << "field '" << reader.path("num_key_value_heads") << "' ("
        << attn.numKvHeads << ") must divide '"
        << reader.path("num_attention_heads") << "' (" << attn.numHeads << ")";
  std::string act = reader.optionalString("hidden_act").value_or("silu");
  if (std::optional<Activation> gated = gatedActivation(act))
    spec.activation = *gated;
  else
    reader.error("hidden_act")
        << "unsupported '" << reader.path("hidden_act") << "' value '" << act
        << "' (expected silu, swish or a gelu variant)";
}

/// Reads the routed-expert count, top-k and expert width under the family's
/// field names and checks top_k <= E.
void readExperts(ConfigReader &reader, MoESpec &moe, StringRef expertsKey,
                 StringRef ffnKey) {
  moe.numExperts = reader.requirePositive(expertsKey);
  // gpt-oss spells it both ways; prefer the Hugging Face name.
  StringRef topKKey = "num_experts_per_tok";
  if (!reader.has(topKKey) && reader.has("experts_per_token"))
    topKKey = "experts_per_token";
  moe.topK = reader.requirePositive(topKKey);
  moe.ffnSize = reader.requirePositive(ffnKey);
  if (!reader.failed() && moe.topK > moe.numExperts)
    reader.error(topKKey) << "field '" << reader.path(topKKey) << "' ("
                          << moe.topK << ") exceeds '"
                          << reader.path(expertsKey) << "' (" << moe.numExperts
                          << ")";
}

/// Marks layers as MoE from an explicit index list.
void markMoELayers(ModelSpec &spec, ArrayRef<int64_t> moeLayers) {
  for (int64_t index : moeLayers)
    spec.layers[index].isMoE = true;
}

/// Gives every layer `window` (sliding-window attention), if any.
void setWindowEverywhere(ModelSpec &spec, std::optional<int64_t> window) {
  for (LayerSpec &layer : spec.layers)
    layer.window = window;
}

void readLlama(ConfigReader &reader, ModelSpec &spec) {
  int64_t ffn = reader.requirePositive("intermediate_size");
  for (LayerSpec &layer : spec.layers)
    layer.denseFfnSize = ffn;
  // Mistral configures a sliding window for every layer; Llama has none.
  setWindowEverywhere(spec, reader.optionalPositiveOrNull("sliding_window"));
}

void readMixtral(ConfigReader &reader, ModelSpec &spec) {
  MoESpec &moe = spec.moe;
  readExperts(reader, moe, "num_local_experts", "intermediate_size");
  // Softmax over all experts, then renormalised over the top-k: the same
  // weights as Mixtral's softmax over the top-k logits.
  moe.scoring = Scoring::softmax;
  moe.renormalize = true;
  for (LayerSpec &layer : spec.layers)
    layer.isMoE = true;
  setWindowEverywhere(spec, reader.optionalPositiveOrNull("sliding_window"));
}

/// Qwen2-MoE and Qwen3-MoE: `decoder_sparse_step` and `mlp_only_layers`
/// pick the MoE layers; Qwen2-MoE adds a shared expert.
void readQwenMoe(ConfigReader &reader, ModelSpec &spec, bool hasShared) {
  MoESpec &moe = spec.moe;
  readExperts(reader, moe, "num_experts", "moe_intermediate_size");
  moe.scoring = Scoring::softmax;
  moe.renormalize = reader.optionalBool("norm_topk_prob", false);
  if (hasShared)
    moe.sharedFfnSize =
        reader.optionalNonNegative("shared_expert_intermediate_size", 0);
  int64_t numLayers = spec.layers.size();
  int64_t step = reader.optionalPositive("decoder_sparse_step", 1);
  SmallVector<int64_t> mlpOnly =
      reader.optionalIndexList("mlp_only_layers", numLayers);
  for (auto [index, layer] : llvm::enumerate(spec.layers))
    layer.isMoE = (int64_t(index) + 1) % step == 0 &&
                  !llvm::is_contained(mlpOnly, int64_t(index));
  if (llvm::any_of(spec.layers, [](const LayerSpec &l) { return !l.isMoE; })) {
    int64_t ffn = reader.requirePositive("intermediate_size");
    for (LayerSpec &layer : spec.layers)
      layer.denseFfnSize = ffn;
  }
  // Qwen slides the window only when asked, on layers from
  // max_window_layers on.
  if (reader.optionalBool("use_sliding_window", false)) {
    std::optional<int64_t> window =
        reader.optionalPositiveOrNull("sliding_window");
    int64_t from = reader.optionalNonNegative("max_window_layers", 0);
    for (auto [index, layer] : llvm::enumerate(spec.layers))
      if (int64_t(index) >= from)
        layer.window = window;
  }
}

void readOlmoe(ConfigReader &reader, ModelSpec &spec) {
  MoESpec &moe = spec.moe;
  readExperts(reader, moe, "num_experts", "intermediate_size");
  moe.scoring = Scoring::softmax;
  moe.renormalize = reader.optionalBool("norm_topk_prob", false);
  for (LayerSpec &layer : spec.layers)
    layer.isMoE = true;
}

void readDeepseekV3(ConfigReader &reader, ModelSpec &spec) {
  AttentionSpec &attn = spec.attention;
  attn.isMLA = true;
  attn.qLoraRank = reader.optionalPositiveOrNull("q_lora_rank").value_or(0);
  attn.kvLoraRank = reader.requirePositive("kv_lora_rank");
  attn.qkNopeHeadDim = reader.requirePositive("qk_nope_head_dim");
  attn.qkRopeHeadDim = reader.requirePositive("qk_rope_head_dim");
  attn.vHeadDim = reader.requirePositive("v_head_dim");

  MoESpec &moe = spec.moe;
  readExperts(reader, moe, "n_routed_experts", "moe_intermediate_size");
  // Defaults are transformers' DeepseekV3Config defaults.
  moe.sharedFfnSize =
      reader.optionalNonNegative("n_shared_experts", 1) * moe.ffnSize;
  std::string scoring =
      reader.optionalString("scoring_func").value_or("sigmoid");
  if (scoring == "sigmoid")
    moe.scoring = Scoring::sigmoid;
  else if (scoring == "softmax")
    moe.scoring = Scoring::softmax;
  else
    reader.error("scoring_func")
        << "unsupported '" << reader.path("scoring_func") << "' value '"
        << scoring << "' (expected sigmoid or softmax)";
  moe.renormalize = reader.optionalBool("norm_topk_prob", true);
  double scale = reader.optionalPositiveNumber("routed_scaling_factor", 1.0);
  if (scale != 1.0)
    moe.routedScale = scale;

  // noaux_tc (V3): group-limited selection on bias-corrected scores;
  // group_limited_greedy (V2): groups, no bias; greedy: plain top-k.
  std::string method =
      reader.optionalString("topk_method").value_or("noaux_tc");
  bool grouped = method == "noaux_tc" || method == "group_limited_greedy";
  if (!grouped && method != "greedy")
    reader.error("topk_method")
        << "unsupported '" << reader.path("topk_method") << "' value '"
        << method << "' (expected noaux_tc, group_limited_greedy or greedy)";
  moe.hasRouterBias = method == "noaux_tc";
  if (grouped) {
    moe.nGroup = reader.requirePositive("n_group");
    moe.topkGroup = reader.requirePositive("topk_group");
    if (!reader.failed()) {
      if (moe.topkGroup > moe.nGroup)
        reader.error("topk_group")
            << "field '" << reader.path("topk_group") << "' (" << moe.topkGroup
            << ") exceeds '" << reader.path("n_group") << "' (" << moe.nGroup
            << ")";
      else if (moe.numExperts % moe.nGroup != 0)
        reader.error("n_group")
            << "field '" << reader.path("n_group") << "' (" << moe.nGroup
            << ") must divide '" << reader.path("n_routed_experts") << "' ("
            << moe.numExperts << ")";
      else if (moe.topK > moe.topkGroup * (moe.numExperts / moe.nGroup))
        reader.error("num_experts_per_tok")
            << "field '" << reader.path("num_experts_per_tok") << "' ("
            << moe.topK << ") exceeds the experts in the '"
            << reader.path("topk_group") << "' best groups";
    }
  }
  // A layer is MoE from first_k_dense_replace on, every moe_layer_freq.
  int64_t firstDense = reader.optionalNonNegative("first_k_dense_replace", 0);
  int64_t freq = reader.optionalPositive("moe_layer_freq", 1);
  for (auto [index, layer] : llvm::enumerate(spec.layers))
    layer.isMoE = int64_t(index) >= firstDense && int64_t(index) % freq == 0;
  if (llvm::any_of(spec.layers, [](const LayerSpec &l) { return !l.isMoE; })) {
    int64_t ffn = reader.requirePositive("intermediate_size");
    for (LayerSpec &layer : spec.layers)
      layer.denseFfnSize = ffn;
  }
}

void readGptOss(ConfigReader &reader, ModelSpec &spec) {
  MoESpec &moe = spec.moe;
  readExperts(reader, moe, "num_local_experts", "intermediate_size");
  // Softmax over the top-k logits == softmax then renormalise.
  moe.scoring = Scoring::softmax;
  moe.renormalize = true;
  for (LayerSpec &layer : spec.layers)
    layer.isMoE = true;
  std::optional<int64_t> window =
      reader.optionalPositiveOrNull("sliding_window");
  SmallVector<std::string> types = reader.optionalStringList("layer_types");
  if (types.empty()) {
    // transformers' GptOssConfig default: even layers slide.
    for (auto [index, layer] : llvm::enumerate(spec.layers))
      if (index % 2 == 0)
        layer.window = window;
    return;
  }
  if (types.size() != spec.layers.size()) {
    reader.error("layer_types")
        << "field '" << reader.path("layer_types") << "' has " << types.size()
        << " entries but '" << reader.path("num_hidden_layers") << "' is "
        << spec.layers.size();
    return;
  }
  for (auto [type, layer] : llvm::zip_equal(types, spec.layers)) {
    if (type == "sliding_attention") {
      if (!window) {
        reader.error("sliding_window")
            << "'" << reader.path("layer_types") << "' has sliding layers but '"
            << reader.path("sliding_window") << "' is not set";
        return;
      }
      layer.window = window;
    } else if (type != "full_attention") {
      reader.error("layer_types")
          << "unsupported entry '" << type << "' in '"
          << reader.path("layer_types")
          << "' (expected sliding_attention or full_attention)";
      return;
    }
  }
}

/// Llama 4: sigmoid top-k routing plus a shared expert on MoE layers, dense
/// FFNs of `intermediate_size_mlp` elsewhere. Chunked local attention
/// (`attention_chunk_size`) is not modelled: see docs/Importer.md.
void readLlama4(ConfigReader &reader, ModelSpec &spec) {
  MoESpec &moe = spec.moe;
  moe.numExperts = reader.requirePositive("num_local_experts");
  moe.topK = reader.optionalPositive("num_experts_per_tok", 1);
  moe.ffnSize = reader.requirePositive("intermediate_size");
  if (!reader.failed() && moe.topK > moe.numExperts)
    reader.error("num_experts_per_tok")
        << "field '" << reader.path("num_experts_per_tok") << "' (" << moe.topK
        << ") exceeds '" << reader.path("num_local_experts") << "' ("
        << moe.numExperts << ")";
  moe.scoring = Scoring::sigmoid;
  moe.renormalize = false;
  moe.sharedFfnSize = moe.ffnSize;
  int64_t numLayers = spec.layers.size();
  if (reader.has("moe_layers")) {
    markMoELayers(spec, reader.optionalIndexList("moe_layers", numLayers));
  } else {
    int64_t step = reader.optionalPositive("interleave_moe_layer_step", 1);
    for (int64_t index = step - 1; index < numLayers; index += step)
      spec.layers[index].isMoE = true;
  }
  if (llvm::any_of(spec.layers, [](const LayerSpec &l) { return !l.isMoE; })) {
    int64_t ffn = reader.requirePositive("intermediate_size_mlp");
    for (LayerSpec &layer : spec.layers)
      layer.denseFfnSize = ffn;
  }
}

} // namespace

FailureOr<ModelSpec> mlir::moe::parseHFConfig(llvm::SourceMgr &sourceMgr,
                                              MLIRContext *context) {
  ConfigReader reader(sourceMgr, context);
  if (std::optional<size_t> deep = findExcessiveJsonNesting(reader.getText())) {
    emitError(reader.locAtOffset(*deep))
        << "malformed JSON in '" << reader.getFileName()
        << "': nested deeper than " << kMaxJsonDepth << " levels";
    return failure();
  }
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse(reader.getText());
  if (!parsed) {
    reportJsonError(reader, context, llvm::toString(parsed.takeError()));
    return failure();
  }
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root) {
    emitError(reader.locAtOffset(0))
        << "expected a JSON object at the top level of '"
        << reader.getFileName() << "'";
    return failure();
  }
  size_t rootStart = reader.getText().find('{');
  reader.setObject(root, "", rootStart == StringRef::npos ? 0 : rootStart);

  ModelSpec spec;
  SmallVector<std::string> architectures =
      reader.optionalStringList("architectures");
  if (reader.failed())
    return failure();
  if (architectures.empty()) {
    reader.error("architectures")
        << "missing required field 'architectures' (a non-empty array naming "
           "the model class)";
    return failure();
  }
  spec.architecture = architectures.front();
  std::optional<Family> family = lookupFamily(spec.architecture);
  if (!family) {
    reader.error("architectures")
        << "unsupported architecture '" << spec.architecture
        << "' in field 'architectures'; supported: " << kSupportedArchitectures;
    return failure();
  }

  // Llama-4's multimodal config nests the language model in text_config;
  // tie_word_embeddings may sit on either level.
  bool tiedTop = reader.optionalBool("tie_word_embeddings", false);
  if (*family == Family::Llama4 &&
      spec.architecture == "Llama4ForConditionalGeneration") {
    const llvm::json::Value *text = root->get("text_config");
    const llvm::json::Object *textObject = text ? text->getAsObject() : nullptr;
    if (!textObject) {
      reader.error("text_config")
          << (text ? "field 'text_config' must be an object"
                   : "missing required field 'text_config'");
      return failure();
    }
    reader.setObject(textObject, "text_config.",
                     reader.findObjectValue("text_config"));
  }
  spec.tiedEmbeddings = reader.optionalBool("tie_word_embeddings", tiedTop);

  int64_t numLayers = 0;
  readCommon(reader, spec, numLayers);
  if (reader.failed())
    return failure();
  spec.layers.resize(numLayers);

  switch (*family) {
  case Family::Llama:
    readLlama(reader, spec);
    break;
  case Family::Mixtral:
    readMixtral(reader, spec);
    break;
  case Family::Qwen2Moe:
    readQwenMoe(reader, spec, /*hasShared=*/true);
    break;
  case Family::Qwen3Moe:
    readQwenMoe(reader, spec, /*hasShared=*/false);
    break;
  case Family::Olmoe:
    readOlmoe(reader, spec);
    break;
  case Family::DeepseekV3:
    readDeepseekV3(reader, spec);
    break;
  case Family::GptOss:
    readGptOss(reader, spec);
    break;
  case Family::Llama4:
    readLlama4(reader, spec);
    break;
  }
  if (reader.failed())
    return failure();
  return spec;
}
