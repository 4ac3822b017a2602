// ZeRO stages of a GPU plan: memory per device and gradient traffic, by hand.
//
// Inputs/moe-layer.mlir on ep = 2, dp = 2 (4 GPUs), training, 2
// micro-batches. Per device: the router, 1024 x 8 = 8192 parameters
// (16384 B), replicated on all 4 GPUs (its gradient is all-reduced over dp
// and ep); 4 of the 8 experts, 3 x 4 x 1024 x 16 = 196608 parameters
// (393216 B), replicated on the 2 GPUs of a dp group.
//
// - zero=0: weights 16384 + 393216 = 409600 B; gradients the same; optimizer
//   state (fp32 master, momentum, variance: 12 B) (8192 + 196608) x 12 =
//   2457600 B.
// - zero=1 shards the optimizer state over each weight's replicas:
//   8192 x 12 / 4 + 196608 x 12 / 2 = 24576 + 1179648 = 1204224 B.
// - zero=2 also the gradients: 16384 / 4 + 393216 / 2 = 200704 B.
// - zero=3 also the weights, and gathers the weights of the op that runs
//   (the experts, 393216 B): 200704 + 393216 = 593920 B.
//
// Network bytes: the all-to-alls move the same bytes at every stage (the
// zero=0 total, 679936 B, includes them). The gradient all-reduces move
// 2 (p - 1) / p of each buffer: 1.5 x 16384 + 1 x 393216 = 417792 B. ZeRO-1
// reduce-scatters and all-gathers the same bytes once per step; ZeRO-2
// reduce-scatters every micro-batch and all-gathers once, (2 + 1) / 2 = 1.5
// all-reduces: 679936 + 0.5 x 417792 = 888832 B; ZeRO-3 also gathers the
// weights for each micro-batch's forward and backward, 1.5 x 2 = 3
// all-reduces: 679936 + 2 x 417792 = 1515520 B.

// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 phase=train zero=0" --moe-cost="phase=train micro-batches=2" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-ZERO0
// CHECK-ZERO0: "network_bytes": 679936,
// CHECK-ZERO0: "weights": 409600,
// CHECK-ZERO0-NEXT: "gradients": 409600,
// CHECK-ZERO0-NEXT: "optimizer": 2457600,

// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 phase=train zero=1" --moe-cost="phase=train micro-batches=2" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-ZERO1
// CHECK-ZERO1: "network_bytes": 679936,
// CHECK-ZERO1: "weights": 409600,
// CHECK-ZERO1-NEXT: "gradients": 409600,
// CHECK-ZERO1-NEXT: "optimizer": 1204224,

// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 phase=train zero=2" --moe-cost="phase=train micro-batches=2" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-ZERO2
// CHECK-ZERO2: "network_bytes": 888832,
// CHECK-ZERO2: "weights": 409600,
// CHECK-ZERO2-NEXT: "gradients": 200704,
// CHECK-ZERO2-NEXT: "optimizer": 1204224,

// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 phase=train zero=3" --moe-cost="phase=train micro-batches=2" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-ZERO3
// CHECK-ZERO3: "network_bytes": 1515520,
// CHECK-ZERO3: "weights": 593920,
// CHECK-ZERO3-NEXT: "gradients": 200704,
// CHECK-ZERO3-NEXT: "optimizer": 1204224,

// fp32-grads: gradients accumulate in FP32 main_grad buffers (4 B per
// parameter, sharded as above) and are reduced in FP32, so the gradient
// all-reduce moves 2 x 417792 = 835584 B; ZeRO's weight all-gathers stay
// 16-bit (417792 B for a whole all-reduce's worth). The all-to-alls move
// 679936 - 417792 = 262144 B.
// - zero=0: gradients 204800 x 4 = 819200 B; network 262144 + 835584 =
//   1097728 B.
// - zero=1: reduce-scatter half of 835584, all-gather half of 417792:
//   262144 + 417792 + 208896 = 888832 B.
// - zero=3: reduce-scatter per micro-batch (2 x 0.5 x 835584), gathers
//   2 x 1 x 417792: 262144 + 835584 + 835584 = 1933312 B; gradients
//   8192 x 4 / 4 + 196608 x 4 / 2 = 401408 B.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 phase=train zero=0 fp32-grads" --moe-cost="phase=train micro-batches=2" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-FP32-ZERO0
// CHECK-FP32-ZERO0: "network_bytes": 1097728,
// CHECK-FP32-ZERO0: "weights": 409600,
// CHECK-FP32-ZERO0-NEXT: "gradients": 819200,
// CHECK-FP32-ZERO0-NEXT: "optimizer": 2457600,
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 phase=train zero=1 fp32-grads" --moe-cost="phase=train micro-batches=2" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-FP32-ZERO1
// CHECK-FP32-ZERO1: "network_bytes": 888832,
// CHECK-FP32-ZERO1: "gradients": 819200,
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 phase=train zero=3 fp32-grads" --moe-cost="phase=train micro-batches=2" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-FP32-ZERO3
// CHECK-FP32-ZERO3: "network_bytes": 1933312,
// CHECK-FP32-ZERO3: "weights": 593920,
// CHECK-FP32-ZERO3-NEXT: "gradients": 401408,
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 fp32-grads" | FileCheck %s --check-prefix=CHECK-FP32-ATTR
// CHECK-FP32-ATTR: moe.plan = #moe.gpu_plan<dp = 2, ep = 2, fp32_grads = true, tokens = 64>

// The plan records the stage; a stage past 3 is an error naming the option.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 zero=1" | FileCheck %s --check-prefix=CHECK-ATTR
// CHECK-ATTR: moe.plan = #moe.gpu_plan<dp = 2, ep = 2, zero = 1, tokens = 64>
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="zero=4" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-BAD
// CHECK-BAD: error: zero (4) must be at most 3
