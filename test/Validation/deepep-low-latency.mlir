// RUN: moe-opt %s --moe-cost="machine-file=%moe_src/examples/machines/h800.json tokens=128" | FileCheck %s

// DeepEP's low-latency kernels (decode), H800 with one CX7 400 Gb/s NIC per
// GPU: 128 tokens per GPU, hidden 7168, top-8, FP8 dispatch and BF16
// combine (the DeepEP README's low-latency table, now in its
// docs/legacy.md; the EP8-EP64 rows since DeepEP forwards over NVLink as
// much as it can). Each GPU sends 128 * 8 = 1024 token copies: in FP8 7168
// bytes plus a 4-byte scale per 128 elements, 7392 bytes (the tensor
// below), back in BF16, 14336 bytes.
//
// The tool's all-to-all over p GPUs, g = min(p, 8) of them per node: local
// B*(g-1)/p over NVLink (200e9 B/s per direction, 3 us) and remote
// B*(p-g)/p over the NIC (50e9 B/s, 30 us) at the same time, both at the
// collective efficiency 0.89 fitted on NCCL all-reduces:
//   max(3e-6 + local / 178e9, 30e-6 + remote / 44.5e9).
// Dispatch B = 1024 * 7392 = 7569408 bytes; combine B = 14680064.
//
// | EP | dispatch published | predicted | combine published | predicted |
// |  8 |  77 us |  40 us | 114 us |  75 us |
// | 16 | 118 us | 115 us | 195 us | 195 us |
// | 32 | 155 us | 158 us | 273 us | 277 us |
// | 64 | 173 us | 179 us | 314 us | 319 us |
// |128 | 192 us | 189 us | 369 us | 339 us |
// |256 | 194 us | 195 us | 360 us | 350 us |
//
// Inside one node (EP8) the kernel reaches half the NVLink rate: it runs
// on few SMs to leave the rest to compute, which the tool does not model.

shard.grid @ep8(shape = 8)
shard.grid @ep16(shape = 16)
shard.grid @ep32(shape = 32)
shard.grid @ep64(shape = 64)
shard.grid @ep128(shape = 128)
shard.grid @ep256(shape = 256)


func.func @low_latency(%d: tensor<1024x7392xf8E4M3FN>, %c: tensor<1024x7168xbf16>) {
  // EP8 dispatch: local 6.62323e+06, remote 0 bytes: 4.02092e-05 s.
  // CHECK: shard.all_to_all {{.*}}network = 6.62323e+06, seconds = 4.02092e-05, bound = network
  %dispatch8 = shard.all_to_all %d on @ep8 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7392xf8E4M3FN> -> tensor<1024x7392xf8E4M3FN>
  // EP8 combine: local 1.28451e+07, remote 0 bytes: 7.51632e-05 s.
  // CHECK: shard.all_to_all {{.*}}network = 1.28451e+07, seconds = 7.51632e-05, bound = network
  %combine8 = shard.all_to_all %c on @ep8 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7168xbf16> -> tensor<1024x7168xbf16>
  // EP16 dispatch: local 3.31162e+06, remote 3.7847e+06 bytes: 0.00011505 s.
  // CHECK: shard.all_to_all {{.*}}network = 7.09632e+06, seconds = 0.00011505, bound = network
  %dispatch16 = shard.all_to_all %d on @ep16 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7392xf8E4M3FN> -> tensor<1024x7392xf8E4M3FN>
  // EP16 combine: local 6.42253e+06, remote 7.34003e+06 bytes: 0.000194945 s.
  // CHECK: shard.all_to_all {{.*}}network = 1.37626e+07, seconds = 0.000194945, bound = network
  %combine16 = shard.all_to_all %c on @ep16 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7168xbf16> -> tensor<1024x7168xbf16>
  // EP32 dispatch: local 1.65581e+06, remote 5.67706e+06 bytes: 0.000157574 s.
  // CHECK: shard.all_to_all {{.*}}network = 7.33286e+06, seconds = 0.000157574, bound = network
  %dispatch32 = shard.all_to_all %d on @ep32 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7392xf8E4M3FN> -> tensor<1024x7392xf8E4M3FN>
  // EP32 combine: local 3.21126e+06, remote 1.101e+07 bytes: 0.000277417 s.
  // CHECK: shard.all_to_all {{.*}}network = 1.42213e+07, seconds = 0.000277417, bound = network
  %combine32 = shard.all_to_all %c on @ep32 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7168xbf16> -> tensor<1024x7168xbf16>
  // EP64 dispatch: local 827904, remote 6.62323e+06 bytes: 0.000178837 s.
  // CHECK: shard.all_to_all {{.*}}network = 7.45114e+06, seconds = 0.000178837, bound = network
  %dispatch64 = shard.all_to_all %d on @ep64 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7392xf8E4M3FN> -> tensor<1024x7392xf8E4M3FN>
  // EP64 combine: local 1.60563e+06, remote 1.28451e+07 bytes: 0.000318653 s.
  // CHECK: shard.all_to_all {{.*}}network = 1.44507e+07, seconds = 0.000318653, bound = network
  %combine64 = shard.all_to_all %c on @ep64 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7168xbf16> -> tensor<1024x7168xbf16>
  // EP128 dispatch: local 413952, remote 7.09632e+06 bytes: 0.000189468 s.
  // CHECK: shard.all_to_all {{.*}}network = 7.51027e+06, seconds = 0.000189468, bound = network
  %dispatch128 = shard.all_to_all %d on @ep128 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7392xf8E4M3FN> -> tensor<1024x7392xf8E4M3FN>
  // EP128 combine: local 802816, remote 1.37626e+07 bytes: 0.000339271 s.
  // CHECK: shard.all_to_all {{.*}}network = 1.45654e+07, seconds = 0.000339271, bound = network
  %combine128 = shard.all_to_all %c on @ep128 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7168xbf16> -> tensor<1024x7168xbf16>
  // EP256 dispatch: local 206976, remote 7.33286e+06 bytes: 0.000194783 s.
  // CHECK: shard.all_to_all {{.*}}network = 7.53984e+06, seconds = 0.000194783, bound = network
  %dispatch256 = shard.all_to_all %d on @ep256 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7392xf8E4M3FN> -> tensor<1024x7392xf8E4M3FN>
  // EP256 combine: local 401408, remote 1.42213e+07 bytes: 0.00034958 s.
  // CHECK: shard.all_to_all {{.*}}network = 1.46227e+07, seconds = 0.00034958, bound = network
  %combine256 = shard.all_to_all %c on @ep256 grid_axes = [0] split_axis = 0
      concat_axis = 0 : tensor<1024x7168xbf16> -> tensor<1024x7168xbf16>
  return
}
