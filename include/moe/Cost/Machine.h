//===- Machine.h - Machine descriptions for the cost model ------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A machine is one device type (a GPU, or a wafer-scale system) plus the
// links between devices. Every constant's source is in docs/CostModel.md.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_ANALYSIS_MACHINE_H
#define MOE_ANALYSIS_MACHINE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
class ModuleOp;
namespace moe {

enum class MachineKind { Gpu, Wafer };

struct MachineModel {
  std::string name;
  MachineKind kind = MachineKind::Gpu;

  // Compute: dense peak FLOP/s by operand width.
  double peakFlops16 = 0; ///< bf16/fp16 tensor cores (or wafer FP16).
  double peakFlops8 = 0;  ///< fp8.
  double peakFlops32 = 0; ///< fp32 (TF32 tensor cores on GPUs).
  /// Parallel units that take GEMM tiles (GPU SMs); waves are counted in them.
  int64_t computeUnits = 1;
  int64_t tileM = 128, tileN = 128;

  // Device memory (HBM, or on-wafer SRAM for a wafer).
  double memoryBandwidth = 0;
  double memoryCapacity = 0;

  // Efficiency (fitted; docs/Validation.md): the fraction of peak large GEMMs
  // reach, the K at which the K loop runs at half speed, fused-attention
  // efficiency forward/backward and the sequence length of half efficiency,
  // achievable memory-bandwidth fraction, and the fixed cost of a kernel.
  double gemmEfficiency = 1;
  double gemmHalfK = 0;
  double attentionEfficiency = 1;
  double attentionBackwardEfficiency = 1;
  double attentionHalfSeq = 0;
  double memoryEfficiency = 1;
  double kernelLatency = 0;
  /// Efficiency of grouped GEMMs (one kernel over many experts) relative to
  /// a dense GEMM of the same tiles.
  double groupedGemmEfficiency = 1;
  /// Exponentials per second (softmax inside fused attention runs on the
  /// special-function units, not the tensor cores); 0 ignores them.
  double specialFunctionRate = 0;

  // Network: devices per node, per-device per-direction link bandwidth and
  // latency inside a node (NVLink) and across nodes (InfiniBand), and the
  // fraction of line rate collectives reach.
  int64_t devicesPerNode = 1;
  int64_t maxDevices = 1;
  double intraNodeBandwidth = 0, intraNodeLatency = 0;
  double interNodeBandwidth = 0, interNodeLatency = 0;
  double collectiveEfficiency = 1;
  /// Of a merged forward/backward pair of the expert-parallel overlap
  /// schedule (CostOptions::epOverlap), the fraction of its overlappable
  /// time (the lesser of its all-to-alls and its compute) that hides.
  double overlapEfficiency = 1;

  // Wafer-scale weight streaming: external-memory (MemoryX) to wafer
  // bandwidth per system, the per-expert batch (tokens per weight matrix)
  // at which wafer compute reaches half its peak efficiency, and external
  // weight memory capacity.
  double weightStreamBandwidth = 0;
  double waferHalfBatch = 0;
  double externalMemoryCapacity = 0;
  /// Fixed cost of a kernel on a wafer serving from SRAM (getResidentWafer):
  /// a step's data crossing the wafer's fabric. Training steps, long enough
  /// to hide it, leave it out.
  double residentKernelLatency = 0;

  /// Peak dense FLOP/s for operands of `elemBytes` bytes.
  double peakFor(unsigned elemBytes) const;
  bool isWafer() const { return kind == MachineKind::Wafer; }
};

/// `wafer` as it serves with every weight resident in its SRAM
/// (docs/Serving.md, "Wafer-scale serving"): nothing streams from external
/// memory, a step reads its weights at the SRAM bandwidth, and GEMMs and
/// attention run at the wafer's stated peak. The fitted efficiencies describe
/// weight-streaming training, where every weight arrives from outside and
/// is broadcast across the wafer; there is no public measurement of a
/// weight-stationary wafer's compute efficiency, so the peak is an
/// assumption (an upper bound where a step is compute-bound).
MachineModel getResidentWafer(const MachineModel &wafer);

/// The fields a machine JSON without a `base` preset must give: every
/// figure the cost model reads for a machine of `kind`.
ArrayRef<StringRef> getRequiredMachineFields(MachineKind kind);

/// Names of the built-in presets, in a stable order.
ArrayRef<StringRef> getMachinePresetNames();
/// A preset by name; an error listing the known names otherwise.
llvm::Expected<MachineModel> getMachinePreset(StringRef name);
/// A machine from a JSON object: either `"base": "<preset>"` plus fields to
/// override, or every required field. Errors name the field.
llvm::Expected<MachineModel> parseMachineJSON(StringRef text);
llvm::Expected<MachineModel> loadMachineFile(StringRef path);
/// Applies the module's `dlti.target_system_spec` (first device spec) on top
/// of `machine`; returns `machine` unchanged when there is none.
llvm::Expected<MachineModel> applyTargetSystemSpec(ModuleOp module,
                                                   MachineModel machine);
/// The machine a pass runs on: the JSON file when `file` is not empty, else
/// the preset `preset`, refined by the module's DLTI spec.
llvm::Expected<MachineModel> resolveMachine(StringRef preset, StringRef file,
                                            ModuleOp module);

/// The machine of a search over a cluster of `gpus` GPUs, `gpusPerNode` to a
/// node: resolveMachine's, refused when it is a wafer-scale system or allows
/// fewer GPUs.
llvm::Expected<MachineModel> resolveGPUCluster(StringRef preset, StringRef file,
                                               ModuleOp module, int64_t gpus,
                                               int64_t gpusPerNode);
/// Rejects missing, negative or out-of-range values.
llvm::Error validateMachine(const MachineModel &machine);

} // namespace moe
} // namespace mlir

#endif // MOE_ANALYSIS_MACHINE_H
