// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" | FileCheck %s
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16 phase=train" | FileCheck %s --check-prefix=TRAIN
// Every op here has a cost model (the payload terminator linalg.yield
// included), so the pass warns about nothing.
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" -o /dev/null 2>&1 | FileCheck %s --check-prefix=QUIET --allow-empty
// QUIET-NOT: warning

// Forward cost of the upstream ops the cost model knows (linalg, arith,
// tensor, scf, func) on the unit machine (Inputs/unit-machine.json): peak
// 1e12 FLOP/s, memory 1e11 B/s, efficiencies 1, no kernel latency, 1x1 tiles
// on one compute unit. A kernel takes max(FLOPs / 1e12, bytes / 1e11).
// A [16 x 32] bf16 tensor has 512 elements and 1024 bytes.

//===----------------------------------------------------------------------===//
// linalg contractions are GEMMs
//===----------------------------------------------------------------------===//

// A[16 x 32] * B[32 x 8] -> C[16 x 8], bf16: FLOPs 2*16*8*32 = 8192;
// bytes (16*32 + 32*8 + 16*8)*2 = (512 + 256 + 128)*2 = 1792;
// time max(8.192e-9, 1.792e-8) = 1.792e-8 (memory).
// CHECK-LABEL: func.func @matmul_activation
// CHECK: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 8192, bytes = 1792, network = 0, seconds = 1.792e-08, bound = memory>
//
// Training: the backward of a GEMM is the input-gradient GEMM [16,8]x[8,32]
// and the weight-gradient GEMM [32,16]x[16,8], each with the forward's FLOPs
// (8192) and bytes (1792), so fwd + bwd = 3x: 24576 FLOPs, 5376 bytes,
// 5.376e-8 s. B is not a parameter (no moe.param): no optimizer step.
// TRAIN-LABEL: func.func @matmul_activation
// TRAIN: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 24576, bytes = 5376, network = 0, seconds = 5.376e-08, bound = memory>
func.func @matmul_activation(%a: tensor<16x32xbf16>, %b: tensor<32x8xbf16>,
                             %c: tensor<16x8xbf16>) -> tensor<16x8xbf16> {
  %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x8xbf16>)
                     outs(%c : tensor<16x8xbf16>) -> tensor<16x8xbf16>
  return %r : tensor<16x8xbf16>
}

// The same GEMM with B marked as a trainable weight: forward unchanged.
// CHECK-LABEL: func.func @matmul_weight
// CHECK: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 8192, bytes = 1792, network = 0, seconds = 1.792e-08, bound = memory>
//
// Training reads B's 16-bit main_grad in the weight-gradient GEMM (it
// accumulates there): 256*2 = 512 more bytes, and adds AdamW over B's 32*8
// = 256 parameters at 28 bytes each: 7168 bytes, 7.168e-8 s. Total 24576
// FLOPs, 5376 + 512 + 7168 = 13056 bytes, 1.3056e-7 s.
// TRAIN-LABEL: func.func @matmul_weight
// TRAIN: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 24576, bytes = 13056, network = 0, seconds = 1.3056e-07, bound = memory>
func.func @matmul_weight(%a: tensor<16x32xbf16>,
                         %b: tensor<32x8xbf16> {moe.param = "lm_head"},
                         %c: tensor<16x8xbf16>) -> tensor<16x8xbf16> {
  %r = linalg.matmul ins(%a, %b : tensor<16x32xbf16>, tensor<32x8xbf16>)
                     outs(%c : tensor<16x8xbf16>) -> tensor<16x8xbf16>
  return %r : tensor<16x8xbf16>
}

// A batch of 2 GEMMs [16 x 32] * [32 x 8]: 2x the single GEMM, 16384 FLOPs,
// 3584 bytes, 3.584e-8 s.
// CHECK-LABEL: func.func @batch_matmul
// CHECK: linalg.batch_matmul {{.*}}moe.cost = #moe.cost<flops = 16384, bytes = 3584, network = 0, seconds = 3.584e-08, bound = memory>
func.func @batch_matmul(%a: tensor<2x16x32xbf16>, %b: tensor<2x32x8xbf16>,
                        %c: tensor<2x16x8xbf16>) -> tensor<2x16x8xbf16> {
  %r = linalg.batch_matmul
      ins(%a, %b : tensor<2x16x32xbf16>, tensor<2x32x8xbf16>)
      outs(%c : tensor<2x16x8xbf16>) -> tensor<2x16x8xbf16>
  return %r : tensor<2x16x8xbf16>
}

//===----------------------------------------------------------------------===//
// other linalg ops are memory-bound
//===----------------------------------------------------------------------===//

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Element-wise add of two [16 x 32] bf16 tensors into a fresh one: read both
// inputs (2048 B), write the result (1024 B; the init is not read by the
// payload): 3072 bytes; one addf per iteration: 512 FLOPs; time 3.072e-8.
// tensor.empty allocates nothing: free. The scalar addf in the payload is
// part of the generic's kernel: it is not costed (nor annotated) itself.
// CHECK-LABEL: func.func @generic_elementwise
// CHECK: tensor.empty() {moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>}
// CHECK: linalg.generic {{.*}}moe.cost = #moe.cost<flops = 512, bytes = 3072, network = 0, seconds = 3.072e-08, bound = memory>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK-NOT: moe.cost
// CHECK-SAME: : bf16
func.func @generic_elementwise(%a: tensor<16x32xbf16>, %b: tensor<16x32xbf16>)
    -> tensor<16x32xbf16> {
  %e = tensor.empty() : tensor<16x32xbf16>
  %r = linalg.generic {indexing_maps = [#id, #id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<16x32xbf16>, tensor<16x32xbf16>)
      outs(%e : tensor<16x32xbf16>) {
  ^bb0(%x: bf16, %y: bf16, %o: bf16):
    %s = arith.addf %x, %y : bf16
    linalg.yield %s : bf16
  } -> tensor<16x32xbf16>
  return %r : tensor<16x32xbf16>
}

// Row sum [16 x 32] -> [16]: read the input (1024 B); the payload reads the
// accumulator, so the init is read (32 B) and written (32 B): 1088 bytes;
// 512 iterations x 1 addf = 512 FLOPs; time 1.088e-8.
// CHECK-LABEL: func.func @generic_reduction
// CHECK: linalg.generic {{.*}}moe.cost = #moe.cost<flops = 512, bytes = 1088, network = 0, seconds = 1.088e-08, bound = memory>
func.func @generic_reduction(%a: tensor<16x32xbf16>, %acc: tensor<16xbf16>)
    -> tensor<16xbf16> {
  %r = linalg.generic {indexing_maps = [#id, #row],
                       iterator_types = ["parallel", "reduction"]}
      ins(%a : tensor<16x32xbf16>) outs(%acc : tensor<16xbf16>) {
  ^bb0(%x: bf16, %o: bf16):
    %s = arith.addf %x, %o : bf16
    linalg.yield %s : bf16
  } -> tensor<16xbf16>
  return %r : tensor<16xbf16>
}

//===----------------------------------------------------------------------===//
// arith on tensors; constants and scalars are free
//===----------------------------------------------------------------------===//

// arith.addf on [16 x 32] bf16: read 2 x 1024 B, write 1024 B = 3072 bytes,
// 512 FLOPs, 3.072e-8 s. A scalar constant and scalar arithmetic live in
// registers: free.
// CHECK-LABEL: func.func @arith_tensor
// CHECK: arith.constant {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
// CHECK: arith.mulf {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
// CHECK: arith.addf {{.*}}moe.cost = #moe.cost<flops = 512, bytes = 3072, network = 0, seconds = 3.072e-08, bound = memory>
//
// Training: the backward of a memory-bound kernel moves twice the bytes and
// does twice the FLOPs: 3x forward = 1536 FLOPs, 9216 bytes, 9.216e-8 s.
// TRAIN-LABEL: func.func @arith_tensor
// TRAIN: arith.addf {{.*}}moe.cost = #moe.cost<flops = 1536, bytes = 9216, network = 0, seconds = 9.216e-08, bound = memory>
func.func @arith_tensor(%a: tensor<16x32xbf16>, %b: tensor<16x32xbf16>, %s: f32)
    -> (tensor<16x32xbf16>, f32) {
  %c = arith.constant 2.0 : f32
  %m = arith.mulf %s, %c : f32
  %r = arith.addf %a, %b : tensor<16x32xbf16>
  return %r, %m : tensor<16x32xbf16>, f32
}

//===----------------------------------------------------------------------===//
// tensor: views are free, copies move their data
//===----------------------------------------------------------------------===//

// extract_slice is a view: free. insert_slice moves its [4 x 32] bf16 source
// (256 B) in place: read + write = 512 bytes, 5.12e-9 s. concat of two
// [16 x 32] into [32 x 32] (2048 B) reads and writes it: 4096 bytes,
// 4.096e-8 s.
// CHECK-LABEL: func.func @tensor_ops
// CHECK: tensor.extract_slice {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
// CHECK: tensor.insert_slice {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 512, network = 0, seconds = 5.12e-09, bound = memory>
// CHECK: tensor.concat {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 4096, network = 0, seconds = 4.096e-08, bound = memory>
func.func @tensor_ops(%a: tensor<16x32xbf16>, %b: tensor<16x32xbf16>)
    -> (tensor<16x32xbf16>, tensor<32x32xbf16>) {
  %s = tensor.extract_slice %a[0, 0] [4, 32] [1, 1]
      : tensor<16x32xbf16> to tensor<4x32xbf16>
  %i = tensor.insert_slice %s into %b[8, 0] [4, 32] [1, 1]
      : tensor<4x32xbf16> into tensor<16x32xbf16>
  %c = tensor.concat dim(0) %a, %b
      : (tensor<16x32xbf16>, tensor<16x32xbf16>) -> tensor<32x32xbf16>
  return %i, %c : tensor<16x32xbf16>, tensor<32x32xbf16>
}

//===----------------------------------------------------------------------===//
// scf.for multiplies its body by the trip count
//===----------------------------------------------------------------------===//

// for %i = 0 to 10 step 3 runs ceil(10 / 3) = 4 times; the addf (3072 B,
// 512 FLOPs each) costs 4x: 2048 FLOPs, 12288 bytes, 1.2288e-7 s. The loop
// and its yield cost nothing themselves.
// CHECK-LABEL: func.func @for_loop
// CHECK: arith.addf {{.*}}moe.cost = #moe.cost<flops = 2048, bytes = 12288, network = 0, seconds = 1.2288e-07, bound = memory>
// CHECK: scf.yield {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
// CHECK: moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
func.func @for_loop(%a: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %c10 = arith.constant 10 : index
  %r = scf.for %i = %c0 to %c10 step %c3 iter_args(%acc = %a)
      -> (tensor<16x32xbf16>) {
    %n = arith.addf %acc, %a : tensor<16x32xbf16>
    scf.yield %n : tensor<16x32xbf16>
  }
  return %r : tensor<16x32xbf16>
}

// Nested: 2 outer trips x 4 inner trips = 8 executions of the addf:
// 4096 FLOPs, 24576 bytes, 2.4576e-7 s.
// CHECK-LABEL: func.func @nested_loops
// CHECK: arith.addf {{.*}}moe.cost = #moe.cost<flops = 4096, bytes = 24576, network = 0, seconds = 2.4576e-07, bound = memory>
func.func @nested_loops(%a: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%x = %a)
      -> (tensor<16x32xbf16>) {
    %s = scf.for %j = %c0 to %c4 step %c1 iter_args(%y = %x)
        -> (tensor<16x32xbf16>) {
      %n = arith.addf %y, %a : tensor<16x32xbf16>
      scf.yield %n : tensor<16x32xbf16>
    }
    scf.yield %s : tensor<16x32xbf16>
  }
  return %r : tensor<16x32xbf16>
}

//===----------------------------------------------------------------------===//
// func.call costs the callee at every call
//===----------------------------------------------------------------------===//

// @callee runs once from the direct call and twice from the 2-trip loop:
// 3 executions of its addf: 1536 FLOPs, 9216 bytes, 9.216e-8 s. @callee is
// called, so it is not an entry point of its own; the call op itself carries
// no cost (its callee's ops do).
// CHECK-LABEL: func.func private @callee
// CHECK: arith.addf {{.*}}moe.cost = #moe.cost<flops = 1536, bytes = 9216, network = 0, seconds = 9.216e-08, bound = memory>
// CHECK-LABEL: func.func @caller
// CHECK: call @callee({{%[a-z0-9]+}}) : (tensor<16x32xbf16>)
// CHECK: call @callee({{%[a-z0-9]+}}) : (tensor<16x32xbf16>)
func.func private @callee(%a: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  %r = arith.addf %a, %a : tensor<16x32xbf16>
  return %r : tensor<16x32xbf16>
}

func.func @caller(%a: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %x = func.call @callee(%a) : (tensor<16x32xbf16>) -> tensor<16x32xbf16>
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%y = %x)
      -> (tensor<16x32xbf16>) {
    %n = func.call @callee(%y) : (tensor<16x32xbf16>) -> tensor<16x32xbf16>
    scf.yield %n : tensor<16x32xbf16>
  }
  return %r : tensor<16x32xbf16>
}
