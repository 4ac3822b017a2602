//===- Options.cpp - Pass and pipeline option types -------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Support/Options.h"

using namespace mlir;
using namespace mlir::moe;

llvm::cl::ValuesClass mlir::moe::phaseOptionValues() {
  return llvm::cl::values(
      clEnumValN(Phase::Forward, "forward",
                 "one forward pass (inference prefill)"),
      clEnumValN(Phase::Train, "train",
                 "a training step: forward, backward and the optimizer"));
}

llvm::cl::ValuesClass mlir::moe::dispatcherOptionValues() {
  return llvm::cl::values(
      clEnumValN(Dispatcher::AllToAll, "alltoall",
                 "every routed copy of a token is its own transfer"),
      clEnumValN(Dispatcher::DeepEP, "deepep",
                 "one copy per remote node, fanned out over NVLink there "
                 "(DeepEP)"));
}

llvm::StringRef mlir::moe::stringifyRecomputeModule(RecomputeModule module) {
  switch (module) {
  case RecomputeModule::CoreAttn:
    return "core_attn";
  case RecomputeModule::MlaUpProj:
    return "mla_up_proj";
  case RecomputeModule::MoeAct:
    return "moe_act";
  case RecomputeModule::Mlp:
    return "mlp";
  case RecomputeModule::Moe:
    return "moe";
  }
  llvm_unreachable("unknown recompute module");
}

std::optional<std::string>
mlir::moe::parseRecomputeModules(llvm::ArrayRef<std::string> names,
                                 unsigned &mask) {
  mask = 0;
  for (const std::string &name : names) {
    bool found = false;
    for (unsigned m = 0; m < kNumRecomputeModules; ++m)
      if (name == stringifyRecomputeModule(static_cast<RecomputeModule>(m))) {
        mask |= 1u << m;
        found = true;
      }
    if (!found)
      return "recompute-modules: unknown module '" + name +
             "' (known: core_attn, mla_up_proj, moe_act, mlp, moe)";
  }
  return std::nullopt;
}

std::string mlir::moe::describeRecomputeModules(unsigned mask) {
  std::string names;
  for (unsigned m = 0; m < kNumRecomputeModules; ++m)
    if (mask & (1u << m))
      names += (names.empty() ? "" : ",") +
               stringifyRecomputeModule(static_cast<RecomputeModule>(m)).str();
  return names;
}

llvm::cl::ValuesClass mlir::moe::formatOptionValues() {
  return llvm::cl::values(
      clEnumValN(ReportFormat::Text, "text", "aligned tables for people"),
      clEnumValN(ReportFormat::Json, "json", "the stable contract for scripts"),
      clEnumValN(ReportFormat::Csv, "csv", "one row per op or plan"));
}

llvm::raw_ostream &mlir::moe::operator<<(llvm::raw_ostream &os,
                                         const TileCount &tiles) {
  if (tiles.isAuto())
    return os << "auto";
  return os << tiles.count;
}

bool llvm::cl::parser<TileCount>::parse(Option &option, StringRef,
                                        StringRef arg, TileCount &value) {
  if (arg == "auto") {
    value.count = 0;
    return false;
  }
  int64_t count = 0;
  if (arg.getAsInteger(10, count) || count < 1)
    return option.error("'" + arg +
                        "' is not a tile count (a positive number, or auto)");
  value.count = count;
  return false;
}

void llvm::cl::parser<TileCount>::printOptionDiff(
    const Option &option, TileCount value,
    const OptionValue<TileCount> &defaultValue, size_t globalWidth) const {
  printOptionName(option, globalWidth);
  std::string text;
  llvm::raw_string_ostream(text) << value;
  outs() << "= " << text;
  if (defaultValue.hasValue()) {
    std::string def;
    llvm::raw_string_ostream(def) << defaultValue.getValue();
    outs() << " (default: " << def << ")";
  }
  outs() << "\n";
}

void llvm::cl::parser<TileCount>::anchor() {}
