// Context parallelism (`cp`): a grid axis between ep and tp on which every
// device holds 1 / cp of each sequence; attention ops exchange keys and
// values over it, every other op treats it as data parallel.
// Inputs/attention-layer.mlir: 4 sequences of 16 tokens (T = 64), H = 64,
// 4 query heads and 2 KV heads of 16, bf16.

// cp = 2, dp = 2 (4 GPUs): 64 / 4 = 16 rows per GPU, the halves (8 tokens)
// of 2 sequences. The attention op names its group; the weights are
// replicated over cp, so their gradients are summed over it too.
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=2 dp=2 gpus-per-node=4 phase=train" | FileCheck %s --check-prefix=CHECK-CP
// CHECK-CP: moe.plan = #moe.gpu_plan<dp = 2, gpus_per_node = 4, cp = 2, tokens = 64>
// CHECK-CP-NEXT: shard.grid @gpus(shape = 2x1x2)
// CHECK-CP: moe.attention %arg0, %arg1, %arg2, %arg3, %arg4 heads = 4 kv_heads = 2 head_dim = 16 seq_len = 16 causal context_parallel = <@gpus, [2]> : (tensor<16x64xbf16>
// CHECK-CP: shard.all_reduce %arg1 on @gpus grid_axes = [0, 1, 2] {moe.grad_sync}

// With tp = 2 as well the grid is dp x ep x cp x tp = 1x1x2x2: the tensor-
// parallel group gathers 32 rows (4 sequences' halves) and runs 2 of the
// 4 heads; the context-parallel group is axis 2, its members tp = 2 apart.
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=2 tp=2 gpus-per-node=4 phase=train" | FileCheck %s --check-prefix=CHECK-CPTP
// CHECK-CPTP: shard.grid @gpus(shape = 1x1x2x2)
// CHECK-CPTP: shard.all_gather %arg0 on @gpus grid_axes = [3] gather_axis = 0 : tensor<16x64xbf16> -> tensor<32x64xbf16>
// CHECK-CPTP: heads = 2 kv_heads = 1 head_dim = 16 seq_len = 16 causal context_parallel = <@gpus, [2]>
// CHECK-CPTP: shard.reduce_scatter {{.*}} grid_axes = [3]
// CHECK-CPTP: shard.all_reduce %arg1 on @gpus grid_axes = [0, 1, 2] {moe.grad_sync} : tensor<64x32xbf16>

// Folded with cp, the experts split over ep and cp: an expert-parallel
// group of ep * cp = 4 consecutive GPUs holding 8 / 4 = 2 experts each.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 cp=2 fold phase=train" | FileCheck %s --check-prefix=CHECK-FOLD
// CHECK-FOLD: moe.plan = #moe.gpu_plan<ep = 2, fold = true, cp = 2, tokens = 64>
// CHECK-FOLD-NEXT: shard.grid @gpus(shape = 1x2x2)
// CHECK-FOLD{LITERAL}: %arg2: tensor<2x1024x16xbf16> {moe.param = "experts.gate", moe.split_axes = #shard<axisarray[[1, 2]]>}
// CHECK-FOLD: shard.all_to_all {{.*}} grid_axes = [1, 2] split_axis = 0 concat_axis = 1 : tensor<8x4x1024xbf16> -> tensor<2x16x1024xbf16>

// An expert group smaller than the cp x tp group (Megatron-Core's EP 8
// inside TP 4 x CP 4): fold-cp = 2 of cp = 4 splits the cp axis into 2 x 2;
// the experts take the inner half, a group of 2 consecutive GPUs holding
// 8 / 2 = 4 experts, replicated (and their gradients summed) over the outer
// cp axis; attention's group spans both cp axes.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="cp=4 fold fold-cp=2 phase=train" | FileCheck %s --check-prefix=CHECK-FOLDCP
// CHECK-FOLDCP: moe.plan = #moe.gpu_plan<fold = true, cp = 4, fold_cp = 2, tokens = 64>
// CHECK-FOLDCP-NEXT: shard.grid @gpus(shape = 1x1x2x2)
// CHECK-FOLDCP: shard.all_to_all {{.*}} grid_axes = [1, 3] split_axis = 0 concat_axis = 1 : tensor<8x4x1024xbf16> -> tensor<4x8x1024xbf16>
// CHECK-FOLDCP: shard.all_reduce %arg2 on @gpus grid_axes = [0, 2] {moe.grad_sync} : tensor<4x1024x16xbf16>
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=4 fold fold-cp=2" | FileCheck %s --check-prefix=CHECK-FOLDCP-ATTN
// CHECK-FOLDCP-ATTN: context_parallel = <@gpus, [2, 3]>
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 cp=4 fold fold-cp=2" 2>&1 | FileCheck %s --check-prefix=CHECK-FOLDCP-EP
// CHECK-FOLDCP-EP: error: fold-cp = 2 is the context-parallel ranks a folded expert group takes: it needs fold, ep = 1 and a divisor of cp = 4

// Costs on Inputs/cluster.json (NVLink 100 GB/s, 1 us per step inside a
// node; 4 GPUs per node), training.
//
// FLOPs are those of the data-parallel plan on the same 4 GPUs: each GPU's
// queries are 1/2 of 2 sequences instead of 1 whole sequence, and their two
// chunks see (16 + 1) / 2 keys on average, like a whole causal sequence:
//   core 2 * (2 seqs * 4 heads) * 8 queries * 8.5 keys * (16 + 16) = 34,816
//   = 2 * (1 * 4) * 16 * 8.5 * 32; GEMMs q, k, v, o on 16 rows:
//   2 * 16 * 64 * (64 + 32 + 32) + 2 * 16 * 64 * 64 = 393,216;
//   train: 3 * 393,216 + 34,816 * (1 + 2.5) = 1,301,504.
// The ring: the 2 sequences' keys and values gathered are
//   2 * 16 tokens * 2 * (2 KV heads * 16) * 2 B = 4,096 B; each GPU receives
//   the other half, 2,048 B forward, and in the backward the keys and
//   values again with their gradients, 4,096 B: 6,144 B on NVLink.
// The core reads all 16 keys of each of its 8 (sequence, head) pairs, so it
// moves 2 * 8 * (16 - 8) * 32 = 4,096 B more than the data-parallel core
// forward and twice that backward: 509,952 + 12,288 = 522,240 B.
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-COST
// CHECK-COST: context_parallel = <@gpus, [2]> {moe.cost = #moe.cost<flops = 1.3015e+06, bytes = 522240, network = 6144,
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="dp=4 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-DP
// CHECK-DP: moe.attention {{.*}} {moe.cost = #moe.cost<flops = 1.3015e+06, bytes = 509952, network = 0,

// cp = 4 (grid 1x1x4, the group is axis 2): a quarter of each of the 4
// sequences per GPU; their keys and values are 4 * 16 * 128 B = 8,192 B
// gathered, 3/4 of it received forward (6,144 B) and twice that backward:
// 18,432 B. The core reads 16 keys for 4 queries of 16 pairs:
// 2 * 16 * (4 + 16) * 32 = 20,480 B forward, 12,288 B more than the
// data-parallel core, 3 * 12,288 = 36,864 B more in all: 546,816 B.
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=4 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-CP4
// CHECK-CP4: context_parallel = <@gpus, [2]> {moe.cost = #moe.cost<flops = 1.3015e+06, bytes = 546816, network = 18432,

// The ring's time, by difference (everything else in the op is the same on
// machines that differ only in NVLink bandwidth; latency 1 us, collective
// efficiency 1). Slow links expose it: 2,048 B forward take
// 1e-6 + 2048 / 1e6 = 2.049 ms at 1 MB/s and 1.025 ms at 2 MB/s, minus the
// same half of the core (a ring of 2 hides behind 1/2 of it) either way:
// the forward differs by 1.024 ms, the backward (twice the bytes) by
// 2.048 ms. Fast links hide it: at 100 and 200 GB/s the ring (1.02 and
// 1.01 us) is under half the core, so the op's time does not move.
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-pipeline="machine-file=%S/Inputs/ring-1MBps.json cp=2 dp=2 gpus-per-node=4 phase=train format=json output=%t.1MBps.json" -o /dev/null
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-pipeline="machine-file=%S/Inputs/ring-2MBps.json cp=2 dp=2 gpus-per-node=4 phase=train format=json output=%t.2MBps.json" -o /dev/null
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-pipeline="machine-file=%S/Inputs/cluster.json cp=2 dp=2 gpus-per-node=4 phase=train format=json output=%t.100GBps.json" -o /dev/null
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-pipeline="machine-file=%S/Inputs/ring-200GBps.json cp=2 dp=2 gpus-per-node=4 phase=train format=json output=%t.200GBps.json" -o /dev/null
// RUN: %python -c "import json, sys; t = lambda f: [o['timing'] for o in json.load(open(f))['ops'] if o['op'] == 'moe.attention'][0]; d = lambda a, b, k: t(a)[k] - t(b)[k]; print('exposed forward %.6e backward %.6e' % (d(sys.argv[1], sys.argv[2], 'forward'), d(sys.argv[1], sys.argv[2], 'backward'))); print('hidden forward %.6e backward %.6e' % (d(sys.argv[3], sys.argv[4], 'forward'), d(sys.argv[3], sys.argv[4], 'backward')))" %t.1MBps.json %t.2MBps.json %t.100GBps.json %t.200GBps.json | FileCheck %s --check-prefix=CHECK-RING
// CHECK-RING: exposed forward 1.024000e-03 backward 2.048000e-03
// CHECK-RING: hidden forward 0.000000e+00 backward 0.000000e+00

// Errors: a cp that cannot cut a sequence into two equal chunks per GPU,
// context-parallel groups that do not hold whole sequences, a serving step
// (KV caches), fold without an axis to fold in, lowering or simulating a
// context-parallel plan.
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=16" 2>&1 | FileCheck %s --check-prefix=CHECK-CHUNKS
// CHECK-CHUNKS: error: 'moe.attention' op cannot cut sequences of seq_len = 16 into 2 * cp = 32 equal chunks; choose a cp that divides seq_len / 2
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=2 dp=8" 2>&1 | FileCheck %s --check-prefix=CHECK-WHOLE
// CHECK-WHOLE: error: 'moe.attention' op cannot split 64 tokens over 8 context-parallel groups in whole sequences of 16 (8 tokens per context-parallel group)
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=0" 2>&1 | FileCheck %s --check-prefix=CHECK-ZERO
// CHECK-ZERO: error: cp (0) must be at least 1
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-plan-search="gpus=4 max-cp=0" 2>&1 | FileCheck %s --check-prefix=CHECK-MAXCP
// CHECK-MAXCP: error: max-cp (0) must be at least 1
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=2 fold-cp=-1" 2>&1 | FileCheck %s --check-prefix=CHECK-FOLDCP-NEG
// CHECK-FOLDCP-NEG: error: fold-cp = -1 is the context-parallel ranks a folded expert group takes: it needs fold, ep = 1 and a divisor of cp = 2
// RUN: not moe-opt %S/Inputs/attention-cache.mlir --moe-gpu-plan="cp=2" 2>&1 | FileCheck %s --check-prefix=CHECK-CACHE
// CHECK-CACHE: error: 'moe.attention' op reads KV caches: a serving step does not split its sequences over cp = 2 devices
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 fold" 2>&1 | FileCheck %s --check-prefix=CHECK-NOFOLD
// CHECK-NOFOLD: error: fold splits the experts over the tensor- and context-parallel ranks too: it needs tp > 1 (with etp = 1) or cp > 1
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=2 dp=2" --convert-moe-to-linalg 2>&1 | FileCheck %s --check-prefix=CHECK-LOWER
// CHECK-LOWER: error: 'moe.attention' op is context-parallel; --convert-moe-to-linalg lowers plans without cp only
// RUN: not moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="cp=2 dp=2" --moe-simulate-grid 2>&1 | FileCheck %s --check-prefix=CHECK-SIM
// CHECK-SIM: error: 'moe.attention' op is context-parallel; --moe-simulate-grid runs plans without cp only
