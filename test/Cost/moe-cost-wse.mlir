// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-wafer.json phase=train tokens=256" | FileCheck %s

// The cost of an explicit weight-streaming plan (wse ops) on a unit wafer
// (Inputs/unit-wafer.json): 1e12 FLOP/s at efficiency 1, SRAM 1e15 B/s,
// weights stream at 1e9 B/s, no SwarmX latency, no half batch. Formulas:
// docs/CostModel.md, "Wafer-scale plans".

// One layer, I/O-bound. W is 64 x 64 bf16 = 8192 B: 8.192e-6 s per pass.
// The matmul [256 x 64] * W computes 2*256*64*64 = 2097152 FLOPs: 2.097e-6 s
// forward, 4.194e-6 s backward (input and weight gradients), and streams
// nothing itself (its weight comes from wse.stream_weights).
// Forward: max(compute 2.1e-6, weights in 8.192e-6) = weights in.
// Backward: max(compute 4.2e-6, weights in 8.192e-6, gradients out
// 8.192e-6): weights in (ties go to compute, then weights in).
// Fill: the first layer's weights in, 8.192e-6 more; drain: its gradients
// out after the backward, 8.192e-6.
// stream_weights: forward + backward + fill = 2.4576e-5 s (16384 B on the
// wire: in twice); the matmul is hidden (0 s, its FLOPs kept); the gradient
// reduction shows only the drain, 8.192e-6 s; the optimizer step runs in
// MemoryX: nothing. Step: 3.2768e-5 s = 4 x 8.192e-6.
// The module's summary comes first, then the ops.
// CHECK: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 3.2768e-05,
// CHECK: func.func @io_bound
// CHECK: wse.stream_weights {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 16384, seconds = 2.4576e-05, bound = weight_io>
// CHECK: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 6.29146e+06, bytes = 221184, network = 0, seconds = 0, bound = compute>
// CHECK: wse.reduce_gradients {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 8192, seconds = 8.192e-06, bound = weight_io>
// CHECK: wse.optimizer_step {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
module {
  func.func @io_bound(%x: tensor<256x64xbf16>,
                      %w: tensor<64x64xbf16> {moe.param = "layers.0.w"})
      -> tensor<256x64xbf16> {
    %s = wse.stream_weights %w systems = 1 : tensor<64x64xbf16> loc("layers.0.proj.stream_weights")
    %e = tensor.empty() : tensor<256x64xbf16> loc("layers.0.proj")
    %y = linalg.matmul ins(%x, %s : tensor<256x64xbf16>, tensor<64x64xbf16>)
                       outs(%e : tensor<256x64xbf16>) -> tensor<256x64xbf16> loc("layers.0.proj")
    %g = wse.reduce_gradients %s systems = 1 : tensor<64x64xbf16> loc("layers.0.proj.reduce_gradients")
    wse.optimizer_step %w, %g optimizer = "adamw" : tensor<64x64xbf16> loc("layers.0.proj.optimizer_step")
    return %y : tensor<256x64xbf16>
  }
}

// -----

// The same layer with weights streaming at 1e11 B/s (8.192e-8 s per pass):
// compute-bound. The matmul keeps its 2.097152e-6 + 4.194304e-6 =
// 6.291456e-6 s; weights in and gradients out hide behind it except the
// fill and the drain, 8.192e-8 s each. Step: 6.455296e-6 s.
// CHECK: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 6.45529{{[0-9]*}}e-06,
// CHECK: func.func @compute_bound
// CHECK: wse.stream_weights {{.*}}seconds = 8.192e-08, bound = weight_io>
// CHECK: linalg.matmul {{.*}}network = 0, seconds = 6.29146e-06, bound = compute>
// CHECK: wse.reduce_gradients {{.*}}seconds = 8.192e-08, bound = weight_io>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "wse" = #dlti.target_device_spec<"weight_stream_bandwidth" = 1.0e11 : f64>>} {
  func.func @compute_bound(%x: tensor<256x64xbf16>,
                           %w: tensor<64x64xbf16> {moe.param = "layers.0.w"})
      -> tensor<256x64xbf16> {
    %s = wse.stream_weights %w systems = 1 : tensor<64x64xbf16> loc("layers.0.proj.stream_weights")
    %e = tensor.empty() : tensor<256x64xbf16> loc("layers.0.proj")
    %y = linalg.matmul ins(%x, %s : tensor<256x64xbf16>, tensor<64x64xbf16>)
                       outs(%e : tensor<256x64xbf16>) -> tensor<256x64xbf16> loc("layers.0.proj")
    %g = wse.reduce_gradients %s systems = 1 : tensor<64x64xbf16> loc("layers.0.proj.reduce_gradients")
    wse.optimizer_step %w, %g optimizer = "adamw" : tensor<64x64xbf16> loc("layers.0.proj.optimizer_step")
    return %y : tensor<256x64xbf16>
  }
}

// -----

// Two layers, I/O-bound: each layer pays max(compute, I/O) per direction,
// the fill and drain are paid once, by the first layer. Layer 0 as above
// (3.2768e-5 s); layer 1 streams the same weight size: 2 x 8.192e-6 =
// 1.6384e-5 s. Step: 4.9152e-5 s. Without pipelining the two layers would
// cost 2 x (3 x 8.192e-6 + 6.29e-6).
// CHECK: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 4.9152e-05,
// CHECK: func.func @two_layers
// CHECK: wse.stream_weights {{.*}}seconds = 2.4576e-05, bound = weight_io>
// CHECK: wse.stream_weights {{.*}}seconds = 1.6384e-05, bound = weight_io>
// CHECK: wse.reduce_gradients {{.*}}seconds = 0, bound = weight_io>
// CHECK: wse.reduce_gradients {{.*}}seconds = 8.192e-06, bound = weight_io>
module {
  func.func @two_layers(%x: tensor<256x64xbf16>,
                        %w0: tensor<64x64xbf16> {moe.param = "layers.0.w"},
                        %w1: tensor<64x64xbf16> {moe.param = "layers.1.w"})
      -> tensor<256x64xbf16> {
    %s0 = wse.stream_weights %w0 systems = 1 : tensor<64x64xbf16> loc("layers.0.proj.stream_weights")
    %e = tensor.empty() : tensor<256x64xbf16> loc("layers.0.proj")
    %y0 = linalg.matmul ins(%x, %s0 : tensor<256x64xbf16>, tensor<64x64xbf16>)
                        outs(%e : tensor<256x64xbf16>) -> tensor<256x64xbf16> loc("layers.0.proj")
    %s1 = wse.stream_weights %w1 systems = 1 : tensor<64x64xbf16> loc("layers.1.proj.stream_weights")
    %y1 = linalg.matmul ins(%y0, %s1 : tensor<256x64xbf16>, tensor<64x64xbf16>)
                        outs(%e : tensor<256x64xbf16>) -> tensor<256x64xbf16> loc("layers.1.proj")
    %g1 = wse.reduce_gradients %s1 systems = 1 : tensor<64x64xbf16> loc("layers.1.proj.reduce_gradients")
    wse.optimizer_step %w1, %g1 optimizer = "adamw" : tensor<64x64xbf16> loc("layers.1.proj.optimizer_step")
    %g0 = wse.reduce_gradients %s0 systems = 1 : tensor<64x64xbf16> loc("layers.0.proj.reduce_gradients")
    wse.optimizer_step %w0, %g0 optimizer = "adamw" : tensor<64x64xbf16> loc("layers.0.proj.optimizer_step")
    return %y1 : tensor<256x64xbf16>
  }
}
