//===- ServingReport.cpp - Serving search results ---------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Report/ServingReport.h"
#include "moe/Report/SearchReport.h"
#include "moe/Support/Format.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moe;

using Kind = ServingCandidate::Kind;

StringRef mlir::moe::stringifyServingKind(Kind kind) {
  return kind == Kind::Colocated ? "co-located" : "disaggregated";
}

std::string mlir::moe::describeServingCandidate(const ServingCandidate &c) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (c.kind == Kind::Colocated) {
    os << c.decodeInstances << " x " << describeServingPlan(c.decode.plan)
       << ", " << c.decode.batch << " seq/GPU + "
       << llvm::format("%.0f", c.chunkTokens) << " prompt tok/GPU per step";
    return out;
  }
  os << "prefill " << c.prefillInstances << " x "
     << describeServingPlan(c.prefill.plan) << ", " << c.prefill.batch
     << " prompt" << (c.prefill.batch == 1 ? "" : "s") << "/GPU; decode "
     << c.decodeInstances << " x " << describeServingPlan(c.decode.plan) << ", "
     << c.decode.batch << " seq/GPU";
  return out;
}

namespace {

/// What both searches' JSON say of the requests and their KV cache.
void writeRequestJSON(llvm::json::OStream &j, const ServingWorkload &w,
                      double kvBytesPerToken, int64_t meanContext) {
  j.attributeObject("workload", [&] {
    j.attribute("input_tokens", w.inputTokens);
    j.attribute("output_tokens", w.outputTokens);
    j.attribute("ttft_limit_seconds", w.ttftLimit);
    j.attribute("tpot_limit_seconds", w.tpotLimit);
  });
  j.attribute("kv_bytes_per_token", kvBytesPerToken);
  j.attribute("mean_context", meanContext);
}

std::string describeTargets(const ServingWorkload &w) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (w.ttftLimit > 0)
    os << "TTFT <= " << formatSeconds(w.ttftLimit);
  if (w.tpotLimit > 0)
    os << (w.ttftLimit > 0 ? ", " : "")
       << "TPOT <= " << formatSeconds(w.tpotLimit);
  if (out.empty())
    os << "no latency targets";
  return out;
}

void writeBest(const ServingResult &result, Kind kind, llvm::raw_ostream &os) {
  std::string label = "best " + stringifyServingKind(kind).str();
  const ServingCandidate *c = result.best(kind);
  if (!c) {
    os << llvm::format("  %-19s none meets the targets\n", label.c_str());
    return;
  }
  os << llvm::format("  %-19s %s\n", label.c_str(),
                     describeServingCandidate(*c).c_str());
  std::string transfer;
  if (c->kind == Kind::Disaggregated)
    transfer = " (KV transfer " + formatSeconds(c->kvTransferSeconds) + ")";
  os << llvm::format(
      "  %-19s TTFT %s%s, TPOT %s: %s per GPU, %s per user; %d GPUs, "
      "%s/GPU\n",
      "", formatSeconds(c->ttft).c_str(), transfer.c_str(),
      formatSeconds(c->tpot).c_str(),
      formatScaled(c->tokensPerSecond, "tok/s").c_str(),
      formatScaled(c->tokensPerSecondPerUser, "tok/s").c_str(),
      static_cast<int>(c->gpus()), formatBytes(c->decode.memoryBytes).c_str());
}

} // namespace

void mlir::moe::writeServingText(const ServingResult &result, size_t top,
                                 llvm::raw_ostream &os) {
  const ServingWorkload &w = result.workload;
  os << "moe-mlir serving search: " << result.devices << " x " << result.machine
     << ", requests of " << w.inputTokens << " prompt + " << w.outputTokens
     << " output tokens, " << describeTargets(w) << "\n";
  os << llvm::format("  %-19s %s per token; decode priced at the mean "
                     "context of %lld tokens\n",
                     "KV cache", formatBytes(result.kvBytesPerToken).c_str(),
                     static_cast<long long>(result.meanContext));
  os << llvm::format("  %-19s %lld phase configurations priced, %lld "
                     "rejected (plan rules or memory)\n\n",
                     "searched", static_cast<long long>(result.phasesPriced),
                     static_cast<long long>(result.phasesRejected));
  writeBest(result, Kind::Colocated, os);
  writeBest(result, Kind::Disaggregated, os);
  const ServingCandidate *co = result.best(Kind::Colocated);
  const ServingCandidate *dis = result.best(Kind::Disaggregated);
  if (co && dis) {
    bool split = dis->tokensPerSecond > co->tokensPerSecond;
    const ServingCandidate *win = split ? dis : co, *lose = split ? co : dis;
    os << llvm::format("  %-19s %s serves %.2fx the tokens per GPU of %s "
                       "under the targets\n",
                       "verdict", stringifyServingKind(win->kind).str().c_str(),
                       win->tokensPerSecond / lose->tokensPerSecond,
                       stringifyServingKind(lose->kind).str().c_str());
  }
  os << "\nPareto front (tokens/s per GPU against tokens/s per user; * meets "
        "the targets)\n";
  os << llvm::format("  %-14s %12s %12s %10s %10s  %s\n", "kind", "tok/s/GPU",
                     "tok/s/user", "TTFT", "TPOT", "plan");
  std::vector<const ServingCandidate *> front;
  for (const ServingCandidate &c : result.candidates)
    if (c.pareto)
      front.push_back(&c);
  std::stable_sort(front.begin(), front.end(), [](auto *a, auto *b) {
    return a->tokensPerSecondPerUser > b->tokensPerSecondPerUser;
  });
  // Plans that differ only in how instances group the same per-GPU work
  // (4 x 8 GPUs or 2 x 16 with dp=2) give the same figures: one row each.
  auto same = [](const ServingCandidate *a, const ServingCandidate *b) {
    return a->kind == b->kind && a->tokensPerSecond == b->tokensPerSecond &&
           a->tokensPerSecondPerUser == b->tokensPerSecondPerUser &&
           a->ttft == b->ttft;
  };
  front.erase(std::unique(front.begin(), front.end(), same), front.end());
  size_t rows = 0;
  for (const ServingCandidate *c : front) {
    if (rows++ == top) {
      os << "  ... " << front.size() - top << " more\n";
      break;
    }
    os << llvm::format(
        "  %-14s %12s %12s %10s %10s %s %s\n",
        stringifyServingKind(c->kind).str().c_str(),
        formatScaled(c->tokensPerSecond, "").c_str(),
        formatScaled(c->tokensPerSecondPerUser, "").c_str(),
        formatSeconds(c->ttft).c_str(), formatSeconds(c->tpot).c_str(),
        c->meetsTargets ? "*" : " ", describeServingCandidate(*c).c_str());
  }
}

void mlir::moe::writeServingJSON(const ServingResult &result,
                                 llvm::raw_ostream &os) {
  auto phase = [](llvm::json::OStream &j, const ServingPhase &p) {
    j.attribute("gpus", p.gpus());
    j.attribute("ep", p.plan.ep);
    j.attribute("dp", p.plan.dp);
    j.attribute("tp", p.plan.tp);
    j.attribute("etp", p.plan.etp);
    j.attribute("fp8", p.plan.fp8);
    j.attribute("batch_per_gpu", p.batch);
    j.attribute("step_seconds", p.seconds);
    j.attribute("memory_bytes_per_gpu", p.memoryBytes);
    j.attribute("tokens_per_second_per_gpu", p.tokensPerSecond);
  };
  auto candidate = [&](llvm::json::OStream &j, const ServingCandidate &c) {
    j.attribute("kind", stringifyServingKind(c.kind));
    j.attribute("plan", describeServingCandidate(c));
    j.attribute("ttft_seconds", c.ttft);
    j.attribute("tpot_seconds", c.tpot);
    j.attribute("kv_transfer_seconds", c.kvTransferSeconds);
    j.attribute("tokens_per_second_per_gpu", c.tokensPerSecond);
    j.attribute("tokens_per_second_per_user", c.tokensPerSecondPerUser);
    j.attribute("gpus", c.gpus());
    j.attribute("prefill_instances", c.prefillInstances);
    j.attribute("decode_instances", c.decodeInstances);
    j.attribute("chunk_tokens_per_gpu", c.chunkTokens);
    j.attributeObject("prefill", [&] { phase(j, c.prefill); });
    j.attributeObject("decode", [&] { phase(j, c.decode); });
    j.attribute("meets_targets", c.meetsTargets);
    j.attribute("pareto", c.pareto);
  };
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("machine", result.machine);
    j.attribute("gpus", result.devices);
    writeRequestJSON(j, result.workload, result.kvBytesPerToken,
                     result.meanContext);
    j.attribute("phases_priced", result.phasesPriced);
    j.attribute("phases_rejected", result.phasesRejected);
    for (Kind kind : {Kind::Colocated, Kind::Disaggregated}) {
      std::string key =
          kind == Kind::Colocated ? "best_colocated" : "best_disaggregated";
      if (const ServingCandidate *c = result.best(kind))
        j.attributeObject(key, [&] { candidate(j, *c); });
      else
        j.attribute(key, nullptr);
    }
    j.attributeArray("candidates", [&] {
      for (const ServingCandidate &c : result.candidates)
        j.object([&] { candidate(j, c); });
    });
  });
  os << "\n";
}

namespace {

std::string describeWaferRow(const WaferServingRow &row) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << row.systems << " system" << (row.systems == 1 ? "" : "s") << ", "
     << row.batch << " seq/system";
  return out;
}

void writeWaferBest(const WaferServingResult &result, WaferWeights weights,
                    llvm::raw_ostream &os) {
  std::string label = "best " + stringifyWaferWeights(weights).str();
  const WaferServingRow *row = result.best(weights);
  if (!row) {
    os << llvm::format("  %-19s no batch fits and meets the targets\n",
                       label.c_str());
    return;
  }
  os << llvm::format("  %-19s %s: TTFT %s, TPOT %s\n", label.c_str(),
                     describeWaferRow(*row).c_str(),
                     formatSeconds(row->step.ttft).c_str(),
                     formatSeconds(row->step.tpot).c_str());
  os << llvm::format("  %-19s %s per system, %s per user; %s/system (KV "
                     "cache %s)\n",
                     "",
                     formatScaled(row->step.tokensPerSecond, "tok/s").c_str(),
                     formatScaled(row->tokensPerSecondPerUser, "tok/s").c_str(),
                     formatBytes(row->memoryBytes).c_str(),
                     formatBytes(row->kvCacheBytes).c_str());
}

} // namespace

void mlir::moe::writeWaferServingText(const WaferServingResult &result,
                                      llvm::raw_ostream &os) {
  const ServingWorkload &w = result.workload;
  os << "moe-mlir wafer-scale serving: up to " << result.maxSystems << " x "
     << result.machine << ", requests of " << w.inputTokens << " prompt + "
     << w.outputTokens << " output tokens, " << describeTargets(w) << "\n";
  os << llvm::format("  %-19s %s per token; decode priced at the mean "
                     "context of %lld tokens\n",
                     "KV cache", formatBytes(result.kvBytesPerToken).c_str(),
                     static_cast<long long>(result.meanContext));
  os << llvm::format("  %-19s %s as the program stores them\n\n", "weights",
                     formatBytes(result.modelWeightBytes).c_str());
  writeWaferBest(result, WaferWeights::Resident, os);
  writeWaferBest(result, WaferWeights::Streamed, os);
  const WaferServingRow *res = result.best(WaferWeights::Resident);
  const WaferServingRow *str = result.best(WaferWeights::Streamed);
  if (res && str) {
    double user = res->tokensPerSecondPerUser / str->tokensPerSecondPerUser;
    double system = res->step.tokensPerSecond / str->step.tokensPerSecond;
    os << llvm::format("  %-19s resident serves each user %.2fx as fast and "
                       "%.2fx the tokens per system, on %lld systems per "
                       "replica instead of 1\n",
                       "verdict", user, system,
                       static_cast<long long>(res->systems));
  }
  for (WaferWeights weights :
       {WaferWeights::Resident, WaferWeights::Streamed}) {
    os << (weights == WaferWeights::Resident
               ? "\nweights resident in SRAM (layers pipelined over the "
                 "systems of a replica; * meets the targets)\n"
               : "\nweights streamed from external memory (KV cache on the "
                 "wafer, one system per replica)\n");
    os << llvm::format("  %10s %8s %13s %11s %10s %10s %14s\n", "seq/system",
                       "systems", "tok/s/system", "tok/s/user", "TTFT", "TPOT",
                       "memory/system");
    bool any = false;
    for (const WaferServingRow &row : result.rows) {
      if (row.weights != weights)
        continue;
      any = true;
      os << llvm::format("  %10lld %8lld %13s %11s %10s %10s %14s%s\n",
                         static_cast<long long>(row.batch),
                         static_cast<long long>(row.systems),
                         formatScaled(row.step.tokensPerSecond, "").c_str(),
                         formatScaled(row.tokensPerSecondPerUser, "").c_str(),
                         formatSeconds(row.step.ttft).c_str(),
                         formatSeconds(row.step.tpot).c_str(),
                         formatBytes(row.memoryBytes).c_str(),
                         row.meetsTargets ? " *" : "");
    }
    if (!any)
      os << "  no batch fits\n";
  }
}

void mlir::moe::writeWaferServingJSON(const WaferServingResult &result,
                                      llvm::raw_ostream &os) {
  auto row = [](llvm::json::OStream &j, const WaferServingRow &r) {
    j.attribute("weights", stringifyWaferWeights(r.weights));
    j.attribute("systems", r.systems);
    j.attribute("batch_per_system", r.batch);
    j.attribute("decode_step_seconds", r.decodeSeconds);
    j.attribute("prefill_seconds", r.prefillSeconds);
    j.attribute("prefill_tokens_per_second_per_system",
                r.prefillTokensPerSecond);
    j.attribute("chunk_tokens_per_system", r.step.chunkTokens);
    j.attribute("ttft_seconds", r.step.ttft);
    j.attribute("tpot_seconds", r.step.tpot);
    j.attribute("tokens_per_second_per_system", r.step.tokensPerSecond);
    j.attribute("tokens_per_second_per_user", r.tokensPerSecondPerUser);
    j.attribute("weight_bytes_per_system", r.weightBytes);
    j.attribute("kv_cache_bytes_per_system", r.kvCacheBytes);
    j.attribute("memory_bytes_per_system", r.memoryBytes);
    j.attribute("meets_targets", r.meetsTargets);
  };
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("machine", result.machine);
    j.attribute("max_systems", result.maxSystems);
    writeRequestJSON(j, result.workload, result.kvBytesPerToken,
                     result.meanContext);
    j.attribute("model_weight_bytes", result.modelWeightBytes);
    j.attribute("rejected", result.rejected);
    for (WaferWeights weights :
         {WaferWeights::Resident, WaferWeights::Streamed}) {
      std::string key = "best_" + stringifyWaferWeights(weights).str();
      if (const WaferServingRow *r = result.best(weights))
        j.attributeObject(key, [&] { row(j, *r); });
      else
        j.attribute(key, nullptr);
    }
    j.attributeArray("rows", [&] {
      for (const WaferServingRow &r : result.rows)
        j.object([&] { row(j, r); });
    });
  });
  os << "\n";
}
