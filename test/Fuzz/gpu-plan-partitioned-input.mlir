// Found by moe-fuzz (docs/Fuzzing.md): --moe-gpu-plan on a program that is
// already partitioned by hand (its own shard.grid and all_to_all) re-typed
// the dispatch buffer but not the collective after it, and left IR the
// verifier rejects. Such a module is now refused with a clear error.
//
// RUN: not moe-opt %s --moe-gpu-plan=ep=2 2>&1 | FileCheck %s
// CHECK: error: the module is already partitioned (it has shard.grid @ep); plan the unpartitioned program

shard.grid @ep(shape = 2)
func.func @experts_expert_parallel(%x: tensor<16x32xbf16>,
                                   %idx: tensor<16x2xi32>,
                                   %wg: tensor<4x32x16xbf16>,
                                   %wu: tensor<4x32x16xbf16>,
                                   %wd: tensor<4x16x32xbf16>,
                                   %gate: tensor<32x8xbf16>)
    -> (tensor<4x16x32xbf16>, tensor<16x2xi32>) {
  %i, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x32xbf16>, tensor<32x8xbf16>)
      -> (tensor<16x2xi32>, tensor<16x2xbf16>)
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<8x8x32xbf16>
  %local = shard.all_to_all %buf on @ep grid_axes = [0] split_axis = 0
      concat_axis = 1 : tensor<8x8x32xbf16> -> tensor<4x16x32xbf16>
  %y = moe.experts %local, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<4x16x32xbf16>, tensor<4x32x16xbf16>, tensor<4x32x16xbf16>,
         tensor<4x16x32xbf16>) -> tensor<4x16x32xbf16>
  return %y, %i : tensor<4x16x32xbf16>, tensor<16x2xi32>
}
