// DeepEP's published normal-kernel bandwidths (H800, 4096 tokens per GPU,
// hidden 7168, top-8; FP8 dispatch, BF16 combine; the normal-kernel table of
// github.com/deepseek-ai/DeepEP, now in its docs/legacy.md) next to the cost model's
// all-to-all on an H800 (the h100-sxm preset with NVLink at 200 GB/s per
// direction: NVIDIA's H800 has 400 GB/s bidirectional). docs/Validation.md
// has the table; these checks pin the predictions. The internode cases here
// price a plain all-to-all (every routed copy crosses, as
// dispatcher=alltoall does); DeepEP counts a token once per node it reaches,
// and deepep-internode.test compares that figure with dispatcher=deepep.
//
// Each GPU sends 4096 * 8 rows of 7168 elements: 234881024 bytes in FP8,
// 469762048 in BF16. Collective efficiency 0.89, latencies 3 us (NVLink) and
// 30 us (InfiniBand), 50 GB/s NIC per GPU (the fitted h100-sxm constants).

// RUN: moe-opt %s --moe-cost="machine-file=%moe_src/examples/machines/h800.json tokens=4096" | FileCheck %s

// EP8 in one node: 7/8 of the buffer over NVLink.
// dispatch: 205520896 B, 3e-6 + 205520896 / (0.89 * 200e9) = 1.15761e-3 s
//   -> 205520896 / 1.15761e-3 = 177.5 GB/s (DeepEP: 153 GB/s);
// combine: 411041792 B, 3e-6 + 411041792 / 178e9 = 2.31222e-3 s
//   -> 177.8 GB/s (DeepEP: 158 GB/s).
// CHECK-LABEL: func.func @ep8
// CHECK: network = 2.05521e+08, seconds = 0.00115761, bound = network
// CHECK: network = 4.11042e+08, seconds = 0.00231222, bound = network
shard.grid @ep8grid(shape = 8)
func.func @ep8(%d: tensor<32768x7168xf8E4M3FN>, %c: tensor<32768x7168xbf16>) {
  %0 = shard.all_to_all %d on @ep8grid grid_axes = [0] split_axis = 0 concat_axis = 0 : tensor<32768x7168xf8E4M3FN> -> tensor<32768x7168xf8E4M3FN>
  %1 = shard.all_to_all %c on @ep8grid grid_axes = [0] split_axis = 0 concat_axis = 0 : tensor<32768x7168xbf16> -> tensor<32768x7168xbf16>
  return
}

// EP16 over two nodes of 8: 8/16 of the FP8 buffer leaves through the NIC,
// 117440512 B in 30e-6 + 117440512 / (0.89 * 50e9) = 2.66911e-3 s (the
// NVLink part, 7/16, takes 0.58 ms in parallel): 44.0 GB/s of RDMA
// traffic.
// CHECK-LABEL: func.func @ep16
// CHECK: network = 2.20201e+08, seconds = 0.00266911, bound = network
shard.grid @ep16grid(shape = 16)
func.func @ep16(%d: tensor<32768x7168xf8E4M3FN>) {
  %0 = shard.all_to_all %d on @ep16grid grid_axes = [0] split_axis = 0 concat_axis = 0 : tensor<32768x7168xf8E4M3FN> -> tensor<32768x7168xf8E4M3FN>
  return
}

// EP64 over eight nodes: 56/64 leaves, 205520896 B in
// 30e-6 + 205520896 / 44.5e9 = 4.64845e-3 s: 44.2 GB/s of NIC traffic.
// CHECK-LABEL: func.func @ep64
// CHECK: network = 2.31211e+08, seconds = 0.00464845, bound = network
shard.grid @ep64grid(shape = 64)
func.func @ep64(%d: tensor<32768x7168xf8E4M3FN>) {
  %0 = shard.all_to_all %d on @ep64grid grid_axes = [0] split_axis = 0 concat_axis = 0 : tensor<32768x7168xf8E4M3FN> -> tensor<32768x7168xf8E4M3FN>
  return
}
