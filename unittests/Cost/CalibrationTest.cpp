//===- CalibrationTest.cpp - Reading and fitting calibration CSVs -*- C++ -*-=//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A fit always gives a machine the validator accepts, and rows are priced
// to finite, positive times.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Calibration.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

namespace {

constexpr const char *kHeader =
    "id,kind,dtype,m,n,k,batch_or_groups,seq_len,head_dim,causal,direction,"
    "bytes,measured_value,measured_unit\n";

// One FlashAttention-3 forward row (arXiv 2407.08608, 467 TFLOP/s at
// S = 512, d = 128): faster than the preset's attention efficiency allows,
// so the fit runs to the top of its grid. The fuzzer found that summing the
// grid's steps ended at 1.0000000000000002, which the validator refuses.
TEST(Calibration, FitStaysOnTheGrid) {
  std::string csv = std::string(kHeader) +
                    "attn-fa3paper-flashattention-3-hd128-nc-fwd-512,"
                    "attention,bf16,,,,\"batch=32, heads=16\",512,128,"
                    "false,fwd,,467,TFLOP/s\n";
  llvm::Expected<std::vector<CalibrationSample>> samples =
      readCalibrationCSV(csv, "test.csv");
  ASSERT_TRUE(static_cast<bool>(samples)) << toString(samples.takeError());
  ASSERT_EQ(samples->size(), 1u);
  EXPECT_EQ((*samples)[0].set, "fit");
  MachineModel machine = cantFail(getMachinePreset("h100-sxm"));
  fitCalibration(*samples, machine);
  EXPECT_LE(machine.attentionEfficiency, 1.0);
  llvm::Error error = validateMachine(machine);
  EXPECT_FALSE(static_cast<bool>(error)) << toString(std::move(error));
}

// 2 * 4096^3 FLOP at 700 TFLOP/s is 196 us; the prediction is positive and
// finite.
TEST(Calibration, GemmRowIsPriced) {
  std::string csv = std::string(kHeader) +
                    "gemm-x,gemm,bf16,4096,4096,4096,,,,,,,700,TFLOP/s\n";
  llvm::Expected<std::vector<CalibrationSample>> samples =
      readCalibrationCSV(csv, "test.csv");
  ASSERT_TRUE(static_cast<bool>(samples)) << toString(samples.takeError());
  ASSERT_EQ(samples->size(), 1u);
  EXPECT_NEAR((*samples)[0].measured, 2.0 * 4096 * 4096 * 4096 / 700e12, 1e-12);
  double predicted =
      (*samples)[0].predict(cantFail(getMachinePreset("h100-sxm")));
  EXPECT_TRUE(std::isfinite(predicted));
  EXPECT_GT(predicted, 0);
}

TEST(Calibration, MissingColumnsAreNamed) {
  llvm::Expected<std::vector<CalibrationSample>> samples =
      readCalibrationCSV("id,kind\nx,gemm\n", "short.csv");
  ASSERT_FALSE(static_cast<bool>(samples));
  EXPECT_EQ(toString(samples.takeError()),
            "'short.csv' has no columns 'dtype', 'm', 'n', 'k', "
            "'batch_or_groups', 'seq_len', 'head_dim', 'causal', 'direction', "
            "'bytes', 'measured_value', 'measured_unit' (the header of "
            "docs/data/published-h100.csv lists them)");
}

} // namespace
