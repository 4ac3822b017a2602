// Wafer-scale serving (docs/Serving.md, "Wafer-scale serving") of the
// one-layer model (Inputs/serve-model.mlir) on a small wafer
// (Inputs/serve-wafer.json: 1e12 FLOP/s, SRAM 200 kB at 1e11 B/s, weights
// streamed at 1e9 B/s, systems joined at 1e8 B/s with 10 us latency, 1 us
// per kernel when serving from SRAM). Requests: 64 prompt + 32 output
// tokens, so decode is priced at the mean context of 64 + 32/2 = 80.
// check-wafer-serving.py re-derives every row: caches, systems, the
// co-located step, targets and the best row of each mode.

// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/Inputs/serve-wafer.json gpus=8 input-tokens=64 output-tokens=32 max-batch=64 format=json output=%t.json" -o /dev/null
// RUN: %python %S/Inputs/check-wafer-serving.py %t.json %S/Inputs/serve-wafer.json 128 | FileCheck %s --check-prefix=CHECKED
// CHECKED: checked 7 rows
// RUN: FileCheck %s --check-prefix=JSON < %t.json

// By hand, one sequence (batch 1):
// - weights: wq 64*64 + wk 64*32 + wv 64*32 + wo 64*64 + router 64*8 +
//   3 expert tensors of 8*64*32, at 2 bytes: 123,904 B, more than the
//   200,000 B SRAM leaves beside the prompt's activations: 2 systems.
// - KV cache of the whole request: 96 tokens * 128 B = 12,288 B.
// - the decode step with weights resident is the step's cost on a wafer
//   with the same figures, no streaming and 1 us per kernel
//   (Inputs/serve-wafer-resident.json, priced below: 14.704128 us), plus a
//   hop to the second system: 10 us + 128 B / 1e8 B/s = 11.28 us, in all
//   25.984128 us.
// - streamed, the step is the cost analysis' on the wafer itself
//   (50.356448 us, priced below).
// JSON: "model_weight_bytes": 123904,
// JSON: "rows": [
// JSON: "weights": "resident",
// JSON-NEXT: "systems": 2,
// JSON-NEXT: "batch_per_system": 1,
// JSON-NEXT: "decode_step_seconds": 2.5984128{{[0-9]*}}e-05,
// JSON: "kv_cache_bytes_per_system": 12288,
// JSON: "weights": "streamed",
// JSON-NEXT: "systems": 1,
// JSON-NEXT: "batch_per_system": 1,
// JSON-NEXT: "decode_step_seconds": 5.035644{{[0-9]*}}e-05,

// The same step, written out (Inputs/serve-decode-step.mlir), costed.
// RUN: moe-opt %S/Inputs/serve-decode-step.mlir --moe-cost=machine-file=%S/Inputs/serve-wafer-resident.json --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=RESIDENT-STEP
// RESIDENT-STEP: "seconds": 1.4704128{{[0-9]*}}e-05
// RUN: moe-opt %S/Inputs/serve-decode-step.mlir --moe-cost=machine-file=%S/Inputs/serve-wafer.json --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=STREAMED-STEP
// STREAMED-STEP: "seconds": 5.035644{{[0-9]*}}e-05

// Targets: TPOT <= 40 us leaves resident batches 1 to 4 (TTFT <= 500 us
// drops batch 1) and no streamed one.
// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/Inputs/serve-wafer.json gpus=8 input-tokens=64 output-tokens=32 max-batch=64 ttft=0.0005 tpot=4e-5 format=json output=%t.slo.json" -o /dev/null
// RUN: %python %S/Inputs/check-wafer-serving.py %t.slo.json %S/Inputs/serve-wafer.json 128 | FileCheck %s --check-prefix=CHECKED
// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/Inputs/serve-wafer.json gpus=8 input-tokens=64 output-tokens=32 max-batch=64 ttft=0.0005 tpot=4e-5" -o /dev/null | FileCheck %s --check-prefix=TEXT
// TEXT: moe-mlir wafer-scale serving: up to 8 x serve-wafer, requests of 64 prompt + 32 output tokens, TTFT <= 500.00 us, TPOT <= 40.00 us
// TEXT: KV cache            128 B per token
// TEXT: best resident       2 systems, 4 seq/system
// TEXT: best streamed       no batch fits and meets the targets
// TEXT: weights resident in SRAM
// TEXT-NEXT: seq/system
// TEXT-NEXT: 1 2 {{.*}} 156 kB{{$}}
// TEXT-NEXT: 2 2 {{.*}} *
// TEXT: weights streamed from external memory

// With one system, resident weights fit at no batch.
// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/Inputs/serve-wafer.json gpus=1 input-tokens=64 output-tokens=32 max-batch=64" -o /dev/null | FileCheck %s --check-prefix=ONE
// ONE: best resident       no batch fits and meets the targets
// ONE: weights resident in SRAM
// ONE-NEXT: seq/system
// ONE-NEXT: no batch fits

// Options about GPUs are refused, naming the option; so is a cluster
// larger than the machine joins.
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine=cs3 fp8=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-FP8
// BAD-FP8: fp8=true is not modelled on wafer-scale systems (machine 'cs3')
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine=cs3 two-batch-overlap=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-TBO
// BAD-TBO: two-batch-overlap and overlap hide all-to-alls
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine=cs3 gpus=4096" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-SYSTEMS
// BAD-SYSTEMS: gpus (4096) counts cs3 systems here; at most 2048 can be joined
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine=cs3 svg=%t.svg" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-SVG
// BAD-SVG: svg= draws the GPU search's Pareto front
