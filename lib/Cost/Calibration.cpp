//===- Calibration.cpp - Published kernel measurements, priced ----------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Calibration.h"
#include "moe/Cost/ExpertLoad.h"
#include "moe/Cost/Roofline.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Interfaces/CostModelOpInterface.h"
#include "moe/Support/Checked.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>
#include <map>

using namespace mlir;
using namespace mlir::moe;

namespace {

using Row = std::map<std::string, std::string>;

/// Splits one CSV line, honouring double-quoted fields.
std::vector<std::string> splitCSV(StringRef line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

double number(const Row &row, const char *key) {
  auto it = row.find(key);
  double value = 0;
  if (it == row.end() || StringRef(it->second).trim().getAsDouble(value))
    return 0;
  return value;
}

/// The digits at the start of `text` as a number (0 when there are none).
double leadingNumber(StringRef text) {
  double value = 0;
  text.take_while([](char c) { return llvm::isDigit(c); }).getAsDouble(value);
  return value;
}

/// `key=value` inside a free-text cell such as "batch=32, heads=16".
double field(StringRef text, StringRef key) {
  size_t pos = text.find((key + "=").str());
  if (pos == StringRef::npos)
    return 0;
  return leadingNumber(text.drop_front(pos + key.size() + 1));
}

/// A decimal `key=value` ("zipf=1.2"); 0 when absent or not a number.
double decimalField(StringRef text, StringRef key) {
  size_t pos = text.find((key + "=").str());
  if (pos == StringRef::npos)
    return 0;
  StringRef digits =
      text.drop_front(pos + key.size() + 1).take_while([](char c) {
        return llvm::isDigit(c) || c == '.';
      });
  double value = 0;
  return digits.getAsDouble(value) ? 0 : value;
}

/// The priced time of `kernels` in `direction`, or forward plus backward.
double priceKernels(const MachineModel &machine, ArrayRef<Kernel> kernels,
                    bool forward, bool backward) {
  KernelCost cost;
  for (const Kernel &kernel : kernels) {
    if (forward)
      cost += priceKernel(machine, kernel, Direction::Forward);
    if (backward)
      cost += priceKernel(machine, kernel, Direction::Backward);
  }
  return cost.seconds;
}

/// A size read from a row: a count the checked helpers accept (finite, not
/// negative, at most kMaxCount), so that the kernels priced from it stay
/// finite and convert to counts.
bool checkedSize(double value) { return toCount(value).has_value(); }

/// Fit or validate, by a rule stated in docs/Validation.md: square cuBLAS
/// BF16 GEMMs, FlashAttention-3 head-dim-128 rows, the vLLM fused-MoE sweep,
/// the QuACK bandwidth figure and the ring all-reduces (one node, two nodes
/// of one GPU) fit; everything else validates. Rows measured on other kernels
/// or fabrics than the preset models (FlashAttention-2, Liger-Kernel's Triton
/// fused MoE, an Ethernet cluster, a run its reporter calls degraded) are
/// listed but count in neither set.
std::string classify(const Row &row) {
  // A file of one's own measurements may say which set each row is in.
  if (auto it = row.find("set"); it != row.end() && !it->second.empty())
    return it->second;
  StringRef id = row.at("id");
  if (id.contains("flashattention-2") || id.starts_with("moe-liger-") ||
      id.starts_with("coll-a3mega-") ||
      id == "gemm-fastcu-issue13-cublas-8192" ||
      id.starts_with("coll-nccl2409-"))
    return "reference";
  if (id.starts_with("gemm-tptd-") ||
      id.starts_with("gemm-fastcu-cublas-6144") ||
      id.starts_with("gemm-fastcu-cublas-8192"))
    return "fit";
  if (id.starts_with("attn-fa3paper-flashattention-3-hd128-"))
    return "fit";
  if (id.starts_with("moe-vllm24700-"))
    return "fit";
  if (id == "mem-quack-typical" || id == "coll-nccl1455-ring-8" ||
      id.starts_with("coll-nccltests232-2n1g"))
    return "fit";
  return "validate";
}

/// Converts a measured figure to seconds given the kernel's FLOPs/bytes.
double toSeconds(const Row &row, double flops, double bytes) {
  double value = number(row, "measured_value");
  StringRef unit = row.at("measured_unit");
  if (unit.starts_with("TFLOP/s"))
    return flops / (value * 1e12);
  if (unit == "us")
    return value * 1e-6;
  if (unit == "ms")
    return value * 1e-3;
  if (unit.starts_with("TB/s"))
    return bytes / (value * 1e12);
  if (unit.starts_with("GB/s"))
    return bytes / (value * 1e9);
  return 0;
}

std::optional<CalibrationSample> makeSample(const Row &row) {
  CalibrationSample s;
  s.id = row.at("id");
  s.kind = row.at("kind");
  s.set = classify(row);
  StringRef direction = row.at("direction");
  bool both = direction.starts_with("fwd+bwd");
  bool backwardOnly = !both && direction.starts_with("bwd");
  s.category = s.kind + (both ? " fwd+bwd" : backwardOnly ? " bwd" : " fwd");
  StringRef dtype = row.at("dtype");
  if (dtype.starts_with("fp8") || dtype.starts_with("fp32"))
    if (s.kind == "gemm" || s.kind == "attention")
      return std::nullopt;
  double m = number(row, "m"), n = number(row, "n"), k = number(row, "k");

  if (s.kind == "gemm" && m > 0 && n > 0 && k > 0) {
    s.flops = 2 * m * n * k;
    double bytes = 2 * (m * k + k * n + m * n);
    s.measured = toSeconds(row, s.flops, bytes);
    s.predict = [=](const MachineModel &machine) {
      Kernel kernel = makeGemm("gemm", 1, m, n, k, 2, true);
      return priceKernel(machine, kernel, Direction::Forward).seconds;
    };
  } else if (s.kind == "attention") {
    StringRef groups = row.at("batch_or_groups");
    double batch = field(groups, "batch"), heads = field(groups, "heads");
    double seq = number(row, "seq_len"), d = number(row, "head_dim");
    if (batch <= 0 || heads <= 0 || seq <= 0 || d <= 0 ||
        !checkedSize(batch * heads))
      return std::nullopt;
    bool causal = StringRef(row.at("causal")).starts_with("true");
    bool backward = StringRef(row.at("direction")).starts_with("bwd");
    Kernel kernel = makeAttention(batch * heads, seq, seq, d, d, causal, 0, 2);
    // The FlashAttention papers count 4*S^2*d per head (half with a causal
    // mask) and 2.5x that backward, the same convention as our kernels up to
    // the (S+1)/2 vs S/2 causal count.
    double paperFlops = 4 * batch * heads * seq * seq * d * (causal ? 0.5 : 1) *
                        (backward ? 2.5 : 1);
    s.flops = paperFlops;
    s.measured = toSeconds(row, paperFlops, 0);
    Direction dir = backward ? Direction::Backward : Direction::Forward;
    s.predict = [=](const MachineModel &machine) {
      return priceKernel(machine, kernel, dir).seconds;
    };
  } else if (s.kind == "moe_expert_ffn" && m > 0 && n > 0 && k > 0 &&
             direction.starts_with("fwd") && !direction.contains("inference")) {
    StringRef groups = row.at("batch_or_groups");
    // "E=8 experts, top-2"
    double experts = field(groups, "E");
    size_t top = groups.find("top-");
    double topK =
        top == StringRef::npos ? 0 : leadingNumber(groups.drop_front(top + 4));
    if (experts <= 0 || topK <= 0 || !checkedSize(experts) ||
        !checkedSize(topK))
      return std::nullopt;
    // The kernels of moe.experts: a SwiGLU FFN (gate, up, act, down) over
    // the experts that receive tokens. A benchmark's backward writes its
    // weight gradients once (no main_grad to accumulate into).
    // Backward is twice the forward's GEMM FLOPs (input and weight
    // gradients).
    s.flops = 2 * 3 * m * topK * n * k * (both ? 3 : 1);
    s.measured = toSeconds(row, s.flops, 0);
    KernelList kernels;
    appendExpertKernels(kernels, m * topK, experts, topK,
                        static_cast<int64_t>(k), static_cast<int64_t>(n),
                        /*gated=*/true, getActivationFlops(Activation::swiglu),
                        /*elemBytes=*/2, /*capacity=*/0, /*expertShare=*/1);
    s.predict = [=](const MachineModel &machine) {
      return priceKernels(machine, kernels, true, both);
    };
  } else if (s.kind == "grouped_gemm" && m > 0 && n > 0 && k > 0) {
    // One grouped GEMM: m rows in total over E groups.
    double experts = field(row.at("batch_or_groups"), "E");
    if (experts <= 0 || !checkedSize(experts))
      return std::nullopt;
    s.flops = 2 * m * n * k * (both ? 3 : 1);
    s.measured = toSeconds(row, s.flops, 0);
    int64_t e = static_cast<int64_t>(experts);
    int64_t r = static_cast<int64_t>(std::ceil(m / experts));
    Kernel kernel = makeGemm("grouped", e, r, n, k, 2, true);
    // Unequal loads: "zipf=s" (expert i holds m * (i+1)^-s / sum_j
    // (j+1)^-s of the rows, the routing model's Zipf shares; docs/
    // CostModel.md, "Skewed routing"), or "hot_experts=h, hot_share=f" (h
    // experts hold f of the rows, the others the rest, evenly).
    StringRef groups = row.at("batch_or_groups");
    double zipf = decimalField(groups, "zipf");
    double hot = decimalField(groups, "hot_experts");
    double hotShare = decimalField(groups, "hot_share");
    if (zipf > 0 ||
        (hot > 0 && hot < experts && hotShare > 0 && hotShare < 1)) {
      s.category += " skewed";
      // The cost model's routing rules: h hot experts holding f of the
      // rows are each f * E / h times the mean.
      RoutingModel routing;
      routing.zipf = zipf;
      if (zipf <= 0) {
        routing.hot = hotShare * experts / hot;
        routing.hotExperts = static_cast<int64_t>(hot);
      }
      auto grouped = std::make_shared<GroupedRows>();
      for (double share : routing.shares("", e)) {
        grouped->rows.push_back(m * share);
        grouped->runs.push_back(1);
      }
      kernel.groupedRows = std::move(grouped);
    }
    s.predict = [=](const MachineModel &machine) {
      return priceKernels(machine, kernel, !backwardOnly, both || backwardOnly);
    };
  } else if (s.kind == "memory_bound" && number(row, "bytes") > 0) {
    double bytes = number(row, "bytes");
    s.measured = toSeconds(row, 0, bytes);
    s.predict = [=](const MachineModel &machine) {
      return priceKernel(machine, makeMemory("mem", bytes, 0, 2),
                         Direction::Forward)
          .seconds;
    };
  } else if (s.kind == "memory_bound" &&
             StringRef(row.at("measured_unit")).ends_with("B/s")) {
    // A bandwidth figure: price a 1 GB stream.
    double bytes = 1e9;
    s.measured = toSeconds(row, 0, bytes);
    s.predict = [=](const MachineModel &machine) {
      return priceKernel(machine, makeMemory("mem", bytes, 0, 2),
                         Direction::Forward)
                 .seconds -
             machine.kernelLatency;
    };
  } else if (s.kind == "all_reduce" && number(row, "bytes") > 0 &&
             StringRef(row.at("measured_unit")) == "us") {
    StringRef groups = row.at("batch_or_groups");
    double ranks = leadingNumber(groups), nodes = 0;
    size_t slash = groups.find('/');
    if (slash != StringRef::npos)
      nodes = leadingNumber(groups.drop_front(slash + 1).trim());
    if (ranks <= 0 || nodes <= 0 || nodes > ranks || !checkedSize(ranks))
      return std::nullopt;
    double bytes = number(row, "bytes");
    s.measured = toSeconds(row, 0, bytes);
    int64_t perNode = static_cast<int64_t>(ranks / nodes);
    s.predict = [=](const MachineModel &base) {
      MachineModel machine = base;
      machine.devicesPerNode = perNode;
      double wire = 0;
      return collectiveSeconds(machine, CollectiveKind::AllReduce, bytes,
                               static_cast<int64_t>(ranks), 1, wire);
    };
  } else if (s.kind == "all_reduce" &&
             StringRef(row.at("measured_unit")).contains("busbw") &&
             StringRef(row.at("batch_or_groups")).contains("1 node")) {
    // Ring bus bandwidth on one node: price an all-reduce of the row's size
    // (4 GB where it gives a range) on 8 GPUs, whose bus bytes are
    // 2*(p-1)/p of the buffer.
    double bytes = number(row, "bytes") > 0 ? number(row, "bytes") : 4e9;
    double p = 8;
    double busBytes = 2 * (p - 1) / p * bytes;
    s.measured = toSeconds(row, 0, busBytes);
    s.predict = [=](const MachineModel &machine) {
      double wire = 0;
      return collectiveSeconds(machine, CollectiveKind::AllReduce, bytes, 8, 1,
                               wire);
    };
  } else {
    return std::nullopt;
  }
  return s;
}

/// Mean absolute log error over the fit rows of `kinds`: symmetric in over-
/// and under-prediction.
double loss(ArrayRef<CalibrationSample> samples, const MachineModel &machine,
            ArrayRef<StringRef> kinds) {
  double total = 0;
  int count = 0;
  for (const CalibrationSample &s : samples) {
    if (s.set != "fit" || !llvm::is_contained(kinds, s.kind))
      continue;
    total += std::abs(std::log(s.predict(machine) / s.measured));
    ++count;
  }
  return count ? total / count : 0;
}

} // namespace

llvm::Expected<std::vector<CalibrationSample>>
mlir::moe::readCalibrationCSV(StringRef text, StringRef name) {
  SmallVector<StringRef> lines;
  text.split(lines, '\n', -1, false);
  if (lines.empty())
    return llvm::createStringError("'%s' is empty", name.str().c_str());
  std::vector<std::string> header = splitCSV(lines.front().rtrim("\r"));
  // Every column the samples read, named together when any is missing.
  SmallVector<StringRef> missing;
  for (StringRef required :
       {"id", "kind", "dtype", "m", "n", "k", "batch_or_groups", "seq_len",
        "head_dim", "causal", "direction", "bytes", "measured_value",
        "measured_unit"})
    if (!llvm::is_contained(header, required))
      missing.push_back(required);
  if (!missing.empty()) {
    std::string list;
    llvm::raw_string_ostream os(list);
    llvm::interleaveComma(missing, os,
                          [&](StringRef c) { os << "'" << c << "'"; });
    return llvm::createStringError(
        "'%s' has no column%s %s (the header of docs/data/published-h100.csv "
        "lists them)",
        name.str().c_str(), missing.size() > 1 ? "s" : "", list.c_str());
  }
  std::vector<CalibrationSample> samples;
  for (auto [index, line] : llvm::enumerate(llvm::drop_begin(lines))) {
    std::vector<std::string> cells = splitCSV(line.rtrim("\r"));
    Row row;
    for (size_t i = 0; i < header.size(); ++i)
      row[header[i]] = i < cells.size() ? cells[i] : "";
    std::string where =
        (name + ":" + Twine(index + 2) + ": row '" + row["id"] + "'").str();
    // Sizes past kMaxCount (or NaN, or negative) would make the priced
    // kernels infinite or their counts undefined.
    for (const char *column : {"m", "n", "k", "seq_len", "head_dim", "bytes"})
      if (!checkedSize(number(row, column)))
        return llvm::createStringError(
            "%s: '%s' (%s) must be a size between 0 and %lld", where.c_str(),
            column, row[column].c_str(), static_cast<long long>(kMaxCount));
    std::optional<CalibrationSample> sample = makeSample(row);
    if (!sample)
      continue;
    // A time that is not a positive finite number would make every error
    // figure infinite or NaN.
    if (!(sample->measured > 0) || !std::isfinite(sample->measured))
      return llvm::createStringError(
          "%s: 'measured_value' (%s %s) is not a positive finite measurement",
          where.c_str(), row["measured_value"].c_str(),
          row["measured_unit"].c_str());
    samples.push_back(std::move(*sample));
  }
  return samples;
}

/// The median and worst of `errors`.
static CalibrationStats summarize(std::vector<double> errors) {
  CalibrationStats stats;
  stats.count = errors.size();
  if (errors.empty())
    return stats;
  std::sort(errors.begin(), errors.end());
  size_t n = errors.size();
  stats.median =
      n % 2 ? errors[n / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2;
  stats.worst = errors.back();
  return stats;
}

/// Relative error of each sample; statistics over those above `floor`.
CalibrationStats
mlir::moe::calibrationStatistics(ArrayRef<CalibrationSample> samples,
                                 StringRef set, const MachineModel &machine,
                                 double floor) {
  std::vector<double> errors;
  for (const CalibrationSample &s : samples) {
    if (s.set != set || s.measured < floor)
      continue;
    errors.push_back(std::abs(s.predict(machine) / s.measured - 1));
  }
  return summarize(std::move(errors));
}

/// Coordinate descent over a grid for each parameter, a few sweeps.
void mlir::moe::fitCalibration(ArrayRef<CalibrationSample> samples,
                               MachineModel &machine) {
  struct Param {
    double *value;
    double lo, hi, step;
    std::vector<StringRef> kinds;
  };
  std::vector<Param> params = {
      {&machine.gemmEfficiency, 0.5, 1.0, 0.005, {"gemm"}},
      {&machine.gemmHalfK, 0, 512, 8, {"gemm"}},
      {&machine.kernelLatency, 0, 20e-6, 0.5e-6, {"gemm"}},
      {&machine.groupedGemmEfficiency, 0.3, 1.0, 0.005, {"moe_expert_ffn"}},
      {&machine.attentionEfficiency, 0.3, 1.0, 0.005, {"attention"}},
      {&machine.attentionBackwardEfficiency, 0.3, 1.0, 0.005, {"attention"}},
      {&machine.attentionHalfSeq, 0, 2048, 16, {"attention"}},
      {&machine.memoryEfficiency, 0.5, 1.0, 0.005, {"memory_bound"}},
      {&machine.collectiveEfficiency, 0.5, 1.0, 0.005, {"all_reduce"}},
      {&machine.interNodeLatency, 0, 50e-6, 0.5e-6, {"all_reduce"}},
  };
  for (int sweep = 0; sweep < 4; ++sweep)
    for (Param &p : params) {
      double best = *p.value, bestLoss = loss(samples, machine, p.kinds);
      // Grid points by index: summing steps drifts past `hi`
      // (1.0000000000000002 is not a fraction the machine validator accepts).
      int64_t points = std::llround((p.hi - p.lo) / p.step);
      for (int64_t i = 0; i <= points; ++i) {
        double v = std::min(p.hi, p.lo + static_cast<double>(i) * p.step);
        *p.value = v;
        double l = loss(samples, machine, p.kinds);
        if (l < bestLoss - 1e-12) {
          bestLoss = l;
          best = v;
        }
      }
      *p.value = best;
    }
}

std::vector<CategoryErrors>
mlir::moe::crossValidateCalibration(ArrayRef<CalibrationSample> samples,
                                    const MachineModel &machine, int64_t folds,
                                    double floor) {
  // Fold of each sample: its index among its category's samples, mod folds.
  std::vector<int64_t> fold(samples.size(), -1);
  std::vector<std::string> order;
  std::map<std::string, int64_t> seen;
  for (auto [i, s] : llvm::enumerate(samples)) {
    if (s.set != "fit")
      continue;
    auto [it, inserted] = seen.try_emplace(s.category, 0);
    if (inserted)
      order.push_back(s.category);
    fold[i] = it->second++ % folds;
  }
  std::map<std::string, std::vector<std::pair<double, double>>> errors;
  for (int64_t f = 0; f < folds; ++f) {
    std::vector<CalibrationSample> training(samples.begin(), samples.end());
    for (auto [i, s] : llvm::enumerate(training))
      s.set = fold[i] < 0 ? "reference" : fold[i] == f ? "validate" : "fit";
    MachineModel fitted = machine;
    fitCalibration(training, fitted);
    for (auto [i, s] : llvm::enumerate(samples))
      if (fold[i] == f)
        errors[s.category].push_back(
            {std::abs(s.predict(fitted) / s.measured - 1), s.measured});
  }
  std::vector<CategoryErrors> result;
  for (const std::string &category : order) {
    std::vector<double> all, above;
    for (auto [error, measured] : errors[category]) {
      all.push_back(error);
      if (measured >= floor)
        above.push_back(error);
    }
    result.push_back(
        {category, summarize(std::move(all)), summarize(std::move(above))});
  }
  return result;
}

SmallVector<std::pair<StringRef, double>>
mlir::moe::getFittedConstants(const MachineModel &machine) {
  return {
      {"gemm_efficiency", machine.gemmEfficiency},
      {"gemm_half_k", machine.gemmHalfK},
      {"kernel_latency", machine.kernelLatency},
      {"grouped_gemm_efficiency", machine.groupedGemmEfficiency},
      {"attention_efficiency", machine.attentionEfficiency},
      {"attention_backward_efficiency", machine.attentionBackwardEfficiency},
      {"attention_half_seq", machine.attentionHalfSeq},
      {"memory_efficiency", machine.memoryEfficiency},
      {"collective_efficiency", machine.collectiveEfficiency},
      {"inter_node_latency", machine.interNodeLatency}};
}

std::string mlir::moe::writeCalibratedMachine(const MachineModel &machine,
                                              StringRef name, StringRef base) {
  // The constants fitCalibration fits; the rest come from the base preset.
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "{\n  \"name\": \"" << name << "\",\n  \"base\": \"" << base << "\"";
  // The grid's values (steps of 0.005, 8, 0.5 us) need six digits.
  for (auto [key, value] : getFittedConstants(machine))
    os << ",\n  \"" << key << "\": " << llvm::format("%.6g", value);
  os << "\n}\n";
  return out;
}
