//===- Calibration.h - Published kernel measurements, priced ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Reads published H100 kernel measurements (docs/data/published-h100.csv),
// prices each with the roofline the cost model uses (moe/Cost/Roofline.h),
// and fits the machine's efficiency constants on the fit set. moe-calibrate
// is the command-line front end; the fuzzer reads CSVs through the same code.
//
// Each row belongs to one set by a fixed rule, so constants are never fitted
// on the rows that validate them.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_CALIBRATION_H
#define MOE_COST_CALIBRATION_H

#include "moe/Cost/Machine.h"

#include "mlir/Support/LLVM.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace mlir::moe {

/// One measurement the roofline can price.
struct CalibrationSample {
  std::string id, kind;
  /// What cross-validation reports errors by: the kind and the direction
  /// ("gemm fwd", "attention bwd", "moe_expert_ffn fwd+bwd"), with " skewed"
  /// for grouped GEMMs of unequal loads.
  std::string category;
  /// "fit", "validate" or "reference" (listed, counted in neither).
  std::string set;
  double measured = 0; ///< seconds, positive and finite
  double flops = 0;
  /// The modelled time of the measured kernel on a machine.
  std::function<double(const MachineModel &)> predict;
};

/// The samples of the CSV `text` (named `name` in errors). Rows of kinds the
/// roofline does not price are skipped; a missing column, a size that is not
/// a finite count or a measurement that is not a positive finite time is an
/// error naming the file, line, row and column.
llvm::Expected<std::vector<CalibrationSample>>
readCalibrationCSV(StringRef text, StringRef name);

struct CalibrationStats {
  double median = 0, worst = 0;
  size_t count = 0;
};

/// Relative errors |predicted / measured - 1| of the samples of `set`
/// measured at `floor` seconds or more.
CalibrationStats calibrationStatistics(ArrayRef<CalibrationSample> samples,
                                       StringRef set,
                                       const MachineModel &machine,
                                       double floor);

/// Fits `machine`'s efficiency constants on the fit set: coordinate descent
/// of the mean absolute log error, each constant over a fixed grid.
void fitCalibration(ArrayRef<CalibrationSample> samples, MachineModel &machine);

/// Held-out errors of one category in k-fold cross-validation.
struct CategoryErrors {
  std::string category;
  /// Every held-out sample, and those measured at `floor` seconds or more.
  CalibrationStats all, aboveFloor;
};

/// K-fold cross-validation over the samples of the fit set: the i-th of
/// each category falls in fold i mod `folds`; each fold is predicted by
/// constants fitted (from `machine`) on the other folds. The held-out errors
/// by category, in order of first appearance.
std::vector<CategoryErrors>
crossValidateCalibration(ArrayRef<CalibrationSample> samples,
                         const MachineModel &machine, int64_t folds,
                         double floor);

/// The constants fitCalibration fits, by their machine-file names.
SmallVector<std::pair<StringRef, double>>
getFittedConstants(const MachineModel &machine);

/// The fitted constants of `machine` as a machine file that starts from
/// preset `base` (loadMachineFile reads it back).
std::string writeCalibratedMachine(const MachineModel &machine, StringRef name,
                                   StringRef base);

} // namespace mlir::moe

#endif // MOE_COST_CALIBRATION_H
