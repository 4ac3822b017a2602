//===- MoEAttrs.cpp - moe dialect attributes --------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace mlir::moe;

#include "moe/Dialect/MoE/IR/MoEAttrInterfaces.cpp.inc"

//===----------------------------------------------------------------------===//
// Figures
//===----------------------------------------------------------------------===//

namespace {

/// `text` made a valid MLIR float literal: %g's "1e-06" would lex as the
/// integer 1 followed by `e`, so it becomes "1.0e-06".
std::string asLiteral(std::string text) {
  size_t exponent = text.find('e');
  if (exponent != std::string::npos && text.find('.') == std::string::npos)
    text.insert(exponent, ".0");
  return text;
}

std::string formatG(double value, int digits) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.*g", digits, value);
  return text;
}

} // namespace

StringRef mlir::moe::checkFigure(double value) {
  if (!std::isfinite(value))
    return "must be finite";
  if (value < 0)
    return "must not be negative";
  return "";
}

std::string mlir::moe::formatFigure(double value) {
  // The fewest significant digits that read back exactly (at most 17).
  for (int digits = 6; digits < 17; ++digits) {
    std::string text = formatG(value, digits);
    if (std::strtod(text.c_str(), nullptr) == value)
      return asLiteral(text);
  }
  return asLiteral(formatG(value, 17));
}

void mlir::moe::printFigure(AsmPrinter &printer, double value) {
  printer << formatFigure(value);
}

void mlir::moe::printRoundedFigure(AsmPrinter &printer, double value) {
  printer << asLiteral(formatG(value, 6));
}

FailureOr<Figure> mlir::moe::parseFigure(AsmParser &parser) {
  bool negative = succeeded(parser.parseOptionalMinus());
  double value = 0;
  // Whole numbers print without a dot ("2048"), which parseFloat rejects.
  APInt integer;
  OptionalParseResult parsed = parser.parseOptionalInteger(integer);
  if (!parsed.has_value()) {
    if (parser.parseFloat(value))
      return failure();
  } else if (failed(*parsed)) {
    return failure();
  } else {
    value = integer.roundToDouble();
  }
  if (negative)
    value = -value;
  // Range errors come from the attribute's verifier, which names the field.
  return Figure(value);
}

namespace {

/// Checks each named figure; the first that is not valid is the error.
LogicalResult
verifyFigures(function_ref<InFlightDiagnostic()> emitError,
              std::initializer_list<std::pair<StringRef, double>> figures) {
  for (const auto &[name, value] : figures)
    if (StringRef problem = checkFigure(value); !problem.empty())
      return emitError() << "'" << name << "' " << problem << " (got "
                         << formatFigure(value) << ")";
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// CostAttr
//===----------------------------------------------------------------------===//

void CostAttr::print(AsmPrinter &printer) const {
  printer << "<flops = ";
  printRoundedFigure(printer, getFlops());
  printer << ", bytes = ";
  printRoundedFigure(printer, getBytes());
  printer << ", network = ";
  printRoundedFigure(printer, getNetwork());
  printer << ", seconds = ";
  printRoundedFigure(printer, getSeconds());
  printer << ", bound = " << stringifyBound(getBound()) << ">";
}

Attribute CostAttr::parse(AsmParser &parser, Type) {
  double values[4] = {0, 0, 0, 0};
  const char *keys[4] = {"flops", "bytes", "network", "seconds"};
  if (parser.parseLess())
    return {};
  for (int i = 0; i < 4; ++i) {
    if (parser.parseKeyword(keys[i]) || parser.parseEqual())
      return {};
    SMLoc loc = parser.getCurrentLocation();
    FailureOr<Figure> value = parseFigure(parser);
    if (failed(value))
      return {};
    if (StringRef problem = checkFigure(value->value); !problem.empty()) {
      parser.emitError(loc) << "'" << keys[i] << "' " << problem << " (got "
                            << formatFigure(value->value) << ")";
      return {};
    }
    values[i] = value->value;
    if (parser.parseComma())
      return {};
  }
  StringRef boundName;
  if (parser.parseKeyword("bound") || parser.parseEqual())
    return {};
  SMLoc boundLoc = parser.getCurrentLocation();
  if (parser.parseKeyword(&boundName) || parser.parseGreater())
    return {};
  std::optional<Bound> bound = symbolizeBound(boundName);
  if (!bound) {
    parser.emitError(boundLoc)
        << "unknown bound '" << boundName
        << "' (expected compute, memory, network, weight_io, latency or none)";
    return {};
  }
  return CostAttr::getChecked([&] { return parser.emitError(boundLoc); },
                              parser.getContext(), Figure(values[0]),
                              Figure(values[1]), Figure(values[2]),
                              Figure(values[3]), *bound);
}

LogicalResult CostAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               Figure flops, Figure bytes, Figure network,
                               Figure seconds, Bound) {
  return verifyFigures(emitError, {{"flops", flops},
                                   {"bytes", bytes},
                                   {"network", network},
                                   {"seconds", seconds}});
}

//===----------------------------------------------------------------------===//
// GPUPlanAttr
//===----------------------------------------------------------------------===//

LogicalResult GPUPlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  int64_t dp, int64_t ep, int64_t tp,
                                  int64_t pp, int64_t vpp, int64_t gpusPerNode,
                                  int64_t zero, bool fp8, bool fp32Grads,
                                  bool fold, Dispatcher, int64_t cp,
                                  int64_t foldCp, int64_t etp, int64_t tokens) {
  for (auto [name, value] : {std::pair<StringRef, int64_t>{"dp", dp},
                             {"ep", ep},
                             {"cp", cp},
                             {"tp", tp},
                             {"etp", etp},
                             {"pp", pp},
                             {"vpp", vpp},
                             {"gpus_per_node", gpusPerNode}})
    if (value < 1)
      return emitError() << "'" << name << "' of a GPU plan must be at least 1 "
                         << "(got " << value << ")";
  if (zero < 0 || zero > kMaxZeroStage)
    return emitError() << "'zero' of a GPU plan is a ZeRO stage from 0 to "
                       << kMaxZeroStage << " (got " << zero << ")";
  if (tokens < 0)
    return emitError() << "'tokens' of a GPU plan must not be negative (got "
                       << tokens << ")";
  PlanDegrees degrees{dp, ep, tp, fold, cp, foldCp, etp};
  if (!degrees.hasValidEtp())
    return emitError() << "'etp' of a GPU plan splits each expert over the "
                          "tensor-parallel axis: it must be 1 or tp (got etp = "
                       << etp << ", tp = " << tp << ")";
  if (fold && !degrees.canFold())
    return emitError() << "'fold' of a GPU plan folds the experts over the "
                          "tensor- and context-parallel ranks: it needs tp > 1 "
                          "(with etp = 1) or cp > 1";
  if (foldCp != 0 && (!fold || ep != 1 || foldCp < 1 || cp % foldCp != 0))
    return emitError() << "'fold_cp' of a GPU plan is the context-parallel "
                          "ranks a folded expert group takes: it needs fold, "
                          "ep = 1 and a divisor of cp (got fold_cp = "
                       << foldCp << ", cp = " << cp << ", ep = " << ep << ")";
  int64_t devices = 0;
  if (llvm::MulOverflow(dp, ep, devices) ||
      llvm::MulOverflow(devices, cp, devices) ||
      llvm::MulOverflow(devices, tp, devices) ||
      llvm::MulOverflow(devices, pp, devices))
    return emitError() << "the GPU plan's device count dp * ep * cp * tp * pp "
                          "overflows";
  return success();
}

StringRef GPUPlanAttr::getKindName() const { return "gpu-expert-parallel"; }

int64_t GPUPlanAttr::getDeviceCount() const {
  return getDp() * getEp() * getCp() * getTp() * getPp();
}

std::pair<int64_t, int64_t> GPUPlanAttr::getPipeline() const {
  return {getPp(), getVpp()};
}

int64_t GPUPlanAttr::getZeroStage() const { return getZero(); }

bool GPUPlanAttr::usesFP8Gemms() const { return getFp8(); }

bool GPUPlanAttr::usesFP32Gradients() const { return getFp32Grads(); }

bool GPUPlanAttr::dispatchesPerNode() const {
  return getDispatcher() == Dispatcher::DeepEP;
}

bool GPUPlanAttr::isWafer() const { return false; }

void GPUPlanAttr::getSettings(
    SmallVectorImpl<std::pair<StringRef, int64_t>> &settings) const {
  settings.append({{"cp", getCp()},
                   {"deepep", dispatchesPerNode() ? 1 : 0},
                   {"devices", getDeviceCount()},
                   {"dp", getDp()},
                   {"ep", getEp()},
                   {"etp", getEtp()},
                   {"fold", getFold() ? 1 : 0},
                   {"fold_cp", getFoldCp()},
                   {"fp32_grads", getFp32Grads() ? 1 : 0},
                   {"fp8", getFp8() ? 1 : 0},
                   {"gpus_per_node", getGpusPerNode()},
                   {"pp", getPp()},
                   {"tokens", getTokens()},
                   {"tp", getTp()},
                   {"vpp", getVpp()},
                   {"zero", getZero()}});
}

//===----------------------------------------------------------------------===//
// ContextAttr
//===----------------------------------------------------------------------===//

LogicalResult ContextAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  FlatSymbolRefAttr grid,
                                  ArrayRef<int16_t> axes) {
  // An empty list does not parse; built in C++ it is a group of one.
  for (auto [i, axis] : llvm::enumerate(axes))
    if (axis < 0 || (i > 0 && axis <= axes[i - 1]))
      return emitError() << "the grid axes of a context-parallel group must "
                            "be non-negative and increasing";
  return success();
}

//===----------------------------------------------------------------------===//
// WSEPlanAttr
//===----------------------------------------------------------------------===//

LogicalResult WSEPlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  int64_t systems, int64_t tiles, int64_t batch,
                                  int64_t seqLen) {
  if (systems < 1 || tiles < 1)
    return emitError() << "'systems' and 'tiles' of a wafer-scale plan must be "
                          "at least 1 (got "
                       << systems << " and " << tiles << ")";
  if (batch < 1 || seqLen < 1)
    return emitError() << "'batch' and 'seq_len' of a wafer-scale plan must be "
                          "at least 1 (got "
                       << batch << " and " << seqLen << ")";
  int64_t tokens = 0;
  if (llvm::MulOverflow(batch, seqLen, tokens))
    return emitError() << "the wafer-scale plan's tokens per step (batch * "
                          "seq_len) overflow";
  if (batch % systems != 0 || (batch / systems) % tiles != 0)
    return emitError() << "the batch of " << batch
                       << " sequences does not split evenly over " << systems
                       << " systems and then " << tiles << " tiles";
  return success();
}

StringRef WSEPlanAttr::getKindName() const { return "wse-weight-streaming"; }

int64_t WSEPlanAttr::getDeviceCount() const { return getSystems(); }

bool WSEPlanAttr::isWafer() const { return true; }

void WSEPlanAttr::getSettings(
    SmallVectorImpl<std::pair<StringRef, int64_t>> &settings) const {
  settings.append({{"batch", getBatch()},
                   {"devices", getSystems()},
                   {"seq_len", getSeqLen()},
                   {"systems", getSystems()},
                   {"tile_sequences", getTileSequences()},
                   {"tiles", getTiles()},
                   {"tokens", getBatch() * getSeqLen()}});
}

//===----------------------------------------------------------------------===//
// MemoryAttr and CostSummaryAttr
//===----------------------------------------------------------------------===//

LogicalResult MemoryAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Figure weights, Figure gradients,
                                 Figure optimizer, Figure activations,
                                 Figure kvCache, Figure total,
                                 Figure capacity) {
  if (failed(verifyFigures(emitError, {{"weights", weights},
                                       {"gradients", gradients},
                                       {"optimizer", optimizer},
                                       {"activations", activations},
                                       {"kv_cache", kvCache},
                                       {"total", total},
                                       {"capacity", capacity}})))
    return failure();
  double sum = weights.value + gradients.value + optimizer.value +
               activations.value + kvCache.value;
  if (std::abs(total.value - sum) > 1e-9 * std::max(1.0, sum))
    return emitError() << "memory 'total' (" << formatFigure(total)
                       << ") is not the sum of weights, gradients, optimizer, "
                          "activations and KV cache ("
                       << formatFigure(sum) << ")";
  return success();
}

LogicalResult CostSummaryAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, StringRef machine, Phase,
    int64_t tokens, int64_t devices, Figure seconds, Figure flops,
    Figure modelFlops, Figure bytes, Figure networkBytes, Figure params,
    Figure activeParams, Figure peakFlops, Figure pipelineBubble,
    MemoryAttr memory, int64_t microBatches, Figure routingLoad,
    Figure epOverlap) {
  if (machine.empty())
    return emitError() << "a cost summary needs the machine's name";
  if (tokens < 0)
    return emitError() << "'tokens' must not be negative (got " << tokens
                       << ")";
  if (devices < 1)
    return emitError() << "'devices' must be at least 1 (got " << devices
                       << ")";
  if (!memory)
    return emitError() << "a cost summary needs its memory";
  if (microBatches < 1)
    return emitError() << "'micro_batches' must be at least 1 (got "
                       << microBatches << ")";
  if (routingLoad.value < 1)
    return emitError() << "'routing_load' is a rank's load over a balanced "
                          "share and must be at least 1 (got "
                       << formatFigure(routingLoad.value) << ")";
  if (!(epOverlap.value >= 0 && epOverlap.value <= 1))
    return emitError() << "'ep_overlap' is a fraction in [0, 1] (got "
                       << formatFigure(epOverlap.value) << ")";
  if (failed(verifyFigures(emitError, {{"seconds", seconds},
                                       {"flops", flops},
                                       {"model_flops", modelFlops},
                                       {"bytes", bytes},
                                       {"network_bytes", networkBytes},
                                       {"params", params},
                                       {"active_params", activeParams},
                                       {"peak_flops", peakFlops},
                                       {"pipeline_bubble", pipelineBubble}})))
    return failure();
  if (pipelineBubble.value >= 1)
    return emitError() << "'pipeline_bubble' is a fraction of the step and "
                          "must be below 1 (got "
                       << formatFigure(pipelineBubble) << ")";
  if (activeParams.value > params.value * (1 + 1e-9))
    return emitError() << "'active_params' (" << formatFigure(activeParams)
                       << ") exceeds 'params' (" << formatFigure(params) << ")";
  return success();
}

LogicalResult TimingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 OpRole, Figure forward, Figure backward,
                                 Figure recompute, Figure sync,
                                 Figure optimizer, Figure exposed,
                                 int64_t stage, int64_t chunk,
                                 Figure transfer) {
  if (failed(verifyFigures(emitError, {{"forward", forward},
                                       {"backward", backward},
                                       {"recompute", recompute},
                                       {"sync", sync},
                                       {"optimizer", optimizer},
                                       {"transfer", transfer}})))
    return failure();
  if (!(exposed.value >= 0 && exposed.value <= 1))
    return emitError() << "'exposed' is a fraction in [0, 1] (got "
                       << formatFigure(exposed) << ")";
  if (stage < 0 || chunk < 0)
    return emitError() << "'stage' and 'chunk' must not be negative (got "
                       << stage << ", " << chunk << ")";
  return success();
}
