// Debian's own mlir-opt loads libMoEPlugin.so (tools/moe-plugin): the dialect
// plugin registers the moe dialect and the cost models of upstream ops, the
// pass plugin every moe pass. Pass flags of a plugin are registered after
// mlir-opt parses its command line, so passes go through --pass-pipeline.
//
// REQUIRES: plugins
//
// Without the plugin, upstream mlir-opt does not know the dialect.
// RUN: not %mlir_opt %s 2>&1 | FileCheck %s --check-prefix=CHECK-NOPLUGIN
// CHECK-NOPLUGIN: Dialect `moe' not found
//
// Parse and print.
// RUN: %plugin_env %mlir_opt --load-dialect-plugin=%moe_plugin %s | FileCheck %s --check-prefix=CHECK-PARSE
// CHECK-PARSE: moe.router
// CHECK-PARSE: moe.experts
//
// --moe-cost: moe ops and upstream ops (the dialect plugin attaches the
// upstream cost models) get a #moe.cost, the module a summary; the figures
// are moe-opt's (unit machine, see test/Cost/moe-cost-ops.mlir).
// RUN: %plugin_env %mlir_opt --load-dialect-plugin=%moe_plugin --load-pass-plugin=%moe_plugin %s \
// RUN:   --pass-pipeline='builtin.module(moe-cost{machine-file=%S/../Cost/Inputs/unit-machine.json})' \
// RUN:   -o %t.plugin.mlir
// RUN: FileCheck %s --check-prefix=CHECK-COST < %t.plugin.mlir
// CHECK-COST: module attributes {moe.cost_summary = {{.*}}machine = "unit"
// CHECK-COST: moe.router {{.*}}moe.cost = #moe.cost<flops = 4416, bytes = 1728, network = 0, seconds = 1.728e-08, bound = memory>
// CHECK-COST: moe.dispatch {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 3200, network = 0, seconds = 3.2e-08, bound = memory>
// CHECK-COST: moe.experts {{.*}}moe.cost = #moe.cost<
// CHECK-COST: moe.combine {{.*}}moe.cost = #moe.cost<
// CHECK-COST: arith.addf {{.*}}moe.cost = #moe.cost<flops = 512, bytes = 3072
// CHECK-COST-NOT: no cost model
//
// The same bytes as moe-opt.
// RUN: moe-opt %s --moe-cost=machine-file=%S/../Cost/Inputs/unit-machine.json -o %t.moe-opt.mlir
// RUN: diff %t.moe-opt.mlir %t.plugin.mlir
//
// --moe-cost-report, text and JSON.
// RUN: %plugin_env %mlir_opt --load-dialect-plugin=%moe_plugin --load-pass-plugin=%moe_plugin %s \
// RUN:   --pass-pipeline='builtin.module(moe-cost{machine=h100-sxm phase=train},moe-cost-report)' \
// RUN:   -o /dev/null | FileCheck %s --check-prefix=CHECK-TEXT
// CHECK-TEXT: moe-mlir cost report: machine h100-sxm, phase train, 1 device, 16 tokens per step
// CHECK-TEXT: moe.experts
// RUN: %plugin_env %mlir_opt --load-dialect-plugin=%moe_plugin --load-pass-plugin=%moe_plugin %s \
// RUN:   --pass-pipeline='builtin.module(moe-cost{machine=h100-sxm phase=train},moe-cost-report{format=json})' \
// RUN:   -o /dev/null > %t.plugin.json
// RUN: moe-opt %s --moe-cost="machine=h100-sxm phase=train" --moe-cost-report=format=json -o /dev/null > %t.moe-opt.json
// RUN: diff %t.moe-opt.json %t.plugin.json
// RUN: FileCheck %s --check-prefix=CHECK-JSON < %t.plugin.json
// CHECK-JSON: "machine": "h100-sxm"
// CHECK-JSON: "phase": "train"
//
// Errors of a plugin pass are reported like moe-opt's.
// RUN: %plugin_env not %mlir_opt --load-dialect-plugin=%moe_plugin --load-pass-plugin=%moe_plugin %s \
// RUN:   --pass-pipeline='builtin.module(moe-cost{machine=no-such-gpu})' 2>&1 | FileCheck %s --check-prefix=CHECK-ERR
// CHECK-ERR: error: {{.*}}no-such-gpu

func.func @layer(%x: tensor<16x32xbf16>, %gate: tensor<32x4xbf16>,
                 %w_gate: tensor<4x32x8xbf16>, %w_up: tensor<4x32x8xbf16>,
                 %w_down: tensor<4x8x32xbf16>) -> tensor<16x32xbf16> {
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x32xbf16>, tensor<32x4xbf16>)
      -> (tensor<16x2xi32>, tensor<16x2xbf16>)
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<4x16x32xbf16>
  %out = moe.experts %buf, gate %w_gate, up %w_up, down %w_down
      activation = swiglu
      : (tensor<4x16x32xbf16>, tensor<4x32x8xbf16>, tensor<4x32x8xbf16>,
         tensor<4x8x32xbf16>) -> tensor<4x16x32xbf16>
  %y = moe.combine %out, %idx, %w
      : (tensor<4x16x32xbf16>, tensor<16x2xi32>, tensor<16x2xbf16>)
      -> tensor<16x32xbf16>
  %r = arith.addf %x, %y : tensor<16x32xbf16>
  return %r : tensor<16x32xbf16>
}
