// The report of --moe-cost-report in every format, on the unit machine
// (Inputs/unit-machine.json: 1e12 FLOP/s, 1e11 B/s, 4 devices per node with
// 1e9 B/s, 1e-6 s links, efficiencies 1, no kernel latency).
//
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report="format=json trace=%t.trace.json" -o /dev/null > %t.json
// RUN: FileCheck %s --check-prefix=CHECK-JSON < %t.json
// RUN: FileCheck %s --check-prefix=CHECK-TRACE < %t.trace.json
// RUN: %python %S/../Cost/Inputs/check-trace.py %t.trace.json %t.json | FileCheck %s --check-prefix=CHECK-TRACEOK
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report=format=csv -o /dev/null > %t.csv
// RUN: FileCheck %s --check-prefix=CHECK-CSV --match-full-lines < %t.csv
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report -o /dev/null | FileCheck %s --check-prefix=CHECK-TEXT
//
// The same input gives the same bytes: every format, twice.
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report="format=json trace=%t.trace2.json" -o /dev/null > %t.2.json
// RUN: diff %t.json %t.2.json
// RUN: diff %t.trace.json %t.trace2.json
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report=format=csv -o /dev/null > %t.2.csv
// RUN: diff %t.csv %t.2.csv
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report -o /dev/null > %t.1.txt
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report -o /dev/null > %t.2.txt
// RUN: diff %t.1.txt %t.2.txt
//
// output=FILE writes the report there instead of stdout.
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report="format=json output=%t.out.json" -o /dev/null
// RUN: diff %t.json %t.out.json
//
// A report from annotated IR saved to a file (locations kept) is the report
// of the same run: the moe.cost attributes parse back.
// RUN: moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --mlir-print-debuginfo -o %t.annotated.mlir
// RUN: moe-opt %t.annotated.mlir --moe-cost-report=format=csv -o /dev/null > %t.saved.csv
// RUN: diff %t.csv %t.saved.csv
//
// The report pass needs the annotations.
// RUN: not moe-opt %s --moe-cost-report -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-NOCOST
// CHECK-NOCOST: error: no cost annotations: run --moe-cost before --moe-cost-report
// RUN: not moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report=format=xml -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-FORMAT
// CHECK-FORMAT: for the --format option: 'xml' is not one of: text, json, csv
// RUN: not moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report="output=%t.missing-dir/r.txt" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-WRITE
// CHECK-WRITE: error: cannot write '{{.*}}missing-dir/r.txt'
// RUN: not moe-opt %s --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json tokens=16" --moe-cost-report="trace=%t.missing-dir/t.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-WRITETRACE
// CHECK-WRITETRACE: error: cannot write '{{.*}}missing-dir/t.json'

// The program, forward phase, 16 tokens (given: there is no router or
// embedding to infer them from):
//   layers.0.norm  rms_norm [16 x 32] bf16: 4 FLOPs per element = 2048;
//                  2*1024 + 64 = 2112 bytes; 2.112e-8 s (memory).
//   layers.0.ffn   GELU FFN, H = 32, F = 64: up and down GEMMs 65536 FLOPs,
//                  7168 bytes each, activation 4096 FLOPs, 4096 bytes:
//                  135168 FLOPs, 18432 bytes, 1.8432e-7 s (memory).
//   layers.1.a2a   all-to-all of 1024 bytes inside one node (4 devices):
//                  768 bytes sent, 1e-6 + 768/1e9 = 1.768e-6 s (network).
//   return         free.
// Totals: 137216 FLOPs, 20544 bytes, 768 network bytes,
//   2.112e-8 + 1.8432e-7 + 1.768e-6 = 1.97344e-6 s;
//   tokens/s = 16 / 1.97344e-6 = 8.10767e6; MFU = 137216 / (1.97344e-6 *
//   1e12) = 0.0695314.
// Parameters 32 + 32*64 + 64*32 = 4128 (all dense: active 4128), bf16
// weights 8256 bytes; forward activations = the largest live set, 1024 in +
// 1024 out = 2048; memory 10304 of 1e12.
// Layers: layers.0 = 137216 FLOPs, 20544 bytes, 2.0544e-7 s (memory);
//   layers.1 = 768 network bytes, 1.768e-6 s (network); the return's layer
//   is its function's name, "report", and costs nothing.

// CHECK-JSON: {
// CHECK-JSON:   "machine": "unit",
// CHECK-JSON:   "phase": "forward",
// CHECK-JSON:   "tokens": 16,
// CHECK-JSON:   "devices": 1,
// CHECK-JSON:   "total": {
// CHECK-JSON:     "seconds": 1.9734{{(4|39999+[0-9]*|40000+[0-9]*)}}e-06,
// CHECK-JSON:     "flops": 137216,
// CHECK-JSON:     "model_flops": 137216,
// CHECK-JSON:     "bytes": 20544,
// CHECK-JSON:     "network_bytes": 768,
// CHECK-JSON:     "tokens_per_second": 8107669.8{{[0-9]*}},
// CHECK-JSON:     "mfu": 0.069531{{[0-9]*}},
// CHECK-JSON:     "memory_bytes_per_device": 10304
// CHECK-JSON:   },
// CHECK-JSON:   "memory": {
// CHECK-JSON:     "weights": 8256,
// CHECK-JSON:     "gradients": 0,
// CHECK-JSON:     "optimizer": 0,
// CHECK-JSON:     "activations": 2048,
// CHECK-JSON:     "total": 10304,
// CHECK-JSON:     "capacity": 1000000000000
// CHECK-JSON:   },
// CHECK-JSON:   "params": {
// CHECK-JSON:     "model": 4128,
// CHECK-JSON:     "total": 4128,
// CHECK-JSON:     "active": 4128
// CHECK-JSON:   },
// CHECK-JSON:   "layers": [
// CHECK-JSON:     {
// CHECK-JSON:       "layer": "layers.0",
// CHECK-JSON:       "flops": 137216,
// CHECK-JSON:       "bytes": 20544,
// CHECK-JSON:       "network_bytes": 0,
// CHECK-JSON:       "seconds": 2.054{{(4|39999+[0-9]*|40000+[0-9]*)}}e-07,
// CHECK-JSON:       "bound": "memory"
// CHECK-JSON:     },
// CHECK-JSON:     {
// CHECK-JSON:       "layer": "layers.1",
// CHECK-JSON:       "flops": 0,
// CHECK-JSON:       "bytes": 0,
// CHECK-JSON:       "network_bytes": 768,
// CHECK-JSON:       "seconds": 1.76{{(8|79999+[0-9]*|80000+[0-9]*)}}e-06,
// CHECK-JSON:       "bound": "network"
// CHECK-JSON:     },
// CHECK-JSON:     {
// CHECK-JSON:       "layer": "report",
// CHECK-JSON:       "flops": 0,
// CHECK-JSON:       "bytes": 0,
// CHECK-JSON:       "network_bytes": 0,
// CHECK-JSON:       "seconds": 0,
// CHECK-JSON:       "bound": "none"
// CHECK-JSON:     }
// CHECK-JSON:   ],
// CHECK-JSON:   "ops": [
// CHECK-JSON:     {
// CHECK-JSON:       "op": "moe.rms_norm",
// CHECK-JSON:       "loc": "layers.0.norm",
// CHECK-JSON:       "layer": "layers.0",
// CHECK-JSON:       "flops": 2048,
// CHECK-JSON:       "bytes": 2112,
// CHECK-JSON:       "network_bytes": 0,
// CHECK-JSON:       "seconds": 2.112e-08,
// CHECK-JSON:       "bound": "memory"
// CHECK-JSON:     },
// CHECK-JSON:     {
// CHECK-JSON:       "op": "moe.ffn",
// CHECK-JSON:       "loc": "layers.0.ffn",
// CHECK-JSON:       "layer": "layers.0",
// CHECK-JSON:       "flops": 135168,
// CHECK-JSON:       "bytes": 18432,
// CHECK-JSON:       "network_bytes": 0,
// CHECK-JSON:       "seconds": 1.8432e-07,
// CHECK-JSON:       "bound": "memory"
// CHECK-JSON:     },
// CHECK-JSON:     {
// CHECK-JSON:       "op": "shard.all_to_all",
// CHECK-JSON:       "loc": "layers.1.a2a",
// CHECK-JSON:       "layer": "layers.1",
// CHECK-JSON:       "flops": 0,
// CHECK-JSON:       "bytes": 0,
// CHECK-JSON:       "network_bytes": 768,
// CHECK-JSON:       "seconds": 1.76{{(8|79999+[0-9]*|80000+[0-9]*)}}e-06,
// CHECK-JSON:       "bound": "network"
// CHECK-JSON:     },
// CHECK-JSON:     {
// CHECK-JSON:       "op": "func.return",
// CHECK-JSON:       "loc": "{{.*}}moe-cost-report.mlir:{{[0-9]+}}:{{[0-9]+}}",
// CHECK-JSON:       "layer": "report",
// CHECK-JSON:       "flops": 0,
// CHECK-JSON:       "bytes": 0,
// CHECK-JSON:       "network_bytes": 0,
// CHECK-JSON:       "seconds": 0,
// CHECK-JSON:       "bound": "none"
// CHECK-JSON:     }
// CHECK-JSON:   ]
// CHECK-JSON: }

// CHECK-CSV: op,loc,layer,flops,bytes,network_bytes,seconds,bound
// CHECK-CSV-NEXT: moe.rms_norm,layers.0.norm,layers.0,2048,2112,0,2.112e-08,memory
// CHECK-CSV-NEXT: moe.ffn,layers.0.ffn,layers.0,135168,18432,0,1.8432e-07,memory
// CHECK-CSV-NEXT: shard.all_to_all,layers.1.a2a,layers.1,0,0,768,1.768e-06,network
// CHECK-CSV-NEXT: func.return,{{.*}}moe-cost-report.mlir:{{[0-9]+}}:{{[0-9]+}},report,0,0,0,0,none
// CHECK-CSV-NOT: {{.}}

// Text: units scaled to three significant figures. layers.0's achieved
// compute is 137216 / 2.0544e-7 = 668 GFLOP/s at 20544 / 2.0544e-7 =
// 100 GB/s (the unit machine's bandwidth: memory-bound); its share of the
// step is 2.0544e-7 / 1.97344e-6 = 10.4%.
// CHECK-TEXT: moe-mlir cost report: machine unit, phase forward, 1 device, 16 tokens per step
// CHECK-TEXT: step time          1.97 us
// The critical path: forward compute 0.20544 us (10.4%), then the
// all-to-all 1.768 us (89.6%) that compute waits for.
// CHECK-TEXT-NEXT: time by phase      forward 0.21 us (10.4%), communication 1.77 us (89.6%)
// CHECK-TEXT-NEXT: throughput         8.11 Mtokens/s (8.11 Mtokens/s per device)
// CHECK-TEXT-NEXT: FLOPs              137 kFLOP (model 137 kFLOP), MFU 7.0% of 1 TFLOP/s
// CHECK-TEXT-NEXT: traffic            20.5 kB memory, 768 B network
// CHECK-TEXT-NEXT: memory/device      10.3 kB of 1 TB (weights 8.26 kB, gradients 0 B, optimizer 0 B, activations 2.05 kB)
// CHECK-TEXT-NEXT: parameters         4.13 k in the model, 4.13 k per device, 4.13 k active per token
// CHECK-TEXT: per layer
// CHECK-TEXT-NEXT: layer time   share       compute       memory    network  bound
// CHECK-TEXT-NEXT: layers.0 0.21 us   10.4%   668 GFLOP/s     100 GB/s        0 B  memory
// CHECK-TEXT-NEXT: layers.1 1.77 us   89.6%      0 FLOP/s        0 B/s      768 B  network
// The function's terminator costs nothing and gets no layer row.
// CHECK-TEXT-NOT: report 0 s
// The ops, most expensive first.
// CHECK-TEXT: top ops by time
// CHECK-TEXT-NEXT: op @ location
// CHECK-TEXT-NEXT: shard.all_to_all @ layers.1.a2a 1.77 us   89.6%
// CHECK-TEXT-NEXT: moe.ffn @ layers.0.ffn 0.18 us    9.3%   733 GFLOP/s     100 GB/s        0 B  memory
// CHECK-TEXT-NEXT: moe.rms_norm @ layers.0.norm 0.02 us    1.1%    97 GFLOP/s     100 GB/s        0 B  memory
// CHECK-TEXT-NEXT: func.return @

// Chrome trace: the step's timeline. Metadata events name the process and
// the tracks (compute, and one per collective group); then, in microseconds,
// the forward pass's ops on the compute track (rms_norm 0.02112 us, ffn
// 0.18432 us, from 0), layer slices holding them (layers.0 0.20544 us), the
// all-to-all on its own track, and layers.1 on the compute track for as long
// as compute waits for it (the whole 1.768 us: nothing overlaps it).
// CHECK-TRACE:      "micro_batches": 1,
// CHECK-TRACE:      "traceEvents": [
// CHECK-TRACE:        "name": "process_name",
// CHECK-TRACE-NEXT:   "ph": "M",
// CHECK-TRACE:          "name": "unit (forward)"
// CHECK-TRACE:          "name": "compute"
// CHECK-TRACE:          "name": "shard.all_to_all (grid axes 1)"
// CHECK-TRACE:        "name": "moe.rms_norm",
// CHECK-TRACE-NEXT:   "cat": "forward",
// CHECK-TRACE-NEXT:   "ph": "X",
// CHECK-TRACE-NEXT:   "pid": 1,
// CHECK-TRACE-NEXT:   "tid": 1,
// CHECK-TRACE-NEXT:   "ts": 0,
// CHECK-TRACE-NEXT:   "dur": 0.02112{{(0000+[0-9]*|19999+[0-9]*)?}},
// CHECK-TRACE:        "name": "layers.0",
// CHECK-TRACE-NEXT:   "cat": "forward",
// CHECK-TRACE-NEXT:   "ph": "X",
// CHECK-TRACE-NEXT:   "pid": 1,
// CHECK-TRACE-NEXT:   "tid": 1,
// CHECK-TRACE-NEXT:   "ts": 0,
// CHECK-TRACE-NEXT:   "dur": 0.2054{{(4|39999+[0-9]*|40000+[0-9]*)}},
// CHECK-TRACE:        "name": "shard.all_to_all",
// CHECK-TRACE-NEXT:   "cat": "forward",
// CHECK-TRACE-NEXT:   "ph": "X",
// CHECK-TRACE-NEXT:   "pid": 1,
// CHECK-TRACE-NEXT:   "tid": 2,
// CHECK-TRACE-NEXT:   "ts": 0.2054{{(4|39999+[0-9]*|40000+[0-9]*)}},
// CHECK-TRACE-NEXT:   "dur": 1.76{{(8|79999+[0-9]*|80000+[0-9]*)}},
// CHECK-TRACE:        "name": "forward, micro-batch 1",
// The whole file is valid JSON, events nest on each track, the timeline
// spans the report's step time (1.97344 us), each op's events add up to its
// timing in the JSON report, and the breakdown adds up to the step.
// CHECK-TRACEOK: tracks: compute, shard.all_to_all (grid axes 1)
// CHECK-TRACEOK-NEXT: events: forward 6
// CHECK-TRACEOK-NEXT: timeline 0 to 1.97344 us, step 1.97344 us
// CHECK-TRACEOK-NEXT: collectives beside compute: 0 us
// CHECK-TRACEOK-NEXT: every op's events add up to its timing
// CHECK-TRACEOK-NEXT: breakdown adds up to 1.97344 us
// CHECK-TRACEOK-NEXT: ok

shard.grid @grid(shape = 2x4)

func.func @report(%x: tensor<16x32xbf16>, %n: tensor<32xbf16>,
                  %up: tensor<32x64xbf16>, %down: tensor<64x32xbf16>)
    -> tensor<16x32xbf16> {
  %h = moe.rms_norm %x, %n epsilon = 1.0e-06
      : tensor<16x32xbf16>, tensor<32xbf16> loc("layers.0.norm")
  %y = moe.ffn %h, up %up, down %down activation = gelu
      : (tensor<16x32xbf16>, tensor<32x64xbf16>, tensor<64x32xbf16>)
      -> tensor<16x32xbf16> loc("layers.0.ffn")
  %z = shard.all_to_all %y on @grid grid_axes = [1] split_axis = 0
      concat_axis = 0 : tensor<16x32xbf16> -> tensor<16x32xbf16>
      loc("layers.1.a2a")
  return %z : tensor<16x32xbf16>
}
