// The driver of run-collectives.mlir: spliced into the simulated module,
// calls each function on the whole tensors and prints each result.
func.func private @printMemrefI32(memref<*xi32>)
    attributes {llvm.emit_c_interface}

func.func @print(%t: tensor<?x?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?x?xi32> to memref<?x?xi32>
  %u = memref.cast %m : memref<?x?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @main() {
  %x0 = arith.constant dense<[[11, 12], [13, 14], [15, 16], [21, 22], [23, 24],
                              [25, 26], [31, 32], [33, 34], [35, 36]]> : tensor<9x2xi32>
  %y0 = call @all_to_all(%x0) : (tensor<9x2xi32>) -> tensor<9x2xi32>
  %c0 = tensor.cast %y0 : tensor<9x2xi32> to tensor<?x?xi32>
  call @print(%c0) : (tensor<?x?xi32>) -> ()

  %x1 = arith.constant dense<[[0, 1, 2, 3, 4, 5], [10, 11, 12, 13, 14, 15],
                              [20, 21, 22, 23, 24, 25], [30, 31, 32, 33, 34, 35]]> : tensor<4x6xi32>
  %y1 = call @all_gather(%x1) : (tensor<4x6xi32>) -> tensor<2x12xi32>
  %c1 = tensor.cast %y1 : tensor<2x12xi32> to tensor<?x?xi32>
  call @print(%c1) : (tensor<?x?xi32>) -> ()

  %x2 = arith.constant dense<[[1, 10], [2, 20], [3, 30], [4, 40], [5, 50], [6, 60]]> : tensor<6x2xi32>
  %s2, %m2 = call @all_reduce(%x2) : (tensor<6x2xi32>) -> (tensor<1x2xi32>, tensor<2x2xi32>)
  %c2 = tensor.cast %s2 : tensor<1x2xi32> to tensor<?x?xi32>
  call @print(%c2) : (tensor<?x?xi32>) -> ()
  %d2 = tensor.cast %m2 : tensor<2x2xi32> to tensor<?x?xi32>
  call @print(%d2) : (tensor<?x?xi32>) -> ()

  %x3 = arith.constant dense<[[100, 101, 102, 103, 104, 105],
                              [200, 201, 202, 203, 204, 205],
                              [300, 301, 302, 303, 304, 305]]> : tensor<3x6xi32>
  %y3 = call @reduce_scatter(%x3) : (tensor<3x6xi32>) -> tensor<6x1xi32>
  %c3 = tensor.cast %y3 : tensor<6x1xi32> to tensor<?x?xi32>
  call @print(%c3) : (tensor<?x?xi32>) -> ()

  %x4 = arith.constant dense<[[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]> : tensor<2x6xi32>
  %y4 = call @all_slice(%x4) : (tensor<2x6xi32>) -> tensor<2x6xi32>
  %c4 = tensor.cast %y4 : tensor<2x6xi32> to tensor<?x?xi32>
  call @print(%c4) : (tensor<?x?xi32>) -> ()

  %y5 = call @indices() : () -> tensor<6x5xi32>
  %c5 = tensor.cast %y5 : tensor<6x5xi32> to tensor<?x?xi32>
  call @print(%c5) : (tensor<?x?xi32>) -> ()
  return
}
