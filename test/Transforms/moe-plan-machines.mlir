// Every pass that takes `machine=` also takes `machine-file=`, resolved by
// one function (preset or file, its `base`, the module's DLTI spec, the
// checks): a plan is sized and costed on the same machine.

// The GPU plan bounds its grid by the file's machine (4 GPUs at most).
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="machine-file=%S/Inputs/small-cluster.json ep=2 dp=2" | FileCheck %s --check-prefix=CHECK-GPU
// CHECK-GPU: moe.plan = #moe.gpu_plan<dp = 2, ep = 2, tokens = 64>
// CHECK-GPU: shard.grid @gpus(shape = 2x2)
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="machine-file=%S/Inputs/small-cluster.json ep=8" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-GPU-SIZE
// CHECK-GPU-SIZE: error: a grid of 8 GPUs is larger than small-cluster allows (4)
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="machine-file=%S/Inputs/small-wafer.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-GPU-KIND
// CHECK-GPU-KIND: error: machine 'small-wafer' is a wafer-scale system; use --moe-wse-plan

// The wafer-scale plan reads a file too.
// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="machine-file=%S/Inputs/small-wafer.json systems=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-WSE-SIZE
// CHECK-WSE-SIZE: error: 2 systems are more than small-wafer allows (1)
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="machine-file=%S/Inputs/small-wafer.json" | FileCheck %s --check-prefix=CHECK-WSE
// CHECK-WSE: moe.plan = #moe.wse_plan<
// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="machine-file=%S/Inputs/small-cluster.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-WSE-KIND
// CHECK-WSE-KIND: error: machine 'small-cluster' is a GPU, not a wafer-scale system; use --moe-gpu-plan

// The plan search sizes and lowers its plans on the file's machine, not on
// a preset.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="machine-file=%S/Inputs/small-cluster.json gpus=8" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-SEARCH
// CHECK-SEARCH: error: gpus (8) is more than small-cluster allows (4)
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="machine-file=%S/Inputs/small-cluster.json gpus=4 output=/dev/null" | FileCheck %s --check-prefix=CHECK-SEARCH-IR
// CHECK-SEARCH-IR: moe.cost_summary = #moe.cost_summary<machine = "small-cluster"

// The pipelines pass the file to the plan and to the cost.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-pipeline="machine-file=%S/Inputs/small-cluster.json ep=2 dp=2 format=json" -o /dev/null | FileCheck %s --check-prefix=CHECK-PIPE
// CHECK-PIPE: "machine": "small-cluster",
// CHECK-PIPE: "kind": "gpu-expert-parallel",

// --help lists the values of the enum options and the tile count's form.
// RUN: moe-opt --help | FileCheck %s --check-prefix=CHECK-HELP
// CHECK-HELP: --moe-cost
// CHECK-HELP: --machine-file=<string>
// CHECK-HELP: --phase=<value>
// CHECK-HELP: =forward
// CHECK-HELP: =train
// CHECK-HELP: --moe-cost-report
// CHECK-HELP: --format=<value>
// CHECK-HELP: =text
// CHECK-HELP: =json
// CHECK-HELP: =csv
// CHECK-HELP: --moe-gpu-plan
// CHECK-HELP: --machine-file=<string>
// CHECK-HELP: --moe-wse-plan
// CHECK-HELP: --machine-file=<string>
// CHECK-HELP: --tiles=<N|auto>
