//===- Machine.cpp - Machine descriptions for the cost model ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Presets cite their sources in docs/CostModel.md ("Machines"); efficiency
// constants are fitted there too ("Calibration"). JSON files and DLTI specs
// share one field table so they accept the same names.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Machine.h"
#include "moe/Support/Json.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <variant>

using namespace mlir;
using namespace mlir::moe;

double MachineModel::peakFor(unsigned elemBytes) const {
  if (elemBytes <= 1 && peakFlops8 > 0)
    return peakFlops8;
  if (elemBytes >= 4 && peakFlops32 > 0)
    return peakFlops32;
  return peakFlops16;
}

namespace {

/// A numeric field of MachineModel, by its JSON/DLTI name.
struct Field {
  const char *key;
  std::variant<double MachineModel::*, int64_t MachineModel::*> member;
  /// Must be > 0 (otherwise >= 0 is allowed).
  bool positive;
  /// Upper bound for fractions (0 = none).
  double max = 0;
};

const Field kFields[] = {
    {"peak_flops_16", &MachineModel::peakFlops16, true},
    {"peak_flops_8", &MachineModel::peakFlops8, false},
    {"peak_flops_32", &MachineModel::peakFlops32, false},
    {"compute_units", &MachineModel::computeUnits, true},
    {"tile_m", &MachineModel::tileM, true},
    {"tile_n", &MachineModel::tileN, true},
    {"memory_bandwidth", &MachineModel::memoryBandwidth, true},
    {"memory_capacity", &MachineModel::memoryCapacity, true},
    {"gemm_efficiency", &MachineModel::gemmEfficiency, true, 1},
    {"gemm_half_k", &MachineModel::gemmHalfK, false},
    {"attention_efficiency", &MachineModel::attentionEfficiency, true, 1},
    {"attention_backward_efficiency",
     &MachineModel::attentionBackwardEfficiency, true, 1},
    {"attention_half_seq", &MachineModel::attentionHalfSeq, false},
    {"memory_efficiency", &MachineModel::memoryEfficiency, true, 1},
    {"kernel_latency", &MachineModel::kernelLatency, false},
    {"grouped_gemm_efficiency", &MachineModel::groupedGemmEfficiency, true, 1},
    {"special_function_rate", &MachineModel::specialFunctionRate, false},
    {"devices_per_node", &MachineModel::devicesPerNode, true},
    {"max_devices", &MachineModel::maxDevices, true},
    {"intra_node_bandwidth", &MachineModel::intraNodeBandwidth, false},
    {"intra_node_latency", &MachineModel::intraNodeLatency, false},
    {"inter_node_bandwidth", &MachineModel::interNodeBandwidth, false},
    {"inter_node_latency", &MachineModel::interNodeLatency, false},
    {"collective_efficiency", &MachineModel::collectiveEfficiency, true, 1},
    {"overlap_efficiency", &MachineModel::overlapEfficiency, false, 1},
    {"weight_stream_bandwidth", &MachineModel::weightStreamBandwidth, false},
    {"wafer_half_batch", &MachineModel::waferHalfBatch, false},
    {"external_memory_capacity", &MachineModel::externalMemoryCapacity, false},
    {"resident_kernel_latency", &MachineModel::residentKernelLatency, false},
};

const Field *findField(StringRef key) {
  for (const Field &f : kFields)
    if (key == f.key)
      return &f;
  return nullptr;
}

double getValue(const MachineModel &m, const Field &f) {
  if (auto *d = std::get_if<double MachineModel::*>(&f.member))
    return m.**d;
  return static_cast<double>(m.*std::get<int64_t MachineModel::*>(f.member));
}

void setValue(MachineModel &m, const Field &f, double value) {
  if (auto *d = std::get_if<double MachineModel::*>(&f.member))
    m.**d = value;
  else
    m.*std::get<int64_t MachineModel::*>(f.member) =
        static_cast<int64_t>(value);
}

llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// A value as it would be written in JSON ("1e-06", "1.5"), not formatv's
/// fixed two decimals, which print -1e-6 as "-0.00".
std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

/// Sets `field` of `m` from `value` given for machine `name`; counts (units,
/// tiles, devices) must be whole numbers rather than be truncated.
llvm::Error setField(MachineModel &m, const Field &field, double value,
                     StringRef where) {
  // JSON's 1e999 reads as infinity.
  if (!std::isfinite(value))
    return makeError(where + ": '" + field.key +
                     "' must be a finite number (got " + formatNumber(value) +
                     ")");
  if (std::holds_alternative<int64_t MachineModel::*>(field.member) &&
      (value != std::floor(value) || std::abs(value) > 9.0e15))
    return makeError(where + ": '" + field.key +
                     "' must be a whole number (got " + formatNumber(value) +
                     ")");
  setValue(m, field, value);
  return llvm::Error::success();
}

std::string knownFields() {
  std::string names = "name, kind, base";
  for (const Field &f : kFields)
    names += std::string(", ") + f.key;
  return names;
}

//===----------------------------------------------------------------------===//
// Presets
//===----------------------------------------------------------------------===//

// GPU efficiency constants come from the calibration in docs/Validation.md;
// they are shared by the Hopper and Blackwell presets until a Blackwell data
// set exists (documented there).
void setHopperEfficiency(MachineModel &m) {
  m.tileM = 128;
  m.tileN = 128;
  m.gemmEfficiency = 0.840;
  m.gemmHalfK = 48;
  m.attentionEfficiency = 0.995;
  m.attentionBackwardEfficiency = 0.665;
  m.attentionHalfSeq = 416;
  m.memoryEfficiency = 0.895;
  m.kernelLatency = 6.5e-6;
  m.collectiveEfficiency = 0.890;
  m.groupedGemmEfficiency = 0.660;
  // scripts/fit-overlap.py: the Megatron-MoE-ModelZoo Qwen3-235B pair with
  // and without 1F1B all-to-all overlap (docs/Validation.md).
  m.overlapEfficiency = 0.298;
}

MachineModel makeH100() {
  MachineModel m;
  m.name = "h100-sxm";
  m.kind = MachineKind::Gpu;
  m.peakFlops16 = 989.4e12;
  m.peakFlops8 = 1978.9e12;
  m.peakFlops32 = 494.7e12;
  m.computeUnits = 132;
  m.memoryBandwidth = 3.35e12;
  m.memoryCapacity = 80e9;
  m.devicesPerNode = 8;
  m.maxDevices = 1 << 16;
  m.intraNodeBandwidth = 450e9;
  m.intraNodeLatency = 3e-6;
  m.interNodeBandwidth = 50e9;
  m.interNodeLatency = 30e-6;
  m.specialFunctionRate = 3.9e12;
  setHopperEfficiency(m);
  return m;
}

MachineModel makeH200() {
  MachineModel m = makeH100();
  m.name = "h200";
  m.memoryBandwidth = 4.8e12;
  m.memoryCapacity = 141e9;
  return m;
}

MachineModel makeB200() {
  MachineModel m = makeH100();
  m.name = "b200";
  m.peakFlops16 = 2.25e15;
  m.peakFlops8 = 4.5e15;
  m.peakFlops32 = 1.1e15;
  m.computeUnits = 148;
  m.memoryBandwidth = 8e12;
  m.memoryCapacity = 180e9;
  m.intraNodeBandwidth = 900e9;
  m.interNodeBandwidth = 100e9;
  m.specialFunctionRate = 2 * 3.9e12;
  return m;
}

/// Seconds per kernel of a wafer serving from SRAM (see makeWafer).
constexpr double kResidentKernelLatency = 1.23e-6;

// Wafer-scale systems: one "device" is one CS system; "memory" is the
// on-wafer SRAM; weights live in MemoryX and stream in over the system I/O.
MachineModel makeWafer(StringRef name, double peak16, double sram,
                       double sramBandwidth, double externalCapacity) {
  MachineModel m;
  m.name = name.str();
  m.kind = MachineKind::Wafer;
  m.peakFlops16 = peak16;
  m.peakFlops32 = peak16 / 4;
  m.computeUnits = 1;
  m.memoryBandwidth = sramBandwidth;
  m.memoryCapacity = sram;
  m.memoryEfficiency = 1.0;
  // Fitted on the published CS-2 expert-count sweep alone (moe-wse-sweep
  // --fit, docs/Validation.md "Cerebras CS-2: BTA"): the fraction of the
  // assumed peak the wafer reaches on GEMMs and attention, and the tokens
  // per weight at which it reaches half of that.
  m.gemmEfficiency = 0.07159;
  m.attentionEfficiency = 0.07159;
  m.attentionBackwardEfficiency = 0.07159;
  m.kernelLatency = 0;
  m.devicesPerNode = 1;
  m.maxDevices = 2048;
  // SwarmX: broadcast/reduce tree whose bandwidth per system equals the
  // system I/O; each tree level adds a hop.
  m.interNodeBandwidth = 150e9;
  m.interNodeLatency = 10e-6;
  m.weightStreamBandwidth = 150e9;
  m.waferHalfBatch = 1625;
  m.externalMemoryCapacity = externalCapacity;
  // Fitted on one published single-stream speed, Cerebras' Llama 3.1 8B at
  // 1,800 tokens/s in 16 bits (scripts/validate-wafer-serving.py --fit,
  // docs/Validation.md "Wafer-scale serving").
  m.residentKernelLatency = kResidentKernelLatency;
  return m;
}

} // namespace

MachineModel mlir::moe::getResidentWafer(const MachineModel &wafer) {
  MachineModel m = wafer;
  m.weightStreamBandwidth = 0;
  m.waferHalfBatch = 0;
  m.gemmEfficiency = 1;
  m.attentionEfficiency = 1;
  m.attentionBackwardEfficiency = 1;
  m.kernelLatency = wafer.residentKernelLatency;
  return m;
}

namespace {

MachineModel makeCS2() { return makeWafer("cs2", 62.5e15, 40e9, 20e15, 4e12); }
MachineModel makeCS3() { return makeWafer("cs3", 125e15, 44e9, 21e15, 12e12); }

/// The presets, in the order they are listed: the one table of names.
struct Preset {
  StringRef name;
  MachineModel (*make)();
};
const Preset kPresets[] = {{"h100-sxm", makeH100},
                           {"h200", makeH200},
                           {"b200", makeB200},
                           {"cs2", makeCS2},
                           {"cs3", makeCS3}};

} // namespace

ArrayRef<StringRef> mlir::moe::getMachinePresetNames() {
  static const SmallVector<StringRef> names = llvm::to_vector(
      llvm::map_range(kPresets, [](const Preset &p) { return p.name; }));
  return names;
}

llvm::Expected<MachineModel> mlir::moe::getMachinePreset(StringRef name) {
  // "h100" is accepted for the SXM part, the only H100 preset.
  if (name == "h100")
    name = "h100-sxm";
  for (const Preset &preset : kPresets)
    if (preset.name == name)
      return preset.make();
  return makeError("unknown machine '" + name +
                   "' (known: " + llvm::join(getMachinePresetNames(), ", ") +
                   "; or pass machine-file=FILE.json)");
}

ArrayRef<StringRef> mlir::moe::getRequiredMachineFields(MachineKind kind) {
  // What the roofline, the kernels' efficiencies and the collectives read.
  static const StringRef gpu[] = {"peak_flops_16",
                                  "memory_bandwidth",
                                  "memory_capacity",
                                  "compute_units",
                                  "tile_m",
                                  "tile_n",
                                  "gemm_efficiency",
                                  "attention_efficiency",
                                  "attention_backward_efficiency",
                                  "memory_efficiency",
                                  "kernel_latency",
                                  "grouped_gemm_efficiency",
                                  "devices_per_node",
                                  "max_devices",
                                  "intra_node_bandwidth",
                                  "intra_node_latency",
                                  "inter_node_bandwidth",
                                  "inter_node_latency",
                                  "collective_efficiency"};
  // A wafer is one device per system: no tiles or NVLink, but streaming.
  static const StringRef wafer[] = {"peak_flops_16",
                                    "memory_bandwidth",
                                    "memory_capacity",
                                    "gemm_efficiency",
                                    "attention_efficiency",
                                    "attention_backward_efficiency",
                                    "memory_efficiency",
                                    "kernel_latency",
                                    "max_devices",
                                    "inter_node_bandwidth",
                                    "inter_node_latency",
                                    "collective_efficiency",
                                    "weight_stream_bandwidth",
                                    "external_memory_capacity",
                                    "resident_kernel_latency"};
  if (kind == MachineKind::Wafer)
    return wafer;
  return gpu;
}

llvm::Error mlir::moe::validateMachine(const MachineModel &m) {
  // Reports and the cost summary name the machine.
  if (StringRef(m.name).trim().empty())
    return makeError("a machine needs a non-empty 'name'");
  for (const Field &f : kFields) {
    double v = getValue(m, f);
    if (!(v >= 0) || (f.positive && v == 0))
      return makeError(llvm::formatv(
          "machine '{0}': '{1}' must be {2} (got {3})", m.name, f.key,
          f.positive ? "positive" : "non-negative", formatNumber(v)));
    if (f.max > 0 && v > f.max)
      return makeError(llvm::formatv(
          "machine '{0}': '{1}' is a fraction and must be at most {2} (got "
          "{3})",
          m.name, f.key, formatNumber(f.max), formatNumber(v)));
    // Denormal or infinite figures make times overflow to infinity.
    if (v != 0 && !std::isnormal(v))
      return makeError(
          llvm::formatv("machine '{0}': '{1}' is out of range (got {2})",
                        m.name, f.key, formatNumber(v)));
  }
  if (m.devicesPerNode > 1 && m.intraNodeBandwidth <= 0)
    return makeError("machine '" + m.name +
                     "': 'intra_node_bandwidth' must be positive when "
                     "'devices_per_node' > 1");
  if (m.maxDevices > m.devicesPerNode && m.interNodeBandwidth <= 0)
    return makeError("machine '" + m.name +
                     "': 'inter_node_bandwidth' must be positive when "
                     "'max_devices' > 'devices_per_node' (plans span nodes)");
  if (m.isWafer() && m.weightStreamBandwidth <= 0)
    return makeError("machine '" + m.name +
                     "': a wafer needs a positive 'weight_stream_bandwidth'");
  return llvm::Error::success();
}

llvm::Expected<MachineModel> mlir::moe::parseMachineJSON(StringRef text) {
  llvm::Expected<llvm::json::Value> parsed = parseJson(text);
  if (!parsed)
    return makeError("malformed machine JSON: " +
                     llvm::toString(parsed.takeError()));
  const llvm::json::Object *obj = parsed->getAsObject();
  if (!obj)
    return makeError("machine JSON must be an object");

  MachineModel m;
  bool hasBase = false;
  if (const llvm::json::Value *base = obj->get("base")) {
    std::optional<StringRef> baseName = base->getAsString();
    if (!baseName)
      return makeError("machine JSON: 'base' must be a preset name string");
    llvm::Expected<MachineModel> preset = getMachinePreset(*baseName);
    if (!preset)
      return preset.takeError();
    m = *preset;
    hasBase = true;
  }
  std::optional<StringRef> name = obj->getString("name");
  if (!name)
    return makeError("machine JSON: missing string field 'name'");
  m.name = name->str();
  if (const llvm::json::Value *kind = obj->get("kind")) {
    std::optional<StringRef> k = kind->getAsString();
    if (!k || (*k != "gpu" && *k != "wafer"))
      return makeError("machine '" + m.name +
                       "': 'kind' must be \"gpu\" or \"wafer\"");
    m.kind = *k == "wafer" ? MachineKind::Wafer : MachineKind::Gpu;
  }

  llvm::SmallVector<const Field *> seen;
  for (const auto &[objectKey, value] : *obj) {
    StringRef key = objectKey;
    if (key == "name" || key == "kind" || key == "base")
      continue;
    const Field *field = findField(key);
    if (!field)
      return makeError("machine '" + m.name + "': unknown field '" + key +
                       "' (known: " + knownFields() + ")");
    std::optional<double> number = value.getAsNumber();
    if (!number)
      return makeError("machine '" + m.name + "': '" + key +
                       "' must be a number");
    if (llvm::Error err =
            setField(m, *field, *number, "machine '" + m.name + "'"))
      return std::move(err);
    seen.push_back(field);
  }
  if (!hasBase) {
    // Without a preset to start from, every figure the cost model uses must
    // be given: a default would be an ideal machine (efficiencies of 1, no
    // latency) or a missing network, silently.
    std::string missing;
    for (StringRef required : getRequiredMachineFields(m.kind))
      if (!llvm::is_contained(seen, findField(required)))
        missing += (missing.empty() ? "" : ", ") + required.str();
    if (!missing.empty())
      return makeError("machine '" + m.name + "': missing field" +
                       (StringRef(missing).contains(',') ? "s " : " ") +
                       missing +
                       " (give them, or a 'base' preset such as "
                       "\"base\": \"h100-sxm\" to start from)");
  }
  if (llvm::Error err = validateMachine(m))
    return std::move(err);
  return m;
}

llvm::Expected<MachineModel> mlir::moe::loadMachineFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError("cannot read machine file '" + path +
                     "': " + buffer.getError().message());
  llvm::Expected<MachineModel> m = parseMachineJSON((*buffer)->getBuffer());
  if (!m)
    return makeError(path + ": " + llvm::toString(m.takeError()));
  return m;
}

llvm::Expected<MachineModel>
mlir::moe::applyTargetSystemSpec(ModuleOp module, MachineModel machine) {
  auto spec = module->getAttrOfType<TargetSystemSpecAttr>(
      DLTIDialect::kTargetSystemDescAttrName);
  if (!spec)
    return machine;
  if (spec.getEntries().empty())
    return machine;
  auto device =
      dyn_cast<TargetDeviceSpecInterface>(spec.getEntries().front().getValue());
  if (!device)
    return makeError("dlti.target_system_spec: the first entry is not a "
                     "#dlti.target_device_spec");
  // A "base" entry selects the preset the other entries refine.
  for (DataLayoutEntryInterface entry : device.getEntries()) {
    auto key = dyn_cast<StringAttr>(entry.getKey());
    if (key && key.getValue() == "base") {
      auto base = dyn_cast<StringAttr>(entry.getValue());
      if (!base)
        return makeError("dlti.target_system_spec: 'base' must be a string");
      llvm::Expected<MachineModel> preset = getMachinePreset(base.getValue());
      if (!preset)
        return preset.takeError();
      machine = *preset;
    }
  }
  for (DataLayoutEntryInterface entry : device.getEntries()) {
    auto key = dyn_cast<StringAttr>(entry.getKey());
    if (!key)
      return makeError("dlti.target_system_spec: keys must be strings");
    StringRef name = key.getValue();
    if (name == "base")
      continue;
    if (name == "name") {
      auto value = dyn_cast<StringAttr>(entry.getValue());
      if (!value)
        return makeError("dlti.target_system_spec: 'name' must be a string");
      machine.name = value.getValue().str();
      continue;
    }
    if (name == "kind") {
      auto value = dyn_cast<StringAttr>(entry.getValue());
      if (!value || (value.getValue() != "gpu" && value.getValue() != "wafer"))
        return makeError(
            "dlti.target_system_spec: 'kind' must be \"gpu\" or \"wafer\"");
      machine.kind =
          value.getValue() == "wafer" ? MachineKind::Wafer : MachineKind::Gpu;
      continue;
    }
    const Field *field = findField(name);
    if (!field)
      return makeError("dlti.target_system_spec: unknown machine field '" +
                       name + "' (known: " + knownFields() + ")");
    double value;
    if (auto f = dyn_cast<FloatAttr>(entry.getValue()))
      value = f.getValueAsDouble();
    else if (auto i = dyn_cast<IntegerAttr>(entry.getValue()))
      value = static_cast<double>(i.getInt());
    else
      return makeError("dlti.target_system_spec: '" + name +
                       "' must be a number");
    if (llvm::Error err =
            setField(machine, *field, value, "dlti.target_system_spec"))
      return std::move(err);
  }
  if (llvm::Error err = validateMachine(machine))
    return std::move(err);
  return machine;
}

llvm::Expected<MachineModel>
mlir::moe::resolveMachine(StringRef preset, StringRef file, ModuleOp module) {
  llvm::Expected<MachineModel> machine =
      file.empty() ? getMachinePreset(preset) : loadMachineFile(file);
  if (!machine)
    return machine.takeError();
  return applyTargetSystemSpec(module, std::move(*machine));
}

llvm::Expected<MachineModel>
mlir::moe::resolveGPUCluster(StringRef preset, StringRef file, ModuleOp module,
                             int64_t gpus, int64_t gpusPerNode) {
  llvm::Expected<MachineModel> machine = resolveMachine(preset, file, module);
  if (!machine)
    return machine.takeError();
  if (machine->isWafer())
    return makeError("machine '" + machine->name +
                     "' is a wafer-scale system; this search covers GPU plans");
  if (gpus > machine->maxDevices)
    return makeError("gpus (" + Twine(gpus) + ") is more than " +
                     machine->name + " allows (" + Twine(machine->maxDevices) +
                     ")");
  machine->devicesPerNode = gpusPerNode;
  return machine;
}
