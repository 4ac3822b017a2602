// The wafer-scale weight-streaming plan of one decoder layer
// (Inputs/wse-layer.mlir: T = 256 tokens = 4 sequences of 64, H = 64, E = 8,
// top_k = 2, capacity factor 1).

// Default: one system, the program's batch, one tile, forward. The attention
// runs inside wse.batch_tiles; every weight is streamed just before its
// first user (the attention's before the tile loop), the ops read the wafer
// copy; no gradients in a forward plan. The systems form a grid over which
// the token tensors are split (moe.split_axes, read by --moe-simulate-grid).
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan | FileCheck %s --check-prefix=CHECK-ONE
// CHECK-ONE: moe.plan = #moe.wse_plan<batch = 4, seq_len = 64>
// CHECK-ONE: shard.grid @systems(shape = 1)
// CHECK-ONE-LABEL: func.func @layer
// CHECK-ONE-SAME: (%[[X:.+]]: tensor<256x64xbf16> {moe.split_axes = #shard<axisarray{{\[\[0\]\]}}>}, %[[NORM:[^:]+]]: tensor<64xbf16> {moe.param = "layers.0.norm"}, %[[WQ:[^:]+]]: tensor<64x64xbf16>
// CHECK-ONE-SAME: -> (tensor<256x64xbf16> {moe.split_axes = #shard<axisarray{{\[\[0\]\]}}>})
// CHECK-ONE: %[[SN:.+]] = wse.stream_weights %[[NORM]] systems = 1 : tensor<64xbf16>
// CHECK-ONE-NEXT: %[[N:.+]] = moe.rms_norm %[[X]], %[[SN]]
// CHECK-ONE-NEXT: %[[SQ:.+]] = wse.stream_weights %[[WQ]] systems = 1 : tensor<64x64xbf16>
// CHECK-ONE-NEXT: wse.stream_weights
// CHECK-ONE-NEXT: wse.stream_weights
// CHECK-ONE-NEXT: wse.stream_weights
// CHECK-ONE-NEXT: %[[A:.+]] = wse.batch_tiles %[[N]] tiles = 1 : tensor<256x64xbf16> -> tensor<256x64xbf16> {
// CHECK-ONE-NEXT: ^bb0(%[[T:.+]]: tensor<256x64xbf16>):
// CHECK-ONE-NEXT:   %[[AT:.+]] = moe.attention %[[T]], %[[SQ]], {{.*}} seq_len = 64 causal
// CHECK-ONE-NEXT:   wse.yield %[[AT]] : tensor<256x64xbf16>
// CHECK-ONE-NEXT: }
// CHECK-ONE-NEXT: arith.addf %[[X]], %[[A]]
// CHECK-ONE-NEXT: wse.stream_weights
// CHECK-ONE-NEXT: moe.router
// CHECK-ONE-NEXT: moe.dispatch {{.*}} -> tensor<8x64x64xbf16>
// CHECK-ONE-NEXT: wse.stream_weights
// CHECK-ONE-NEXT: wse.stream_weights
// CHECK-ONE-NEXT: wse.stream_weights
// CHECK-ONE-NEXT: moe.experts
// CHECK-ONE-NOT: wse.reduce_gradients
// CHECK-ONE: return

// Two systems, two tiles, training: each system keeps 2 of the 4 sequences
// (128 tokens, dispatch capacity ceil(1.0 * 128 * 2 / 8) = 32), attention
// runs on 2 tiles of one sequence; router, dispatch and experts see both.
// Every weight is broadcast to 2 systems; its gradient is reduced over them
// and MemoryX updates it, last layer's weights first (the backward order).
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="systems=2 tiles=2 phase=train" | FileCheck %s --check-prefix=CHECK-TRAIN
// CHECK-TRAIN: moe.plan = #moe.wse_plan<systems = 2, tiles = 2, batch = 4, seq_len = 64>
// CHECK-TRAIN-LABEL: func.func @layer
// CHECK-TRAIN-SAME: %[[X:[^:]+]]: tensor<128x64xbf16>
// CHECK-TRAIN-SAME: %[[WQ:arg2]]: tensor<64x64xbf16> {moe.param = "layers.0.wq"}
// CHECK-TRAIN-SAME: %[[WD:arg9]]: tensor<8x16x64xbf16> {moe.param = "layers.0.experts.down"}) -> (tensor<128x64xbf16> {moe.split_axes = #shard<axisarray{{\[\[0\]\]}}>})
// CHECK-TRAIN: %[[SQ:.+]] = wse.stream_weights %[[WQ]] systems = 2 : tensor<64x64xbf16>
// CHECK-TRAIN: wse.batch_tiles {{.*}} tiles = 2 : tensor<128x64xbf16> -> tensor<128x64xbf16> {
// CHECK-TRAIN-NEXT: ^bb0(%{{.+}}: tensor<64x64xbf16>):
// CHECK-TRAIN-NEXT: moe.attention {{.*}} -> tensor<64x64xbf16>
// CHECK-TRAIN: moe.router {{.*}} -> (tensor<128x2xi32>, tensor<128x2xbf16>)
// CHECK-TRAIN: moe.dispatch {{.*}} -> tensor<8x32x64xbf16>
// CHECK-TRAIN: %[[SD:.+]] = wse.stream_weights %[[WD]] systems = 2 : tensor<8x16x64xbf16>
// CHECK-TRAIN: moe.experts {{.*}} -> tensor<8x32x64xbf16>
// CHECK-TRAIN: moe.combine {{.*}} -> tensor<128x64xbf16>
// CHECK-TRAIN: %[[GD:.+]] = wse.reduce_gradients %[[SD]] systems = 2 : tensor<8x16x64xbf16>
// CHECK-TRAIN-NEXT: wse.optimizer_step %[[WD]], %[[GD]] optimizer = "adamw" : tensor<8x16x64xbf16>
// CHECK-TRAIN: %[[GQ:.+]] = wse.reduce_gradients %[[SQ]] systems = 2 : tensor<64x64xbf16>
// CHECK-TRAIN-NEXT: wse.optimizer_step %[[WQ]], %[[GQ]] optimizer = "adamw" : tensor<64x64xbf16>
// CHECK-TRAIN: wse.reduce_gradients
// CHECK-TRAIN-NEXT: wse.optimizer_step
// CHECK-TRAIN-NEXT: return

// Re-sizing the step: 8 sequences of 16 tokens on one system (128 tokens);
// every attention's seq_len follows, 4 tiles of 2 sequences; dispatch
// capacity ceil(128 * 2 / 8) = 32.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="batch=8 seq-len=16 tiles=4" | FileCheck %s --check-prefix=CHECK-RESIZE
// CHECK-RESIZE: moe.plan = #moe.wse_plan<tiles = 4, batch = 8, seq_len = 16>
// CHECK-RESIZE: wse.batch_tiles {{.*}} tiles = 4 : tensor<128x64xbf16> -> tensor<128x64xbf16>
// CHECK-RESIZE-NEXT: ^bb0(%{{.+}}: tensor<32x64xbf16>):
// CHECK-RESIZE-NEXT: moe.attention {{.*}} seq_len = 16 causal
// CHECK-RESIZE: moe.dispatch {{.*}} -> tensor<8x32x64xbf16>

// Locations keep each wse op in the layer of the op that reads the weight,
// so reports and the pipeline model group them; the weight's own location
// is nested inside.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="phase=train" --mlir-print-debuginfo | FileCheck %s --check-prefix=CHECK-LOC
// CHECK-LOC-DAG: #[[WQ:.+]] = loc("model.layers.0.wq"
// CHECK-LOC-DAG: loc("layers.0.self_attn.stream_weights"(#[[WQ]]))
// CHECK-LOC-DAG: loc("layers.0.self_attn.reduce_gradients"(#[[WQ]]))
// CHECK-LOC-DAG: loc("layers.0.self_attn.optimizer_step"(#[[WQ]]))

// The plan verifies and costs: a round trip through the printer and
// --moe-cost on the CS-2 preset.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="systems=2 tiles=2 phase=train" | moe-opt --moe-cost="machine=cs2 phase=train" | FileCheck %s --check-prefix=CHECK-COST
// CHECK-COST: moe.cost_summary = #moe.cost_summary<machine = "cs2", phase = {{.*}}, tokens = 256, devices = 2,
// CHECK-COST: wse.stream_weights {{.*}}bound = weight_io>
