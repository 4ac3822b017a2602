//===- ExpertLoad.cpp - How routed tokens spread over experts ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/ExpertLoad.h"
#include "moe/Support/Checked.h"
#include "moe/Support/Json.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

namespace {

llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

/// The JSON document in file `path`, whose kind (`what`) names it in errors.
llvm::Expected<llvm::json::Value> readJsonFile(StringRef path, StringRef what) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError("cannot read " + what + " '" + path +
                     "': " + buffer.getError().message());
  llvm::Expected<llvm::json::Value> json = parseJson((*buffer)->getBuffer());
  if (!json)
    return makeError(path + ": " + llvm::toString(json.takeError()));
  return json;
}

/// Token counts: non-negative numbers, not all zero.
llvm::Expected<std::vector<double>> readCounts(const llvm::json::Value &value,
                                               const Twine &where) {
  const llvm::json::Array *array = value.getAsArray();
  if (!array || array->empty())
    return makeError(where + " must be a non-empty array of token counts");
  std::vector<double> counts;
  counts.reserve(array->size());
  double sum = 0;
  for (const llvm::json::Value &v : *array) {
    std::optional<double> n = v.getAsNumber();
    if (!n || !std::isfinite(*n) || *n < 0)
      return makeError(where + "[" + Twine(counts.size()) +
                       "] must be a non-negative number");
    counts.push_back(*n);
    sum += *n;
  }
  if (!(sum > 0) || !std::isfinite(sum))
    return makeError(where + " must count at least one token");
  return counts;
}

} // namespace

const std::vector<double> *RoutingTrace::lookup(StringRef layer) const {
  auto it = layers.find(layer);
  if (it != layers.end())
    return &it->second;
  return defaultCounts.empty() ? nullptr : &defaultCounts;
}

llvm::Expected<RoutingTrace> mlir::moe::readRoutingTrace(StringRef path) {
  llvm::Expected<llvm::json::Value> json = readJsonFile(path, "routing file");
  if (!json)
    return json.takeError();
  RoutingTrace trace;
  trace.path = path.str();
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return makeError(path + ": expected an object with \"default\" and/or "
                            "\"layers\"");
  for (const auto &[key, value] : *root) {
    if (key == "default") {
      auto counts = readCounts(value, path + ": \"default\"");
      if (!counts)
        return counts.takeError();
      trace.defaultCounts = std::move(*counts);
    } else if (key == "layers") {
      const llvm::json::Object *layers = value.getAsObject();
      if (!layers)
        return makeError(path + ": \"layers\" must map layer names "
                                "(\"layers.3\") to token counts");
      for (const auto &[name, counts] : *layers) {
        auto read =
            readCounts(counts, path + ": \"layers\".\"" + name.str() + "\"");
        if (!read)
          return read.takeError();
        trace.layers[name.str()] = std::move(*read);
      }
    } else {
      return makeError(path + ": unknown field \"" + key.str() +
                       "\" (expected \"default\" or \"layers\")");
    }
  }
  if (trace.defaultCounts.empty() && trace.layers.empty())
    return makeError(path + ": gives no token counts (\"default\" or "
                            "\"layers\")");
  return trace;
}

llvm::Expected<ExpertPlacement> mlir::moe::readExpertPlacement(StringRef path) {
  llvm::Expected<llvm::json::Value> json = readJsonFile(path, "placement file");
  if (!json)
    return json.takeError();
  ExpertPlacement placement;
  placement.path = path.str();
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Array *ranks = root ? root->getArray("ranks") : nullptr;
  if (!ranks || ranks->empty() || root->size() != 1)
    return makeError(path + ": expected {\"ranks\": [[experts of rank 0], "
                            "[experts of rank 1], ...]}");
  for (const llvm::json::Value &rank : *ranks) {
    std::string where =
        (path + ": \"ranks\"[" + Twine(placement.ranks.size()) + "]").str();
    const llvm::json::Array *experts = rank.getAsArray();
    if (!experts || experts->empty())
      return makeError(where + " must be a non-empty array of expert indices");
    std::vector<int64_t> ids;
    for (const llvm::json::Value &e : *experts) {
      std::optional<int64_t> id = e.getAsInteger();
      if (!id || *id < 0)
        return makeError(where + " holds " +
                         (id ? Twine(*id) : Twine("a non-integer")) +
                         ": expert indices are integers from 0");
      ids.push_back(*id);
    }
    placement.ranks.push_back(std::move(ids));
  }
  return placement;
}

llvm::Error RoutingModel::check(StringRef layer, int64_t experts,
                                int64_t ranks) const {
  if (trace)
    if (const std::vector<double> *counts = trace->lookup(layer))
      if (static_cast<int64_t>(counts->size()) != experts)
        return makeError(trace->path + ": " + layer + " has " + Twine(experts) +
                         " experts but the file counts " +
                         Twine(counts->size()));
  if (!placement)
    return llvm::Error::success();
  if (static_cast<int64_t>(placement->ranks.size()) != ranks)
    return makeError(placement->path + ": places experts on " +
                     Twine(placement->ranks.size()) + " ranks but " + layer +
                     "'s experts are spread over " + Twine(ranks) +
                     " expert-parallel ranks");
  std::vector<bool> placed(experts, false);
  for (const auto &[rank, ids] : llvm::enumerate(placement->ranks))
    for (int64_t id : ids) {
      if (id >= experts)
        return makeError(placement->path + ": rank " + Twine(rank) +
                         " holds expert " + Twine(id) + " but " + layer +
                         " has " + Twine(experts) + " experts");
      placed[id] = true;
    }
  for (int64_t e = 0; e < experts; ++e)
    if (!placed[e])
      return makeError(placement->path + ": no rank holds expert " + Twine(e) +
                       " of " + layer);
  return llvm::Error::success();
}

SmallVector<double> RoutingModel::shares(StringRef layer,
                                         int64_t experts) const {
  SmallVector<double> result(experts, 0);
  if (experts <= 0)
    return result;
  double e = static_cast<double>(experts);
  if (const std::vector<double> *counts =
          trace ? trace->lookup(layer) : nullptr;
      counts && static_cast<int64_t>(counts->size()) == experts) {
    double sum = 0;
    for (double c : *counts)
      sum += c;
    for (int64_t i = 0; i < experts; ++i)
      result[i] = (*counts)[i] / sum;
  } else if (zipf > 0) {
    double sum = 0;
    for (int64_t i = 0; i < experts; ++i)
      sum += result[i] = std::pow(static_cast<double>(i + 1), -zipf);
    for (double &s : result)
      s /= sum;
  } else if (hot > 1 && hotExperts < experts) {
    // The hot experts take `hot` times the mean each (together at most
    // everything); the others share what is left.
    double h = static_cast<double>(std::max<int64_t>(1, hotExperts));
    double each = std::min(hot, e / h) / e;
    for (int64_t i = 0; i < experts; ++i)
      result[i] = i < h ? each : (1 - each * h) / (e - h);
  } else {
    for (double &s : result)
      s = 1 / e;
  }
  return result;
}

llvm::Expected<RoutingModel>
mlir::moe::makeRoutingModel(double hot, double zipf, StringRef routingFile,
                            StringRef placementFile, int64_t hotExperts) {
  if (std::optional<std::string> error =
          describeRangeError("imbalance", hot, 1.0))
    return makeError(*error);
  if (std::optional<std::string> error = describeRangeError("zipf", zipf, 0.0))
    return makeError(*error);
  int skews = (hot != 1) + (zipf != 0) + !routingFile.empty();
  if (skews > 1)
    return makeError("give one of imbalance=, zipf= and routing-file=: each "
                     "describes the whole spread of the experts' loads");
  if (hotExperts < 1)
    return makeError("hot-experts must be at least 1 (got " +
                     Twine(hotExperts) + ")");
  if (hotExperts > 1 && hot == 1)
    return makeError("hot-experts says how many experts imbalance= makes "
                     "hot: give imbalance= too");
  RoutingModel model;
  model.hot = hot;
  model.hotExperts = hotExperts;
  model.zipf = zipf;
  if (!routingFile.empty()) {
    llvm::Expected<RoutingTrace> trace = readRoutingTrace(routingFile);
    if (!trace)
      return trace.takeError();
    model.trace = std::make_shared<RoutingTrace>(std::move(*trace));
  }
  if (!placementFile.empty()) {
    llvm::Expected<ExpertPlacement> placement =
        readExpertPlacement(placementFile);
    if (!placement)
      return placement.takeError();
    model.placement = std::make_shared<ExpertPlacement>(std::move(*placement));
  }
  return model;
}

double RankLoad::total() const {
  double sum = 0;
  for (double c : copies)
    sum += c;
  return sum;
}

RankLoad mlir::moe::busiestRank(ArrayRef<double> shares, int64_t ranks,
                                const ExpertPlacement *placement) {
  int64_t experts = static_cast<int64_t>(shares.size());
  ranks = std::max<int64_t>(1, ranks);
  SmallVector<int64_t> copies(experts, 0);
  if (placement)
    for (const std::vector<int64_t> &ids : placement->ranks)
      for (int64_t id : ids)
        if (id < experts)
          ++copies[id];
  auto load = [&](int64_t rank) {
    RankLoad result;
    result.rank = rank;
    if (placement) {
      for (int64_t id : placement->ranks[rank])
        if (id < experts)
          result.copies.push_back(shares[id] / copies[id]);
      return result;
    }
    int64_t per = std::max<int64_t>(1, experts / ranks);
    for (int64_t id = rank * per; id < std::min(experts, (rank + 1) * per);
         ++id)
      result.copies.push_back(shares[id]);
    return result;
  };
  RankLoad best = load(0);
  double top = best.total();
  int64_t count =
      placement ? static_cast<int64_t>(placement->ranks.size()) : ranks;
  for (int64_t rank = 1; rank < count; ++rank) {
    RankLoad candidate = load(rank);
    if (candidate.total() > top * (1 + 1e-12)) {
      top = candidate.total();
      best = std::move(candidate);
    }
  }
  return best;
}
