// --moe-wse-pipeline plans (--moe-wse-plan), costs (--moe-cost) and reports
// (--moe-cost-report) in one command, with tiles=auto by default.

// Two CS-2 systems training the layer of Inputs/wse-layer.mlir at 8
// sequences of 64 tokens: 512 tokens per step, 256 per system. The layer's
// weights are tiny, so weight streaming (SwarmX latency, 1e-5 s per tree
// level, included) bounds it.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-pipeline="systems=2 batch=8 phase=train format=json" -o %t.mlir | FileCheck %s --check-prefix=CHECK-JSON
// CHECK-JSON: "machine": "cs2",
// CHECK-JSON-NEXT: "phase": "train",
// CHECK-JSON-NEXT: "tokens": 512,
// CHECK-JSON-NEXT: "devices": 2,
// CHECK-JSON-NEXT: "plan": {
// CHECK-JSON-NEXT:   "kind": "wse-weight-streaming",
// CHECK-JSON-NEXT:   "batch": 8,
// CHECK-JSON-NEXT:   "devices": 2,
// CHECK-JSON-NEXT:   "seq_len": 64,
// CHECK-JSON-NEXT:   "systems": 2,
// CHECK-JSON-NEXT:   "tile_sequences": 4,
// CHECK-JSON-NEXT:   "tiles": 1,
// CHECK-JSON-NEXT:   "tokens": 512
// CHECK-JSON-NEXT: },
// CHECK-JSON: "layer": "layers.0",
// CHECK-JSON: "bound": "weight_io"
// The IR it leaves is the costed plan; auto picked one tile.
// RUN: FileCheck %s --input-file=%t.mlir --check-prefix=CHECK-IR
// CHECK-IR: moe.plan = #moe.wse_plan<systems = 2, batch = 8, seq_len = 64>
// CHECK-IR: wse.stream_weights {{.*}}systems = 2 {{.*}}moe.cost = #moe.cost<

// The text report and explicit options reach the passes.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-pipeline="machine=cs3 tiles=2 seq-len=32 batch=8" -o /dev/null | FileCheck %s --check-prefix=CHECK-TEXT
// CHECK-TEXT: moe-mlir cost report: machine cs3, phase forward, 1 device, 256 tokens per step
// CHECK-TEXT-EMPTY:
// CHECK-TEXT-NEXT: plan               wse-weight-streaming (batch=8 seq_len=32 systems=1 tile_sequences=4 tiles=2)
// CHECK-TEXT-NEXT: step time
// CHECK-TEXT: layers.0 {{.*}}weight_io

// Errors of the plan stop the pipeline.
// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-pipeline="machine=b200" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-GPU
// CHECK-GPU: error: machine 'b200' is a GPU, not a wafer-scale system; use --moe-gpu-plan
