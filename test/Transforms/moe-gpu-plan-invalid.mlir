// Option combinations the GPU plan rejects, one test each.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=16" 2>&1 | FileCheck %s --check-prefix=CHECK-EPDIV
// CHECK-EPDIV: error: 'moe.experts' op has 8 experts, which ep = 16 does not divide

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=8 dp=16" 2>&1 | FileCheck %s --check-prefix=CHECK-TOKENS
// CHECK-TOKENS: error: 64 tokens do not split evenly over dp * ep = 128 GPUs

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 nodes=2 gpus-per-node=8" 2>&1 | FileCheck %s --check-prefix=CHECK-NODES
// CHECK-NODES: error: dp * ep = 2 * 2 = 4 GPUs, but nodes * gpus-per-node = 2 * 8 = 16

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=3 nodes=1" 2>&1 | FileCheck %s --check-prefix=CHECK-NODEDIV
// CHECK-NODEDIV: error: ep (3) does not divide the 8 GPUs of 1 nodes x 8

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=65536" 2>&1 | FileCheck %s --check-prefix=CHECK-MAX
// CHECK-MAX: error: a grid of 131072 GPUs is larger than h100-sxm allows (65536)

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=0" 2>&1 | FileCheck %s --check-prefix=CHECK-EP0
// CHECK-EP0: error: ep (0) must be at least 1

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="gpus-per-node=0" 2>&1 | FileCheck %s --check-prefix=CHECK-GPN
// CHECK-GPN: error: gpus-per-node (0) must be at least 1

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="dp=-1" 2>&1 | FileCheck %s --check-prefix=CHECK-NEG
// CHECK-NEG: error: dp (-1) must be at least 0

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="capacity-factor=-1" 2>&1 | FileCheck %s --check-prefix=CHECK-CF
// CHECK-CF: error: capacity-factor (-1) must be at least 0

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="phase=infer" 2>&1 | FileCheck %s --check-prefix=CHECK-PHASE
// CHECK-PHASE: for the --phase option: 'infer' is not one of: forward, train

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="machine=tpu" 2>&1 | FileCheck %s --check-prefix=CHECK-MACHINE
// CHECK-MACHINE: error: unknown machine 'tpu'

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="machine=cs2" 2>&1 | FileCheck %s --check-prefix=CHECK-WAFER
// CHECK-WAFER: error: machine 'cs2' is a wafer-scale system; use --moe-wse-plan

// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2" --moe-gpu-plan="ep=2" 2>&1 | FileCheck %s --check-prefix=CHECK-TWICE
// CHECK-TWICE: error: the module is already planned (moe.plan = #moe.gpu_plan<ep = 2, tokens = 64>); plan the unplanned program

// A program without routing or embedding has no token count to split.
// RUN: not moe-opt %s --moe-gpu-plan="dp=2" 2>&1 | FileCheck %s --check-prefix=CHECK-NOTOKENS
// CHECK-NOTOKENS: error: cannot find the program's token count
func.func @dense(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  return %x : tensor<8x4xf32>
}

// Whole sequences per GPU: 64 tokens over 8 GPUs is 8 tokens, but seq_len is 16.
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="dp=8" 2>&1 | FileCheck %s --check-prefix=CHECK-SEQ
// CHECK-SEQ: error: 'moe.attention' op cannot split 64 tokens over 8 GPUs in whole sequences of 16 (8 tokens per GPU)

// A returned dispatch buffer has a capacity per GPU (8 tokens: ceil(1.25 *
// 8 * 2 / 8) = 3 slots), not the program's 5: no value of the program.
// RUN: not moe-opt %S/Inputs/returns-buffer.mlir --moe-gpu-plan="ep=2" 2>&1 | FileCheck %s --check-prefix=CHECK-RESULT
// CHECK-RESULT: error: 'func.func' op returns 'tensor<8x5x32xf32>' (result #0), which is 'tensor<8x3x32xf32>' on each device of the GPU plan: a value whose shape depends on how the tokens are split (such as a dispatch buffer) is not a result of the program; return token tensors

// Tensor parallelism: tp must be at least 1, divide each attention's KV
// heads and each dense FFN's columns, fit the nodes with ep, and shard
// weights that are function arguments used by one op.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="tp=0" 2>&1 | FileCheck %s --check-prefix=CHECK-TP0
// CHECK-TP0: error: tp (0) must be at least 1
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=3 nodes=1" 2>&1 | FileCheck %s --check-prefix=CHECK-TPNODES
// CHECK-TPNODES: error: ep * tp (6) does not divide the 8 GPUs of 1 nodes x 8
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=4 nodes=1" 2>&1 | FileCheck %s --check-prefix=CHECK-TPDEG
// CHECK-TPDEG: error: dp * ep * tp = 4 * 2 * 2 = 16 GPUs, but nodes * gpus-per-node = 1 * 8 = 8
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="tp=4" 2>&1 | FileCheck %s --check-prefix=CHECK-TPKV
// CHECK-TPKV: error: 'moe.attention' op has 2 KV heads, which tp = 4 does not divide
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="tp=2 dp=8" 2>&1 | FileCheck %s --check-prefix=CHECK-TPSEQ
// CHECK-TPSEQ: error: 'moe.attention' op cannot split 64 tokens over 8 tensor-parallel groups in whole sequences of 16 (8 tokens per tensor-parallel group)
// RUN: not moe-opt %S/Inputs/tp-errors.mlir --split-input-file --moe-gpu-plan="tp=2" 2>&1 | FileCheck %s --check-prefix=CHECK-TPW
// CHECK-TPW: error: 'moe.ffn' op has 5 FFN columns, which tp = 2 does not divide
// CHECK-TPW: error: 'moe.ffn' op operand #1 must be a function argument used by this op alone to be sharded over tp = 2

// Degrees whose product overflows are refused, not wrapped.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=4611686018427387904 tp=4" 2>&1 | FileCheck %s --check-prefix=CHECK-HUGE
// CHECK-HUGE: error: ep (4611686018427387904) must be at most 1125899906842624
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=1125899906842624 tp=1125899906842624" 2>&1 | FileCheck %s --check-prefix=CHECK-OVERFLOW
// CHECK-OVERFLOW: error: the grid is too large (ep * cp * tp * pp or nodes * gpus-per-node overflows)

// Capacity factors that are no number (the issue's inf gave "Dimension size
// mismatch", nan was accepted).
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="capacity-factor=inf" 2>&1 | FileCheck %s --check-prefix=CHECK-CFINF
// CHECK-CFINF: error: capacity-factor (inf) must be a finite number
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="capacity-factor=nan" 2>&1 | FileCheck %s --check-prefix=CHECK-CFNAN
// CHECK-CFNAN: error: capacity-factor (nan) must be a finite number
// A finite factor whose capacity is no count the model can hold.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="capacity-factor=1e300" 2>&1 | FileCheck %s --check-prefix=CHECK-CFHUGE
// CHECK-CFHUGE: error: 'moe.dispatch' op has no capacity for 64 tokens per device

// Pipeline stages: at least one, and they count towards the nodes' GPUs.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="pp=0" 2>&1 | FileCheck %s --check-prefix=CHECK-PP0
// CHECK-PP0: error: pp (0) must be at least 1
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=8 pp=4 dp=1 nodes=1" 2>&1 | FileCheck %s --check-prefix=CHECK-PPDEG
// CHECK-PPDEG: error: dp * ep * pp = 1 * 8 * 4 = 32 GPUs, but nodes * gpus-per-node = 1 * 8 = 8
