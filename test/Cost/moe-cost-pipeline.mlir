// Pipeline parallelism (a plan's `pp` and `vpp`, docs/CostModel.md) on the
// unit machine (Inputs/unit-machine.json: memory 1e11 B/s, efficiency 1,
// no kernel latency; across nodes 1e8 B/s and 1e-5 s).
//
// Four layers, one moe.rms_norm each on a 4 x 256 f32 input with its own
// 256-element weight; 4 micro-batches, training. Each op: forward reads x
// (4096 B) and w (1024 B) and writes y (4096 B), 9216 B = 9.216e-8 s;
// backward reads x, dy and w and writes dx, 13312 B = 1.3312e-7 s; per
// micro-batch 2.2528e-7 s, 4 micro-batches 9.0112e-7 s; AdamW on 256
// parameters 256 * 28 = 7168 B = 7.168e-8 s once per step. Each op's own
// annotation is 9.728e-7 s whatever the pipeline.

// More stages than layers is an error naming both.
// RUN: not moe-opt %S/Inputs/pipeline-too-many-stages.mlir --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-ERR
// CHECK-ERR: error: pp = 8 pipeline stages need at least as many decoder layers (named layers.N); the program has 1

// pp = 2: layers 0-1 on stage 0, 2-3 on stage 1. A stage computes
// 2 * 2.2528e-7 = 4.5056e-7 s per micro-batch; the 1F1B schedule takes
// (m + (p - 1) / v) = 5 slots of the slowest stage: 2.2528e-6 s; the
// optimizer steps of a stage's 2 weights 1.4336e-7 s; the activation
// entering stage 1 (4096 B) crosses a node boundary in the fill and its
// gradient in the drain: 2 * (1e-5 + 4096 / 1e8) = 1.0192e-4 s.
// Step: 2.2528e-6 + 1.4336e-7 + 1.0192e-4 = 1.0431616e-4 s. Stage 0
// ends the step; it computes 4 * 4.5056e-7 = 1.80224e-6 s and steps its
// optimizer 1.4336e-7 s, and waits the rest (one slot of fill and drain,
// 4.5056e-7, and the transfers): bubble 1.0237056e-4 / 1.0431616e-4 =
// 0.981349 of the step. Memory: stage
// 0 holds 2 weights (2048 B), their gradients (2048 B) and optimizer state
// (512 * 12 = 6144 B), and the saved inputs (4096 B per op) of
// min(p - 0, m) = 2 micro-batches: 2 * 8192 = 16384 B. Tokens per step: 4
// per device per micro-batch x 4 micro-batches x 2 devices / 2 stages = 16.
// A device does its stage's half of the work: FLOPs 4 * 49152 / 2 = 98304,
// bytes 4 * (4 * 22528 + 7168) / 2 = 194560 (each op's own figures are the
// whole op's).
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train micro-batches=4 tokens=4" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-PP2
// CHECK-PP2: "tokens": 16,
// CHECK-PP2: "seconds": {{0\.00010431616|0\.000104316159999}}
// CHECK-PP2-NEXT: "flops": 98304,
// CHECK-PP2-NEXT: "model_flops": 98304,
// CHECK-PP2-NEXT: "bytes": 194560,
// CHECK-PP2: "pipeline_bubble": 0.98134
// CHECK-PP2: "weights": 2048,
// CHECK-PP2-NEXT: "gradients": 2048,
// CHECK-PP2-NEXT: "optimizer": 6144,
// CHECK-PP2-NEXT: "activations": 16384,
// CHECK-PP2: "seconds": 9.728{{0*[0-9]*}}e-07,
module attributes {moe.plan = #moe.gpu_plan<pp = 2>} {
  func.func @step(%x: tensor<4x256xf32>, %w0: tensor<256xf32> {moe.param = "w0"},
                  %w1: tensor<256xf32> {moe.param = "w1"},
                  %w2: tensor<256xf32> {moe.param = "w2"},
                  %w3: tensor<256xf32> {moe.param = "w3"}) -> tensor<4x256xf32> {
    %a = moe.rms_norm %x, %w0 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.0.norm")
    %b = moe.rms_norm %a, %w1 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.1.norm")
    %c = moe.rms_norm %b, %w2 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.2.norm")
    %d = moe.rms_norm %c, %w3 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.3.norm")
    return %d : tensor<4x256xf32>
  }
}

// -----

// Interleaved, vpp = 2: the fill and drain shrink to (p - 1) / v = 1/2 slot:
// 4.5 * 4.5056e-7 = 2.02752e-6 s; step 2.02752e-6 + 1.4336e-7 + 1.0192e-4
// = 1.0409088e-4 s; stage 0 waits half a slot and the transfers:
// bubble (2.2528e-7 + 1.0192e-4) / 1.0409088e-4 = 0.981309.
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train micro-batches=4 tokens=4" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-VPP
// CHECK-VPP: "seconds": {{0\.0001040908(8|79999[0-9]*)}}
// CHECK-VPP: "pipeline_bubble": 0.98130
module attributes {moe.plan = #moe.gpu_plan<pp = 2, vpp = 2>} {
  func.func @step(%x: tensor<4x256xf32>, %w0: tensor<256xf32> {moe.param = "w0"},
                  %w1: tensor<256xf32> {moe.param = "w1"},
                  %w2: tensor<256xf32> {moe.param = "w2"},
                  %w3: tensor<256xf32> {moe.param = "w3"}) -> tensor<4x256xf32> {
    %a = moe.rms_norm %x, %w0 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.0.norm")
    %b = moe.rms_norm %a, %w1 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.1.norm")
    %c = moe.rms_norm %b, %w2 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.2.norm")
    %d = moe.rms_norm %c, %w3 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.3.norm")
    return %d : tensor<4x256xf32>
  }
}

// -----

// pp = 3 over 4 layers: layer i goes to stage floor(3i / 4): 0, 0, 1, 2.
// Per micro-batch stage 0 runs f0 = 1.8432e-7 forward and b0 = 2.6624e-7
// backward, stages 1 and 2 half that (f = 9.216e-8, b = 1.3312e-7); each
// boundary takes d = 1e-5 + 4096 / 1e8 = 5.096e-5 s. Run in time (1F1B:
// stage 0 warms up with 2 forwards, stage 1 with 1, stage 2 with none):
// micro-batch 0 reaches stage 2 at T = f0 + d + f + d. Stage 2 then runs
// F0 B0 F1 B1 F2 B2 back to back, but its F3 waits for stage 0, which can
// start F3 only after its own B0 (the slow stage): F3 leaves stage 1 at
// T + (f + b) + b + b0 + f0 + f = T + 9.0112e-7. Stage 2 ends F3 B3 at
// T + 9.0112e-7 + 2.2528e-7; the last gradient returns through stage 1
// (d + b) and stage 0 (d + b0). Schedule: (f0 + f) + 1.1264e-6 + (b + b0)
// + 4d = 1.80224e-6 + 4d = 2.0564224e-4 s; stage 0 ends last and adds its
// two optimizer steps (1.4336e-7): step 2.057856e-4 s (the closed form
// (m + p - 1) slots of the slowest stage, which assumes every stage as
// slow, gave 6 * 4.5056e-7 + 4d + 1.4336e-7 = 2.0668928e-4). Bubble:
// stage 0 waits 2.057856e-4 - 1.80224e-6 - 1.4336e-7 = 2.0384e-4 s (the
// four transfers exactly: its waits for the other stages hide behind
// them), 0.990545 of the step.
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train micro-batches=4 tokens=4" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-PP3
// CHECK-PP3: "seconds": {{0\.000205785599999|0\.0002057856}}
// CHECK-PP3: "pipeline_bubble": 0.99054
module attributes {moe.plan = #moe.gpu_plan<pp = 3>} {
  func.func @step(%x: tensor<4x256xf32>, %w0: tensor<256xf32> {moe.param = "w0"},
                  %w1: tensor<256xf32> {moe.param = "w1"},
                  %w2: tensor<256xf32> {moe.param = "w2"},
                  %w3: tensor<256xf32> {moe.param = "w3"}) -> tensor<4x256xf32> {
    %a = moe.rms_norm %x, %w0 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.0.norm")
    %b = moe.rms_norm %a, %w1 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.1.norm")
    %c = moe.rms_norm %b, %w2 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.2.norm")
    %d = moe.rms_norm %c, %w3 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.3.norm")
    return %d : tensor<4x256xf32>
  }
}
