// The plan search's estimate and the plan passes apply the same plan rules
// (PlanLayoutOpInterface) and the same cost model: check-all lowers every
// plan of a search with --moe-gpu-plan, costs it with --moe-cost, and fails
// when any estimate differs from its IR's cost by more than
// max-disagreement. Here the allowance is 1e-9: the two agree to rounding,
// in time and in memory per device, with expert, tensor and pipeline
// parallelism, micro-batches, capacity factors, recomputation and ZeRO.

// One MoE layer on 2 GPUs: ep in {1, 2}, 6 micro-batch sizes, 2 capacity
// factors, recompute or not, ZeRO stages 0 to 3.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=2 check-all max-disagreement=1e-9 output=/dev/null" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-LAYER
// CHECK-LAYER: remark: checked 192 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device

// The same with FP32 gradients (fp32-grads): 4-byte gradient buffers and
// FP32 gradient reduction, 16-bit ZeRO weight gathers, in both.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=2 check-all max-disagreement=1e-9 output=/dev/null fp32-grads" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-FP32
// CHECK-FP32: remark: checked 192 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device
// CHECK-FP32: remark: best plan {{.*}} fp32-grads: summary estimate

// Attention with tensor parallelism on 4 GPUs (tp in {1, 2}; no experts, so
// no expert tensor parallelism).
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-plan-search="gpus=4 max-tp=2 check-all max-disagreement=1e-9 output=/dev/null" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-TP
// CHECK-TP: remark: checked 48 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device
// CHECK-TP: remark: best plan ep=1 dp=2 tp=2

// A whole DeepSeek-V3 of 5 layers (MLA, 3 dense and 2 MoE layers merged by
// the estimate into runs) on 8 GPUs, with tp and pp up to 2 (folded or
// not, with etp = 1 or 2) and every ZeRO stage. (736 plans are
// priced: for each degree, micro-batch sizes beyond the first that does not
// fit in memory are skipped.)
// RUN: moe-translate --import-hf-config %S/../../examples/configs/deepseek-v3.json --num-layers 5 --batch 8 --seq-len 32 | moe-opt --moe-plan-search="gpus=8 max-tp=2 max-pp=2 check-all max-disagreement=1e-9 output=/dev/null machine=b200" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-DSV3
// CHECK-DSV3: remark: checked 736 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device
// The best of them folds the experts over ep x tp (4 x 2 = 8 GPUs hold
// 32 experts each).
// CHECK-DSV3: remark: best plan ep=4 dp=1 tp=2 fold mb=2x1

// With selective recomputation of MLA's up-projections and the dense MLPs
// as a third recomputation choice (368 more plans); the plans without it
// must not drop what it frees (a bug this check caught).
// RUN: moe-translate --import-hf-config %S/../../examples/configs/deepseek-v3.json --num-layers 5 --batch 8 --seq-len 32 | moe-opt --moe-plan-search="gpus=8 max-tp=2 max-pp=2 check-all max-disagreement=1e-9 output=/dev/null machine=b200 recompute-modules=mla_up_proj,mlp" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-SELECTIVE
// CHECK-SELECTIVE: remark: checked 1104 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device

// A dropless Qwen3-30B-A3B of 2 layers on 16 GPUs: the all-to-alls move the
// routed slots of the dropless buffers, in the estimate as in the IR.
// RUN: moe-translate --import-hf-config %S/../../examples/configs/qwen3-30b-a3b.json --num-layers 2 --batch 16 --seq-len 256 --capacity-factor 0 | moe-opt --moe-plan-search="gpus=16 check-all max-disagreement=1e-9 apply=false output=/dev/null" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-DROPLESS
// CHECK-DROPLESS: remark: checked 80 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device

// The same under skewed routing (Zipf 1.2, docs/CostModel.md "Skewed
// routing"): each plan's busiest expert-parallel rank paces its experts and
// all-to-alls, in the estimate as in the lowered IR costed with zipf=1.2.
// RUN: moe-translate --import-hf-config %S/../../examples/configs/qwen3-30b-a3b.json --num-layers 2 --batch 16 --seq-len 256 --capacity-factor 0 | moe-opt --moe-plan-search="gpus=16 check-all max-disagreement=1e-9 apply=false output=/dev/null zipf=1.2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-ZIPF
// CHECK-ZIPF: remark: checked 80 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device

// The DeepEP dispatcher (one copy per remote node), the expert-parallel
// overlap schedule (merged forward/backward pairs) and gradient
// synchronisation beside the backward, in the estimate as in the IR: the dropless Qwen3-30B-A3B on 16 GPUs (two nodes), and the
// 5-layer DeepSeek-V3 (node-limited routing, groups(8, 4)) with tp and pp
// up to 2 on 8 GPUs of two 4-GPU nodes.
// RUN: moe-translate --import-hf-config %S/../../examples/configs/qwen3-30b-a3b.json --num-layers 2 --batch 16 --seq-len 256 --capacity-factor 0 | moe-opt --moe-plan-search="gpus=16 check-all max-disagreement=1e-9 apply=false output=/dev/null dispatcher=deepep ep-overlap grad-overlap" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-DEEPEP
// CHECK-DEEPEP: remark: checked 80 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device
// RUN: moe-translate --import-hf-config %S/../../examples/configs/deepseek-v3.json --num-layers 5 --batch 8 --seq-len 32 | moe-opt --moe-plan-search="gpus=8 max-tp=2 max-pp=2 check-all max-disagreement=1e-9 output=/dev/null machine=b200 gpus-per-node=4 dispatcher=deepep ep-overlap grad-overlap" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-DEEPEP-DSV3
// CHECK-DEEPEP-DSV3: remark: checked 736 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device

// Context parallelism: every plan up to cp = 4 and tp = 2 of a dropless
// Qwen3-30B-A3B (256-token sequences), folded experts taking part of the
// cp ranks (fold-cp) included, and up to cp = 2 of the 5-layer
// DeepSeek-V3 (MLA), context-parallel attention included, lowered and
// costed as IR (the estimate measures the op against a scratch grid of the
// plan's shape).
// RUN: moe-translate --import-hf-config %S/../../examples/configs/qwen3-30b-a3b.json --num-layers 2 --batch 16 --seq-len 256 --capacity-factor 0 | moe-opt --moe-plan-search="gpus=16 max-tp=2 max-cp=4 check-all max-disagreement=1e-9 apply=false output=/dev/null" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-CP
// CHECK-CP: remark: checked 2384 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device
// RUN: moe-translate --import-hf-config %S/../../examples/configs/deepseek-v3.json --num-layers 5 --batch 8 --seq-len 32 | moe-opt --moe-plan-search="gpus=8 max-tp=2 max-cp=2 check-all max-disagreement=1e-9 output=/dev/null machine=b200 gpus-per-node=4" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-CP-DSV3
// CHECK-CP-DSV3: remark: checked 976 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device

// Expert tensor parallelism (etp = tp = 2: each expert's FFN width over the
// tp ranks, the received slots gathered over them and the partial outputs
// reduce-scattered back) under skewed routing (Zipf 1.2) with the DeepEP
// dispatcher: the busiest expert-parallel rank gathers and scatters the
// most rows, in the estimate as in the IR. 128 of the 464 plans have etp = 2.
// RUN: moe-translate --import-hf-config %S/../../examples/configs/qwen3-30b-a3b.json --num-layers 2 --batch 16 --seq-len 256 --capacity-factor 0 | moe-opt --moe-plan-search="gpus=16 max-tp=2 check-all max-disagreement=1e-9 apply=false output=/dev/null zipf=1.2 dispatcher=deepep" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-ETP
// CHECK-ETP: remark: checked 464 plans lowered and costed as IR against their estimates: largest difference 0.00% in time, 0.00% in memory per device
