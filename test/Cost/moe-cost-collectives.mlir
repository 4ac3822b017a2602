// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" | FileCheck %s
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16 phase=train" | FileCheck %s --check-prefix=TRAIN
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16 phase=train micro-batches=4" | FileCheck %s --check-prefix=MICRO

// shard collectives on the unit machine (Inputs/unit-machine.json):
// 4 devices per node; inside a node links of 1e9 B/s and 1e-6 s latency,
// across nodes 1e8 B/s and 1e-5 s; collective efficiency 1.
//
// The grid is 2 x 4 devices, numbered row-major, so axis 1 (4 devices 1
// apart) is one node and axis 0 (2 devices 4 apart) spans two nodes. For a
// group of p devices, g of which share a node, over a buffer of B bytes:
//   all-to-all:  local = B*(g-1)/p over NVLink and remote = B*(p-g)/p over
//                the NIC at the same time:
//                max(a_in + local/bw_in, a_out + remote/bw_out);
//   all-reduce:  hierarchical ring, 2*B*(g-1)/g in 2*(g-1) steps inside the
//                node, then 2*(B/g)*(n-1)/n in 2*(n-1) steps across n = p/g
//                nodes;
//   all-gather:  B = the gathered result, B*(g-1)/g in g-1 steps inside,
//                (B/g)*(n-1)/n in n-1 steps across.
// `network` is local + remote bytes sent per device; collectives move no
// device-memory bytes and do no FLOPs here. The buffer is a [16 x 32] bf16
// tensor: B = 1024 bytes.

shard.grid @grid(shape = 2x4)

// CHECK-LABEL: func.func @all_to_all
// TRAIN-LABEL: func.func @all_to_all
// MICRO-LABEL: func.func @all_to_all
func.func @all_to_all(%x: tensor<16x32xbf16>)
    -> (tensor<16x32xbf16>, tensor<16x32xbf16>, tensor<16x32xbf16>) {
  // Inside one node (axis 1): p = g = 4. local = 1024*3/4 = 768, remote 0;
  // time 1e-6 + 768/1e9 = 1.768e-6.
  // CHECK: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 768, seconds = 1.768e-06, bound = network>
  // Training: the backward is another all-to-all: 1536 bytes, 3.536e-6 s.
  // TRAIN: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1536, seconds = 3.536e-06, bound = network>
  // 4 micro-batches run forward and backward 4 times: 6144 bytes,
  // 1.4144e-5 s.
  // MICRO: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 6144, seconds = 1.4144e-05, bound = network>
  %a = shard.all_to_all %x on @grid grid_axes = [1] split_axis = 0
      concat_axis = 0 : tensor<16x32xbf16> -> tensor<16x32xbf16>
  // Across nodes (axis 0): p = 2, g = 1. local 0, remote = 1024*1/2 = 512;
  // time 1e-5 + 512/1e8 = 1.512e-5.
  // CHECK: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 512, seconds = 1.512e-05, bound = network>
  %b = shard.all_to_all %x on @grid grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<16x32xbf16> -> tensor<16x32xbf16>
  // The whole grid: p = 8, g = 4 (two nodes). local = 1024*3/8 = 384,
  // remote = 1024*4/8 = 512, network 896;
  // time max(1e-6 + 3.84e-7, 1e-5 + 5.12e-6) = 1.512e-5.
  // CHECK: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 896, seconds = 1.512e-05, bound = network>
  %c = shard.all_to_all %x on @grid grid_axes = [0, 1] split_axis = 0
      concat_axis = 0 : tensor<16x32xbf16> -> tensor<16x32xbf16>
  return %a, %b, %c : tensor<16x32xbf16>, tensor<16x32xbf16>, tensor<16x32xbf16>
}

// CHECK-LABEL: func.func @all_reduce
func.func @all_reduce(%x: tensor<16x32xbf16>)
    -> (tensor<16x32xbf16>, tensor<16x32xbf16>, tensor<16x32xbf16>) {
  // Inside one node: p = g = 4, one node. local = 2*1024*3/4 = 1536 bytes in
  // 2*3 = 6 steps: 6e-6 + 1536/1e9 = 7.536e-6.
  // CHECK: shard.all_reduce {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1536, seconds = 7.536e-06, bound = network>
  %a = shard.all_reduce %x on @grid grid_axes = [1]
      : tensor<16x32xbf16> -> tensor<16x32xbf16>
  // Across nodes: p = 2, g = 1, n = 2. remote = 2*1024*1/2 = 1024 bytes in
  // 2 steps: 2e-5 + 1024/1e8 = 3.024e-5.
  // CHECK: shard.all_reduce {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1024, seconds = 3.024e-05, bound = network>
  %b = shard.all_reduce %x on @grid grid_axes = [0]
      : tensor<16x32xbf16> -> tensor<16x32xbf16>
  // The whole grid: p = 8, g = 4, n = 2. Inside: 1536 bytes, 7.536e-6 s;
  // across: 2*(1024/4)*1/2 = 256 bytes in 2 steps, 2e-5 + 2.56e-6 =
  // 2.256e-5 s. network 1792, time 7.536e-6 + 2.256e-5 = 3.0096e-5.
  // CHECK: shard.all_reduce {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1792, seconds = 3.0096e-05, bound = network>
  %c = shard.all_reduce %x on @grid grid_axes = [0, 1]
      : tensor<16x32xbf16> -> tensor<16x32xbf16>
  return %a, %b, %c : tensor<16x32xbf16>, tensor<16x32xbf16>, tensor<16x32xbf16>
}

// CHECK-LABEL: func.func @all_gather
func.func @all_gather(%x: tensor<4x32xbf16>, %y: tensor<8x32xbf16>)
    -> (tensor<16x32xbf16>, tensor<16x32xbf16>) {
  // Inside one node: 4 x [4 x 32] gathered into B = 1024 bytes; p = g = 4:
  // 1024*3/4 = 768 bytes in 3 steps: 3e-6 + 7.68e-7 = 3.768e-6.
  // CHECK: shard.all_gather {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 768, seconds = 3.768e-06, bound = network>
  %a = shard.all_gather %x on @grid grid_axes = [1] gather_axis = 0
      : tensor<4x32xbf16> -> tensor<16x32xbf16>
  // Across nodes: 2 x [8 x 32] into 1024 bytes; p = 2, g = 1, n = 2:
  // (1024/1)*1/2 = 512 bytes in 1 step: 1e-5 + 5.12e-6 = 1.512e-5.
  // CHECK: shard.all_gather {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 512, seconds = 1.512e-05, bound = network>
  %b = shard.all_gather %y on @grid grid_axes = [0] gather_axis = 0
      : tensor<8x32xbf16> -> tensor<16x32xbf16>
  return %a, %b : tensor<16x32xbf16>, tensor<16x32xbf16>
}

// Gradient synchronisation (moe.grad_sync) only runs in a training step.
// CHECK-LABEL: func.func @grad_sync
// TRAIN-LABEL: func.func @grad_sync
// MICRO-LABEL: func.func @grad_sync
func.func @grad_sync(%g: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  // Forward: nothing.
  // CHECK: shard.all_reduce {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
  // Training: one all-reduce across the 2 nodes (no separate backward):
  // 1024 bytes, 3.024e-5 s, as @all_reduce's second.
  // TRAIN: shard.all_reduce {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1024, seconds = 3.024e-05, bound = network>
  // Gradients accumulate over micro-batches and are synchronised once per
  // optimizer step: still 1024 bytes, 3.024e-5 s with 4 micro-batches.
  // MICRO: shard.all_reduce {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 1024, seconds = 3.024e-05, bound = network>
  %r = shard.all_reduce %g on @grid grid_axes = [0] {moe.grad_sync}
      : tensor<16x32xbf16> -> tensor<16x32xbf16>
  return %r : tensor<16x32xbf16>
}
