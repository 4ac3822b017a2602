// RUN: moe-opt %s --split-input-file --verify-diagnostics --convert-wse-to-scf

func.func @train(%w: tensor<4x3xf32>) {
  %ws = wse.stream_weights %w systems = 2 : tensor<4x3xf32>
  // expected-error @below {{stands for the training step's backward pass and weight update, which the program does not compute; plan with phase=forward to run the step's forward pass}}
  %g = wse.reduce_gradients %ws systems = 2 : tensor<4x3xf32>
  // expected-error @below {{stands for the training step's backward pass and weight update}}
  wse.optimizer_step %w, %g optimizer = "adamw" : tensor<4x3xf32>
  return
}
