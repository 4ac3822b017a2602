//===- MachineTest.cpp - Machine presets, JSON and validation ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Presets exist and are valid; JSON machines parse, inherit from a base and
// are rejected with an error naming the problem (one test per error).
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Machine.h"

#include "gtest/gtest.h"

#include <cmath>
#include <map>
#include <string>

using namespace mlir;
using namespace mlir::moe;

namespace {

/// The error of `machine`, or "" when it parsed.
std::string errorOf(llvm::Expected<MachineModel> machine) {
  if (machine)
    return "";
  return llvm::toString(machine.takeError());
}

std::string parseError(llvm::StringRef json) {
  return errorOf(parseMachineJSON(json));
}

/// A few fields, for the errors raised before the required ones are checked.
constexpr const char *kRequired =
    R"("peak_flops_16": 1e12, "memory_bandwidth": 1e11, "memory_capacity": 1e12)";

//===----------------------------------------------------------------------===//
// Presets
//===----------------------------------------------------------------------===//

TEST(MachinePresets, EveryNameResolvesAndValidates) {
  ArrayRef<StringRef> names = getMachinePresetNames();
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[0], "h100-sxm");
  EXPECT_EQ(names[1], "h200");
  EXPECT_EQ(names[2], "b200");
  EXPECT_EQ(names[3], "cs2");
  EXPECT_EQ(names[4], "cs3");
  for (StringRef name : names) {
    llvm::Expected<MachineModel> machine = getMachinePreset(name);
    ASSERT_TRUE(static_cast<bool>(machine)) << name.str();
    EXPECT_EQ(machine->name, name.str());
    EXPECT_FALSE(static_cast<bool>(validateMachine(*machine))) << name.str();
    EXPECT_GT(machine->peakFlops16, 0);
    EXPECT_GT(machine->memoryBandwidth, 0);
    EXPECT_GT(machine->memoryCapacity, 0);
  }
}

TEST(MachinePresets, KindsAndAliases) {
  for (StringRef gpu : {"h100-sxm", "h200", "b200"})
    EXPECT_FALSE(getMachinePreset(gpu)->isWafer()) << gpu.str();
  for (StringRef wafer : {"cs2", "cs3"}) {
    llvm::Expected<MachineModel> m = getMachinePreset(wafer);
    EXPECT_TRUE(m->isWafer()) << wafer.str();
    // Weights stream from external memory, so a wafer needs that link.
    EXPECT_GT(m->weightStreamBandwidth, 0) << wafer.str();
  }
  // "h100" is accepted for "h100-sxm".
  EXPECT_EQ(getMachinePreset("h100")->name, "h100-sxm");
  // H200 is an H100 with more and faster memory: same compute.
  EXPECT_EQ(getMachinePreset("h200")->peakFlops16,
            getMachinePreset("h100-sxm")->peakFlops16);
  EXPECT_GT(getMachinePreset("h200")->memoryBandwidth,
            getMachinePreset("h100-sxm")->memoryBandwidth);
}

TEST(MachinePresets, UnknownNameListsTheKnownOnes) {
  EXPECT_EQ(errorOf(getMachinePreset("h900")),
            "unknown machine 'h900' (known: h100-sxm, h200, b200, cs2, cs3; "
            "or pass machine-file=FILE.json)");
}

TEST(MachinePresets, PeakByElementWidth) {
  // fp8 and fp32 peaks where given, the 16-bit peak otherwise.
  MachineModel m;
  m.peakFlops16 = 2;
  EXPECT_EQ(m.peakFor(1), 2);
  EXPECT_EQ(m.peakFor(4), 2);
  m.peakFlops8 = 4;
  m.peakFlops32 = 1;
  EXPECT_EQ(m.peakFor(1), 4);
  EXPECT_EQ(m.peakFor(2), 2);
  EXPECT_EQ(m.peakFor(4), 1);
  EXPECT_EQ(m.peakFor(8), 1);
}

//===----------------------------------------------------------------------===//
// JSON machines
//===----------------------------------------------------------------------===//

/// Every field a GPU without a base must give, `overrides` replacing some
/// (the unit machine of the lit tests otherwise).
std::string gpuMachine(std::map<std::string, std::string> overrides = {},
                       llvm::StringRef skip = "") {
  std::map<std::string, std::string> fields = {
      {"peak_flops_16", "1e12"},
      {"memory_bandwidth", "1e11"},
      {"memory_capacity", "1e12"},
      {"compute_units", "1"},
      {"tile_m", "1"},
      {"tile_n", "1"},
      {"gemm_efficiency", "1"},
      {"attention_efficiency", "1"},
      {"attention_backward_efficiency", "1"},
      {"memory_efficiency", "1"},
      {"kernel_latency", "0"},
      {"grouped_gemm_efficiency", "1"},
      {"devices_per_node", "4"},
      {"max_devices", "64"},
      {"intra_node_bandwidth", "1e9"},
      {"intra_node_latency", "1e-6"},
      {"inter_node_bandwidth", "1e8"},
      {"inter_node_latency", "1e-5"},
      {"collective_efficiency", "1"}};
  for (auto &[key, value] : overrides)
    fields[key] = value;
  std::string json = R"({"name": "unit", "kind": "gpu")";
  for (auto &[key, value] : fields)
    if (key != skip)
      json += ", \"" + key + "\": " + value;
  return json + "}";
}

TEST(MachineJSON, FullDescription) {
  llvm::Expected<MachineModel> m =
      parseMachineJSON(gpuMachine({{"gemm_efficiency", "0.5"}}));
  ASSERT_TRUE(static_cast<bool>(m)) << llvm::toString(m.takeError());
  EXPECT_EQ(m->name, "unit");
  EXPECT_FALSE(m->isWafer());
  EXPECT_EQ(m->peakFlops16, 1e12);
  EXPECT_EQ(m->memoryBandwidth, 1e11);
  EXPECT_EQ(m->memoryCapacity, 1e12);
  EXPECT_EQ(m->tileM, 1);
  EXPECT_EQ(m->tileN, 1);
  EXPECT_EQ(m->computeUnits, 1);
  EXPECT_EQ(m->devicesPerNode, 4);
  EXPECT_EQ(m->intraNodeBandwidth, 1e9);
  EXPECT_EQ(m->gemmEfficiency, 0.5);
  EXPECT_EQ(m->interNodeBandwidth, 1e8);
  // Optional fields not given keep MachineModel's defaults.
  EXPECT_EQ(m->peakFlops8, 0);
  EXPECT_EQ(m->specialFunctionRate, 0);
}

TEST(MachineJSON, BaseIsRefined) {
  llvm::Expected<MachineModel> m = parseMachineJSON(
      R"({"name": "slow-hbm", "base": "h100-sxm", "memory_bandwidth": 2e12})");
  ASSERT_TRUE(static_cast<bool>(m)) << llvm::toString(m.takeError());
  llvm::Expected<MachineModel> h100 = getMachinePreset("h100-sxm");
  EXPECT_EQ(m->name, "slow-hbm");
  EXPECT_EQ(m->memoryBandwidth, 2e12);
  // Everything else is the preset's.
  EXPECT_EQ(m->peakFlops16, h100->peakFlops16);
  EXPECT_EQ(m->memoryCapacity, h100->memoryCapacity);
  EXPECT_EQ(m->gemmEfficiency, h100->gemmEfficiency);
  EXPECT_EQ(m->devicesPerNode, h100->devicesPerNode);
  // A wafer base stays a wafer unless "kind" says otherwise.
  EXPECT_TRUE(parseMachineJSON(R"({"name": "w", "base": "cs2"})")->isWafer());
}

// One test per error.

TEST(MachineJSONErrors, Malformed) {
  // The message is llvm::json's, with the position it stopped at (the end
  // of this 36-character text).
  EXPECT_EQ(parseError(R"({"name": "m", "peak_flops_16": 1e12,)"),
            "malformed machine JSON: [1:36, byte=36]: Expected object key");
}

TEST(MachineJSONErrors, NotAnObject) {
  EXPECT_EQ(parseError(R"([{"name": "m"}])"), "machine JSON must be an object");
  EXPECT_EQ(parseError("42"), "machine JSON must be an object");
}

TEST(MachineJSONErrors, MissingOrNonStringName) {
  EXPECT_EQ(parseError(std::string("{") + kRequired + "}"),
            "machine JSON: missing string field 'name'");
  EXPECT_EQ(parseError(std::string(R"({"name": 7, )") + kRequired + "}"),
            "machine JSON: missing string field 'name'");
}

TEST(MachineJSONErrors, MissingRequiredFieldWithoutBase) {
  // Each required field, left out alone, is named (the rest of the machine
  // is complete); an MI300X-like file with only its peaks is not silently
  // an ideal machine.
  for (llvm::StringRef field : getRequiredMachineFields(MachineKind::Gpu))
    EXPECT_EQ(parseError(gpuMachine({}, field)),
              ("machine 'unit': missing field " + field +
               " (give them, or a 'base' preset such as \"base\": "
               "\"h100-sxm\" to start from)")
                  .str());
  EXPECT_EQ(
      parseError(R"({"name": "mi300x", "peak_flops_16": 1.3e15,
                     "memory_bandwidth": 5.3e12, "memory_capacity": 192e9,
                     "compute_units": 304, "tile_m": 128, "tile_n": 128,
                     "devices_per_node": 8, "max_devices": 8,
                     "intra_node_bandwidth": 448e9, "intra_node_latency": 3e-6,
                     "inter_node_bandwidth": 50e9, "inter_node_latency": 3e-5})"),
      "machine 'mi300x': missing fields gemm_efficiency, attention_efficiency, "
      "attention_backward_efficiency, memory_efficiency, kernel_latency, "
      "grouped_gemm_efficiency, collective_efficiency (give them, or a "
      "'base' preset such as \"base\": \"h100-sxm\" to start from)");
}

TEST(MachineJSONErrors, UnknownField) {
  std::string error = parseError(
      R"({"name": "m", "base": "h100-sxm", "memory_bandwith": 1e12})");
  EXPECT_EQ(error.rfind("machine 'm': unknown field 'memory_bandwith' (known: "
                        "name, kind, base, peak_flops_16, ",
                        0),
            0u)
      << error;
  // The list names every field.
  EXPECT_NE(error.find("memory_bandwidth"), std::string::npos);
  EXPECT_NE(error.find("external_memory_capacity"), std::string::npos);
}

TEST(MachineJSONErrors, NonNumber) {
  EXPECT_EQ(
      parseError(
          R"({"name": "m", "base": "h100-sxm", "memory_bandwidth": "1e12"})"),
      "machine 'm': 'memory_bandwidth' must be a number");
  EXPECT_EQ(parseError(R"({"name": "m", "base": "h100-sxm", "tile_m": null})"),
            "machine 'm': 'tile_m' must be a number");
}

TEST(MachineJSONErrors, Negative) {
  EXPECT_EQ(
      parseError(
          R"({"name": "m", "base": "h100-sxm", "kernel_latency": -1e-6})"),
      "machine 'm': 'kernel_latency' must be non-negative (got -1e-06)");
}

TEST(MachineJSONErrors, ZeroWherePositiveRequired) {
  EXPECT_EQ(
      parseError(R"({"name": "m", "base": "h100-sxm", "memory_bandwidth": 0})"),
      "machine 'm': 'memory_bandwidth' must be positive (got 0)");
  EXPECT_EQ(parseError(R"({"name": "m", "base": "h100-sxm", "tile_n": 0})"),
            "machine 'm': 'tile_n' must be positive (got 0)");
}

TEST(MachineJSONErrors, FractionAboveOne) {
  EXPECT_EQ(
      parseError(
          R"({"name": "m", "base": "h100-sxm", "gemm_efficiency": 1.5})"),
      "machine 'm': 'gemm_efficiency' is a fraction and must be at most 1 "
      "(got 1.5)");
  // 1 itself is allowed.
  EXPECT_EQ(
      parseError(R"({"name": "m", "base": "h100-sxm", "gemm_efficiency": 1})"),
      "");
}

TEST(MachineJSONErrors, FractionalCount) {
  EXPECT_EQ(
      parseError(R"({"name": "m", "base": "h100-sxm", "compute_units": 0.5})"),
      "machine 'm': 'compute_units' must be a whole number (got 0.5)");
  EXPECT_EQ(
      parseError(R"({"name": "m", "base": "h100-sxm", "devices_per_node": 8})"),
      "");
}

TEST(MachineJSONErrors, BadKind) {
  EXPECT_EQ(parseError(R"({"name": "m", "base": "h100-sxm", "kind": "tpu"})"),
            "machine 'm': 'kind' must be \"gpu\" or \"wafer\"");
  EXPECT_EQ(parseError(R"({"name": "m", "base": "h100-sxm", "kind": 1})"),
            "machine 'm': 'kind' must be \"gpu\" or \"wafer\"");
}

TEST(MachineJSONErrors, BadBase) {
  EXPECT_EQ(parseError(R"({"name": "m", "base": "h900"})"),
            "unknown machine 'h900' (known: h100-sxm, h200, b200, cs2, cs3; "
            "or pass machine-file=FILE.json)");
  EXPECT_EQ(parseError(R"({"name": "m", "base": 100})"),
            "machine JSON: 'base' must be a preset name string");
}

TEST(MachineJSONErrors, NoIntraNodeLink) {
  EXPECT_EQ(parseError(gpuMachine({{"intra_node_bandwidth", "0"}})),
            "machine 'unit': 'intra_node_bandwidth' must be positive when "
            "'devices_per_node' > 1");
}

TEST(MachineJSONErrors, NoInterNodeLink) {
  EXPECT_EQ(parseError(gpuMachine({{"inter_node_bandwidth", "0"}})),
            "machine 'unit': 'inter_node_bandwidth' must be positive when "
            "'max_devices' > 'devices_per_node' (plans span nodes)");
  // One node needs no network.
  EXPECT_TRUE(static_cast<bool>(parseMachineJSON(
      gpuMachine({{"inter_node_bandwidth", "0"}, {"max_devices", "4"}}))));
}

TEST(MachineJSONErrors, WaferWithoutWeightStreaming) {
  EXPECT_EQ(
      parseError(
          R"({"name": "m", "base": "cs3", "weight_stream_bandwidth": 0})"),
      "machine 'm': a wafer needs a positive 'weight_stream_bandwidth'");
}

TEST(MachineFile, Unreadable) {
  std::string error =
      errorOf(loadMachineFile("/nonexistent/moe-mlir/machine.json"));
  EXPECT_EQ(error.rfind("cannot read machine file "
                        "'/nonexistent/moe-mlir/machine.json': ",
                        0),
            0u)
      << error;
}

//===----------------------------------------------------------------------===//
// validateMachine
//===----------------------------------------------------------------------===//

TEST(ValidateMachine, DefaultsAreIncomplete) {
  // A default MachineModel has no peak: the first field checked fails.
  MachineModel m;
  m.name = "empty";
  EXPECT_EQ(llvm::toString(validateMachine(m)),
            "machine 'empty': 'peak_flops_16' must be positive (got 0)");
}

TEST(ValidateMachine, NotANumberIsRejected) {
  MachineModel m = *getMachinePreset("h100-sxm");
  m.memoryBandwidth = std::nan("");
  EXPECT_EQ(llvm::toString(validateMachine(m)),
            "machine 'h100-sxm': 'memory_bandwidth' must be positive (got "
            "nan)");
}

} // namespace
