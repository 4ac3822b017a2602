// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" | FileCheck %s
// RUN: sed 's/fp8 = true/fp8 = false/' %s | moe-opt --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" | FileCheck %s --check-prefix=BF16

// FP8 plans send tokens to the experts in FP8 (one byte an element and a
// 4-byte scale per 128: DeepSeek-V3's 1 x 128 activation tiles) and bring
// the experts' outputs back in 16 bits. On the unit machine (inside a node
// 1e9 B/s and 1e-6 s a step; Inputs/unit-machine.json), one node of 4:
//
// The dispatch buffer [4 experts, 8 slots, 32] bf16 is 2048 bytes; in FP8
// 2048 * (1 + 4/128) / 2 = 1056. An all-to-all inside the node keeps 1/4:
// 1056 * 3/4 = 792 bytes, 1e-6 + 792/1e9 = 1.792e-6 s.
// CHECK: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 792, seconds = 1.792e-06, bound = network>
// The experts' outputs going back are not a dispatch: 2048 * 3/4 = 1536 bytes, 2.536e-6 s.
// CHECK: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1536, seconds = 2.536e-06, bound = network>
//
// Without FP8 both move 1536 bytes.
// BF16: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1536, seconds = 2.536e-06, bound = network>
// BF16: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1536, seconds = 2.536e-06, bound = network>

module attributes {moe.plan = #moe.gpu_plan<fp8 = true, tokens = 16>} {
  shard.grid @grid(shape = 4)
  func.func @exchange(%x: tensor<16x32xbf16>, %idx: tensor<16x2xi32>,
                      %wu: tensor<1x32x16xbf16> {moe.param = "up"},
                      %wd: tensor<1x16x32xbf16> {moe.param = "down"})
      -> tensor<4x8x32xbf16> {
    %buf = moe.dispatch %x, %idx capacity_factor = 1.0
        : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<4x8x32xbf16>
    %to = shard.all_to_all %buf on @grid grid_axes = [0] split_axis = 0
        concat_axis = 1 : tensor<4x8x32xbf16> -> tensor<1x32x32xbf16>
    %y = moe.experts %to, up %wu, down %wd activation = gelu
        : (tensor<1x32x32xbf16>, tensor<1x32x16xbf16>, tensor<1x16x32xbf16>)
        -> tensor<1x32x32xbf16>
    %back = shard.all_to_all %y on @grid grid_axes = [0] split_axis = 1
        concat_axis = 0 : tensor<1x32x32xbf16> -> tensor<4x8x32xbf16>
    return %back : tensor<4x8x32xbf16>
  }
}
