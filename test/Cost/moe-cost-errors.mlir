// Bad machines and bad options: one test per error. Each fails with a
// clear message and a non-zero exit (`not`), without a crash.

// Machines by name and by file.
// RUN: not moe-opt %s --moe-cost="machine=h900" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-UNKNOWN-MACHINE
// CHECK-UNKNOWN-MACHINE: error: unknown machine 'h900' (known: h100-sxm, h200, b200, cs2, cs3; or pass machine-file=FILE.json)
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/does-not-exist.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-UNREADABLE
// CHECK-UNREADABLE: error: cannot read machine file '{{.*}}does-not-exist.json': {{[Nn]}}o such file or directory
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-malformed.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-MALFORMED
// CHECK-MALFORMED: error: {{.*}}bad-malformed.json: malformed machine JSON: [2:0, byte=45]: Expected object key
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-not-object.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-NOT-OBJECT
// CHECK-NOT-OBJECT: error: {{.*}}bad-not-object.json: machine JSON must be an object
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-no-name.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-NO-NAME
// CHECK-NO-NAME: error: {{.*}}bad-no-name.json: machine JSON: missing string field 'name'
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-missing-field.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-MISSING
// CHECK-MISSING: error: {{.*}}bad-missing-field.json: machine 'no-bandwidth': missing fields memory_bandwidth, compute_units, tile_m, tile_n, gemm_efficiency, attention_efficiency, attention_backward_efficiency, memory_efficiency, kernel_latency, grouped_gemm_efficiency, devices_per_node, max_devices, intra_node_bandwidth, intra_node_latency, inter_node_bandwidth, inter_node_latency, collective_efficiency (give them, or a 'base' preset such as "base": "h100-sxm" to start from)
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-unknown-field.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-UNKNOWN-FIELD
// CHECK-UNKNOWN-FIELD: error: {{.*}}bad-unknown-field.json: machine 'typo': unknown field 'memory_bandwith' (known: name, kind, base, peak_flops_16, {{.*}}memory_bandwidth,
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-non-number.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-NON-NUMBER
// CHECK-NON-NUMBER: error: {{.*}}bad-non-number.json: machine 'words': 'memory_bandwidth' must be a number
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-negative.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-NEGATIVE
// CHECK-NEGATIVE: error: {{.*}}bad-negative.json: machine 'negative': 'kernel_latency' must be non-negative (got -1e-06)
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-zero.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-ZERO
// CHECK-ZERO: error: {{.*}}bad-zero.json: machine 'zero': 'memory_bandwidth' must be positive (got 0)
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-efficiency.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-EFFICIENCY
// CHECK-EFFICIENCY: error: {{.*}}bad-efficiency.json: machine 'too-efficient': 'gemm_efficiency' is a fraction and must be at most 1 (got 1.5)
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-overlap-efficiency.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-OVERLAP-EFFICIENCY
// CHECK-OVERLAP-EFFICIENCY: error: {{.*}}bad-overlap-efficiency.json: machine 'bad-overlap': 'overlap_efficiency' is a fraction and must be at most 1 (got 1.5)
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-fractional-count.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-FRACTION
// CHECK-FRACTION: error: {{.*}}bad-fractional-count.json: machine 'half-unit': 'compute_units' must be a whole number (got 0.5)
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-kind.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-KIND
// CHECK-KIND: error: {{.*}}bad-kind.json: machine 'tpu': 'kind' must be "gpu" or "wafer"
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-base.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-BASE
// CHECK-BASE: error: {{.*}}bad-base.json: unknown machine 'h900' (known: h100-sxm, h200, b200, cs2, cs3;
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-base-type.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-BASE-TYPE
// CHECK-BASE-TYPE: error: {{.*}}bad-base-type.json: machine JSON: 'base' must be a preset name string
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-intra-node.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-INTRA
// CHECK-INTRA: error: {{.*}}bad-intra-node.json: machine 'no-nvlink': 'intra_node_bandwidth' must be positive when 'devices_per_node' > 1
// A cluster of several nodes needs a network between them.
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-inter-node.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-INTER
// CHECK-INTER: error: {{.*}}bad-inter-node.json: machine 'no-nic': 'inter_node_bandwidth' must be positive when 'max_devices' > 'devices_per_node' (plans span nodes)
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/bad-wafer.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-WAFER
// CHECK-WAFER: error: {{.*}}bad-wafer.json: machine 'no-memoryx': a wafer needs a positive 'weight_stream_bandwidth'
// A machine file nested 50,000 levels deep is refused before the recursive
// JSON parser could overflow the stack (the HF importer shares the cap).
// RUN: %python -c "print('{\"a\":' * 50000 + '1' + '}' * 50000)" > %t.deep.json
// RUN: not moe-opt %s --moe-cost="machine-file=%t.deep.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-DEEP
// CHECK-DEEP: error: {{.*}}deep.json: malformed machine JSON: nested deeper than 256 levels (at byte 1280)

// Options.
// RUN: not moe-opt %s --moe-cost="phase=inference" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-PHASE
// CHECK-PHASE: for the --phase option: 'inference' is not one of: forward, train
// RUN: not moe-opt %s --moe-cost="phase=forward recompute" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-RECOMPUTE
// CHECK-RECOMPUTE: error: recompute only applies to phase=train
// RUN: not moe-opt %s --moe-cost="phase=forward recompute-modules=moe_act" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-MODULES-PHASE
// CHECK-MODULES-PHASE: error: recompute-modules only applies to phase=train
// RUN: not moe-opt %s --moe-cost="phase=train recompute recompute-modules=moe_act" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-MODULES-BOTH
// CHECK-MODULES-BOTH: error: recompute recomputes whole layers and recompute-modules parts of them: give one
// RUN: not moe-opt %s --moe-cost="phase=train recompute-modules=moe_act,attention" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-MODULES-NAME
// CHECK-MODULES-NAME: error: recompute-modules: unknown module 'attention' (known: core_attn, mla_up_proj, moe_act, mlp, moe)
// RUN: not moe-opt %s --moe-cost="tokens=-16" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-TOKENS
// CHECK-TOKENS: error: tokens (-16) must be at least 0
// RUN: not moe-opt %s --moe-cost="imbalance=0.5" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-IMBALANCE
// CHECK-IMBALANCE: error: imbalance ({{0\.5|5\.0+e-01}}) must be at least 1
// RUN: not moe-opt %s --moe-cost="micro-batches=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-MICRO
// CHECK-MICRO: error: micro-batches (0) must be at least 1

// Memory per device. Forward on a machine with 1000 bytes: the weight is
// 32 bf16 = 64 B, the activations the live set of the rms_norm, 1024 B in +
// 1024 B out = 2048 B: 2112 B needed. An error by default; a warning (and
// the annotations) with check-memory=false.
// RUN: not moe-opt %s --moe-cost="machine-file=%S/Inputs/tiny-memory.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-FIT
// CHECK-FIT: error: does not fit: needs 2.11 kB per device (weights 64 B, gradients 0 B, optimizer 0 B, activations 2.05 kB) but tiny has 1 kB
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/tiny-memory.json check-memory=false" 2>&1 | FileCheck %s --check-prefix=CHECK-FIT-WARN
// CHECK-FIT-WARN: warning: does not fit: needs 2.11 kB per device (weights 64 B, gradients 0 B, optimizer 0 B, activations 2.05 kB) but tiny has 1 kB
// CHECK-FIT-WARN: moe.rms_norm {{.*}}moe.cost = #moe.cost<

// Tokens per step cannot be inferred without a router or an embedding: a
// warning, and tokens/s stays 0; tokens=N gives them (16 / 2.112e-8 s on
// the unit machine = 7.57576e8 tokens/s).
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json" --moe-cost-report="format=json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-NO-TOKENS
// CHECK-NO-TOKENS: warning: cannot infer tokens per step (no moe.embedding or moe.router); pass tokens=N for tokens/s
// CHECK-NO-TOKENS: "tokens": 0,
// CHECK-NO-TOKENS: "tokens_per_second": 0,
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" --moe-cost-report="format=json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-TOKENS-GIVEN
// CHECK-TOKENS-GIVEN-NOT: warning
// CHECK-TOKENS-GIVEN: "tokens": 16,
// CHECK-TOKENS-GIVEN: "tokens_per_second": 75757575{{[0-9.]*}},

func.func @norm(%x: tensor<16x32xbf16>, %w: tensor<32xbf16>)
    -> tensor<16x32xbf16> {
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16>
  return %y : tensor<16x32xbf16>
}
