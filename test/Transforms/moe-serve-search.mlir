// The serving search on a one-layer model (Inputs/serve-model.mlir) on the
// unit machine (1e12 FLOP/s, 1e11 B/s, NIC 1e8 B/s with 10 us latency).
// check-serving.py re-derives every candidate from its phases with the
// formulas of docs/Serving.md, and the targets, best plans and Pareto front
// from the list. KV cache per token, by hand: keys and values of 2 heads of
// 16 in bf16, 2 * 2 * 16 * 2 = 128 bytes.

// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/../Cost/Inputs/unit-machine.json gpus=8 gpus-per-node=4 input-tokens=64 output-tokens=32 max-batch=64 format=json output=%t.json svg=%t.svg" -o /dev/null
// RUN: %python %S/Inputs/check-serving.py %t.json %S/../Cost/Inputs/unit-machine.json 128 | FileCheck %s --check-prefix=CHECKED
// CHECKED: checked {{[0-9]+}} candidates
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: FileCheck %s --check-prefix=SVG < %t.svg
// With tensor parallelism the experts are also split over the tp ranks
// (etp = tp, as vLLM and SGLang shard them under TP alone); such plans are
// on the front of this search.
// RUN: FileCheck %s --check-prefix=JSON-ETP < %t.json
// JSON-ETP: "etp": 2,

// Under skewed routing (Zipf 1.2, docs/CostModel.md "Skewed routing") every
// phase is priced on its busiest expert-parallel rank: the candidates still
// add up (the checker re-derives them) and the priced phases change.
// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/../Cost/Inputs/unit-machine.json gpus=8 gpus-per-node=4 input-tokens=64 output-tokens=32 max-batch=64 format=json output=%t.zipf.json zipf=1.2" -o /dev/null
// RUN: %python %S/Inputs/check-serving.py %t.zipf.json %S/../Cost/Inputs/unit-machine.json 128 | FileCheck %s --check-prefix=CHECKED
// RUN: not cmp -s %t.json %t.zipf.json
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="gpus=8 input-tokens=64 output-tokens=32 zipf=1 imbalance=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SKEWS
// SKEWS: error: give one of imbalance=, zipf= and routing-file=
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="gpus=8 input-tokens=64 output-tokens=32 zipf=-2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADZIPF
// BADZIPF: error: zipf (-2) must be at least 0

// The KV transfer of a prefill of 16 prompts per GPU, by hand: 16 * 64
// tokens * 128 B = 131072 B over 1e8 B/s, plus 10 us: 1.32072 ms.
// JSON: "kv_bytes_per_token": 128,
// JSON: "mean_context": 80,
// JSON: "kv_transfer_seconds": 0.00132072{{[0-9]*}},
// SVG: output tokens/s per user
// SVG: best:

// Latency targets change the choice: with TTFT <= 1 ms a prefill of 16
// prompts per GPU (1.39 ms with its transfer) no longer qualifies, and with
// TPOT <= 3 us only the smaller decode batches do.
// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/../Cost/Inputs/unit-machine.json gpus=8 gpus-per-node=4 input-tokens=64 output-tokens=32 max-batch=64 ttft=0.001 tpot=3e-6 format=json output=%t.slo.json" -o /dev/null
// RUN: %python %S/Inputs/check-serving.py %t.slo.json %S/../Cost/Inputs/unit-machine.json 128 | FileCheck %s --check-prefix=CHECKED

// Two micro-batches where they help: every figure still follows from the
// phases (each phase's step is the faster of one batch and two halves).
// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/../Cost/Inputs/unit-machine.json gpus=8 gpus-per-node=4 input-tokens=64 output-tokens=32 max-batch=64 two-batch-overlap=true format=json output=%t.tbo.json" -o /dev/null
// RUN: %python %S/Inputs/check-serving.py %t.tbo.json %S/../Cost/Inputs/unit-machine.json 128 | FileCheck %s --check-prefix=CHECKED

// The text report: both kinds, a verdict and the front.
// RUN: moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="machine-file=%S/../Cost/Inputs/unit-machine.json gpus=8 gpus-per-node=4 input-tokens=64 output-tokens=32 ttft=0.001 tpot=3e-6" -o /dev/null | FileCheck %s --check-prefix=TEXT
// TEXT: moe-mlir serving search: 8 x unit, requests of 64 prompt + 32 output tokens, TTFT <= 1.000 ms, TPOT <= 3.00 us
// TEXT: KV cache            128 B per token; decode priced at the mean context of 80 tokens
// TEXT: best co-located
// TEXT: best disaggregated
// TEXT: verdict
// TEXT: Pareto front

// Bad options name themselves.
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="input-tokens=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-INPUT
// BAD-INPUT: input-tokens (0) must be
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="tpot=nan" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-TPOT
// BAD-TPOT: tpot (nan) must be
// RUN: not moe-opt %S/Inputs/serve-model.mlir --moe-serve-search="format=csv" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-CSV
// BAD-CSV: format=csv is not a serving search format
// A wafer-scale machine is served by the wafer search
// (moe-serve-search-wafer.mlir).
