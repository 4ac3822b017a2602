// The wafer-scale weight-streaming plan of one decoder layer
// (Inputs/wse-layer.mlir: T = 256 tokens = 4 sequences of 64, H = 64, E = 8,
// top_k = 2, capacity factor 1).

// Default: one system, the program's batch, one tile, forward. The attention
// runs inside wse.batch_tiles; every weight is streamed just before its
// first user (the attention's before the tile loop), the ops read the wafer
// copy; no gradients in a forward plan.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan | FileCheck %s --check-prefix=ONE
// ONE: moe.plan = {batch = 4 : i64, devices = 1 : i64, kind = "wse-weight-streaming", seq_len = 64 : i64, systems = 1 : i64, tile_sequences = 4 : i64, tiles = 1 : i64, tokens = 256 : i64}
// ONE-LABEL: func.func @layer
// ONE-SAME: (%[[X:.+]]: tensor<256x64xbf16>, %[[NORM:[^:]+]]: tensor<64xbf16> {moe.param = "layers.0.norm"}, %[[WQ:[^:]+]]: tensor<64x64xbf16>
// ONE: %[[SN:.+]] = wse.stream_weights %[[NORM]] systems = 1 : tensor<64xbf16>
// ONE-NEXT: %[[N:.+]] = moe.rms_norm %[[X]], %[[SN]]
// ONE-NEXT: %[[SQ:.+]] = wse.stream_weights %[[WQ]] systems = 1 : tensor<64x64xbf16>
// ONE-NEXT: wse.stream_weights
// ONE-NEXT: wse.stream_weights
// ONE-NEXT: wse.stream_weights
// ONE-NEXT: %[[A:.+]] = wse.batch_tiles %[[N]] tiles = 1 : tensor<256x64xbf16> -> tensor<256x64xbf16> {
// ONE-NEXT: ^bb0(%[[T:.+]]: tensor<256x64xbf16>):
// ONE-NEXT:   %[[AT:.+]] = moe.attention %[[T]], %[[SQ]], {{.*}} seq_len = 64 causal
// ONE-NEXT:   wse.yield %[[AT]] : tensor<256x64xbf16>
// ONE-NEXT: }
// ONE-NEXT: arith.addf %[[X]], %[[A]]
// ONE-NEXT: wse.stream_weights
// ONE-NEXT: moe.router
// ONE-NEXT: moe.dispatch {{.*}} -> tensor<8x64x64xbf16>
// ONE-NEXT: wse.stream_weights
// ONE-NEXT: wse.stream_weights
// ONE-NEXT: wse.stream_weights
// ONE-NEXT: moe.experts
// ONE-NOT: wse.reduce_gradients
// ONE: return

// Two systems, two tiles, training: each system keeps 2 of the 4 sequences
// (128 tokens, dispatch capacity ceil(1.0 * 128 * 2 / 8) = 32), attention
// runs on 2 tiles of one sequence; router, dispatch and experts see both.
// Every weight is broadcast to 2 systems; its gradient is reduced over them
// and MemoryX updates it, last layer's weights first (the backward order).
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="systems=2 tiles=2 phase=train" | FileCheck %s --check-prefix=TRAIN
// TRAIN: moe.plan = {batch = 4 : i64, devices = 2 : i64, kind = "wse-weight-streaming", seq_len = 64 : i64, systems = 2 : i64, tile_sequences = 1 : i64, tiles = 2 : i64, tokens = 256 : i64}
// TRAIN-LABEL: func.func @layer
// TRAIN-SAME: %[[X:[^:]+]]: tensor<128x64xbf16>
// TRAIN-SAME: %[[WQ:arg2]]: tensor<64x64xbf16> {moe.param = "layers.0.wq"}
// TRAIN-SAME: %[[WD:arg9]]: tensor<8x16x64xbf16> {moe.param = "layers.0.experts.down"}) -> tensor<128x64xbf16>
// TRAIN: %[[SQ:.+]] = wse.stream_weights %[[WQ]] systems = 2 : tensor<64x64xbf16>
// TRAIN: wse.batch_tiles {{.*}} tiles = 2 : tensor<128x64xbf16> -> tensor<128x64xbf16> {
// TRAIN-NEXT: ^bb0(%{{.+}}: tensor<64x64xbf16>):
// TRAIN-NEXT: moe.attention {{.*}} -> tensor<64x64xbf16>
// TRAIN: moe.router {{.*}} -> (tensor<128x2xi32>, tensor<128x2xbf16>)
// TRAIN: moe.dispatch {{.*}} -> tensor<8x32x64xbf16>
// TRAIN: %[[SD:.+]] = wse.stream_weights %[[WD]] systems = 2 : tensor<8x16x64xbf16>
// TRAIN: moe.experts {{.*}} -> tensor<8x32x64xbf16>
// TRAIN: moe.combine {{.*}} -> tensor<128x64xbf16>
// TRAIN: %[[GD:.+]] = wse.reduce_gradients %[[SD]] systems = 2 : tensor<8x16x64xbf16>
// TRAIN-NEXT: wse.optimizer_step %[[WD]], %[[GD]] optimizer = "adamw" : tensor<8x16x64xbf16>
// TRAIN: %[[GQ:.+]] = wse.reduce_gradients %[[SQ]] systems = 2 : tensor<64x64xbf16>
// TRAIN-NEXT: wse.optimizer_step %[[WQ]], %[[GQ]] optimizer = "adamw" : tensor<64x64xbf16>
// TRAIN: wse.reduce_gradients
// TRAIN-NEXT: wse.optimizer_step
// TRAIN-NEXT: return

// Re-sizing the step: 8 sequences of 16 tokens on one system (128 tokens);
// every attention's seq_len follows, 4 tiles of 2 sequences; dispatch
// capacity ceil(128 * 2 / 8) = 32.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="batch=8 seq-len=16 tiles=4" | FileCheck %s --check-prefix=RESIZE
// RESIZE: moe.plan = {batch = 8 : i64, devices = 1 : i64, kind = "wse-weight-streaming", seq_len = 16 : i64, systems = 1 : i64, tile_sequences = 2 : i64, tiles = 4 : i64, tokens = 128 : i64}
// RESIZE: wse.batch_tiles {{.*}} tiles = 4 : tensor<128x64xbf16> -> tensor<128x64xbf16>
// RESIZE-NEXT: ^bb0(%{{.+}}: tensor<32x64xbf16>):
// RESIZE-NEXT: moe.attention {{.*}} seq_len = 16 causal
// RESIZE: moe.dispatch {{.*}} -> tensor<8x32x64xbf16>

// Locations keep each wse op in the layer of the op that reads the weight,
// so reports and the pipeline model group them; the weight's own location
// is nested inside.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="phase=train" --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// LOC-DAG: #[[WQ:.+]] = loc("model.layers.0.wq"
// LOC-DAG: loc("layers.0.self_attn.stream_weights"(#[[WQ]]))
// LOC-DAG: loc("layers.0.self_attn.reduce_gradients"(#[[WQ]]))
// LOC-DAG: loc("layers.0.self_attn.optimizer_step"(#[[WQ]]))

// The plan verifies and costs: a round trip through the printer and
// --moe-cost on the CS-2 preset.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="systems=2 tiles=2 phase=train" | moe-opt --moe-cost="machine=cs2 phase=train" | FileCheck %s --check-prefix=COST
// COST: moe.cost_summary = {{{.*}}devices = 2 : i64{{.*}}machine = "cs2"{{.*}}tokens = 256 : i64
// COST: wse.stream_weights {{.*}}bound = weight_io>
