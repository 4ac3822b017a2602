//===- moe-calibrate.cpp - Fit and validate kernel efficiencies -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Prices the published H100 kernel measurements in docs/data/ with the same
// roofline the cost model uses (moe/Cost/Calibration.h) and either fits the
// machine's efficiency constants on the fit set (--fit) or prints predicted
// next to measured for both sets (docs/Validation.md is this output).
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Calibration.h"
#include "moe/Support/Output.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::moe;

static llvm::cl::OptionCategory calibrateOptions("moe-calibrate options");

static llvm::cl::opt<std::string> dataFile(llvm::cl::cat(calibrateOptions),
                                           llvm::cl::Positional,
                                           llvm::cl::desc("<published.csv>"),
                                           llvm::cl::Required);
static llvm::cl::opt<std::string>
    machineName(llvm::cl::cat(calibrateOptions), "machine",
                llvm::cl::desc("Machine preset to price on"),
                llvm::cl::init("h100-sxm"));
static llvm::cl::opt<bool>
    fit(llvm::cl::cat(calibrateOptions), "fit",
        llvm::cl::desc("Fit the efficiency constants on the fit set "
                       "and print them"));
enum class FitRows { Rule, All };
static llvm::cl::opt<FitRows> fitRows(
    llvm::cl::cat(calibrateOptions), "fit-rows",
    llvm::cl::desc("Which rows --fit fits on"),
    llvm::cl::values(
        clEnumValN(FitRows::Rule, "rule",
                   "The fit set: a 'set' column, else the fixed rule of "
                   "docs/Validation.md for the published rows"),
        clEnumValN(FitRows::All, "all",
                   "Every row not in the reference set (your own "
                   "measurements; --folds says how well that generalises)")),
    llvm::cl::init(FitRows::Rule));
static llvm::cl::opt<std::string> emitMachine(
    llvm::cl::cat(calibrateOptions), "emit-machine",
    llvm::cl::desc("With --fit: write the fitted constants as a machine file "
                   "(JSON, starting from --machine) for machine-file="),
    llvm::cl::value_desc("file"));
static llvm::cl::opt<std::string> machineFileName(
    llvm::cl::cat(calibrateOptions), "name",
    llvm::cl::desc("Name of the emitted machine (default: the preset's name "
                   "with -calibrated)"));
static llvm::cl::opt<int64_t> folds(
    llvm::cl::cat(calibrateOptions), "folds",
    llvm::cl::desc("K-fold cross-validation of the rows --fit-rows selects: "
                   "fit on K-1 folds, predict the held-out fold, and print "
                   "the errors by kernel category"),
    llvm::cl::init(0));
static llvm::cl::opt<double> maxMedian(
    llvm::cl::cat(calibrateOptions), "max-median-error",
    llvm::cl::desc("Fail when the validation set's median error (of kernels "
                   "above --min-seconds) exceeds this fraction"),
    llvm::cl::init(0));
static llvm::cl::opt<double> maxWorst(
    llvm::cl::cat(calibrateOptions), "max-worst-error",
    llvm::cl::desc("Fail when the validation set's worst error (of kernels "
                   "above --min-seconds) exceeds this fraction"),
    llvm::cl::init(0));
static llvm::cl::opt<double>
    minSeconds(llvm::cl::cat(calibrateOptions), "min-seconds",
               llvm::cl::desc("Only kernels at least this long count for the "
                              "--max-*-error checks (the issue's 100 us)"),
               llvm::cl::init(100e-6));

namespace {

std::string formatTime(double seconds) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (seconds >= 1e-3)
    os << llvm::format("%.3f ms", seconds * 1e3);
  else
    os << llvm::format("%.1f us", seconds * 1e6);
  return out;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::moe::installOutputErrorHandler("moe-calibrate");
  llvm::cl::HideUnrelatedOptions(calibrateOptions);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "moe-calibrate: fit and validate the cost model's kernel efficiencies "
      "against published measurements\n");

  auto buffer = llvm::MemoryBuffer::getFile(dataFile);
  if (!buffer) {
    llvm::errs() << "error: cannot read '" << dataFile
                 << "': " << buffer.getError().message() << "\n";
    return 1;
  }
  llvm::Expected<MachineModel> machineOr = getMachinePreset(machineName);
  if (!machineOr) {
    llvm::errs() << "error: " << llvm::toString(machineOr.takeError()) << "\n";
    return 1;
  }
  MachineModel machine = *machineOr;
  llvm::Expected<std::vector<CalibrationSample>> samplesOr =
      readCalibrationCSV((*buffer)->getBuffer(), dataFile);
  if (!samplesOr) {
    llvm::errs() << "error: " << llvm::toString(samplesOr.takeError()) << "\n";
    return 1;
  }
  std::vector<CalibrationSample> &samples = *samplesOr;

  if (!emitMachine.empty() && !fit) {
    llvm::errs() << "error: --emit-machine writes fitted constants: give "
                    "--fit too\n";
    return 1;
  }
  if (folds.getNumOccurrences() && folds < 2) {
    llvm::errs() << "error: --folds must be at least 2 (got " << folds << ")\n";
    return 1;
  }
  if (fitRows == FitRows::All)
    for (CalibrationSample &s : samples)
      if (s.set != "reference")
        s.set = "fit";
  if (folds >= 2) {
    int64_t rows = llvm::count_if(
        samples, [](const CalibrationSample &s) { return s.set == "fit"; });
    if (rows < folds) {
      llvm::errs() << "error: --folds=" << folds << " needs at least as many "
                   << "rows to fit as folds; '" << dataFile << "' has " << rows
                   << "\n";
      return 1;
    }
    llvm::outs() << "| category | rows | median | worst | rows >= "
                 << formatTime(minSeconds) << " | median | worst |\n"
                 << "|---|---:|---:|---:|---:|---:|---:|\n";
    bool ok = true;
    for (const CategoryErrors &c :
         crossValidateCalibration(samples, machine, folds, minSeconds)) {
      auto figure = [](const CalibrationStats &st, double value) {
        return st.count ? llvm::formatv("{0:f1}%", 100 * value).str()
                        : std::string("-");
      };
      llvm::outs() << "| " << c.category << " | " << c.all.count << " | "
                   << figure(c.all, c.all.median) << " | "
                   << figure(c.all, c.all.worst) << " | " << c.aboveFloor.count
                   << " | " << figure(c.aboveFloor, c.aboveFloor.median)
                   << " | " << figure(c.aboveFloor, c.aboveFloor.worst)
                   << " |\n";
      if (maxMedian > 0 && c.aboveFloor.median > maxMedian)
        ok = false;
      if (maxWorst > 0 && c.aboveFloor.worst > maxWorst)
        ok = false;
    }
    llvm::outs() << "\nHeld-out errors of " << folds
                 << "-fold cross-validation: each fold predicted by constants "
                    "fitted on the others.\n";
    if (!ok) {
      llvm::errs() << "error: cross-validated error above the allowed "
                      "bounds\n";
      return 1;
    }
    return 0;
  }

  if (fit) {
    fitCalibration(samples, machine);
    if (!emitMachine.empty()) {
      std::string name = machineFileName.empty() ? machine.name + "-calibrated"
                                                 : machineFileName.getValue();
      std::string json =
          writeCalibratedMachine(machine, name, machineName.getValue());
      std::error_code ec;
      llvm::raw_fd_ostream out(emitMachine, ec);
      if (ec) {
        llvm::errs() << "error: cannot write '" << emitMachine
                     << "': " << ec.message() << "\n";
        return 1;
      }
      out << json;
      return 0;
    }
    for (auto [name, value] : getFittedConstants(machine))
      llvm::outs() << name << " " << llvm::format("%.6g", value) << "\n";
    return 0;
  }

  llvm::outs() << "| set | id | kind | measured | predicted | error |\n"
               << "|---|---|---|---:|---:|---:|\n";
  for (StringRef set : {"fit", "validate", "reference"})
    for (const CalibrationSample &s : samples) {
      if (s.set != set)
        continue;
      double predicted = s.predict(machine);
      llvm::outs() << "| " << s.set << " | " << s.id << " | " << s.kind << " | "
                   << formatTime(s.measured) << " | " << formatTime(predicted)
                   << " | "
                   << llvm::format("%+.1f%%",
                                   100 * (predicted / s.measured - 1))
                   << " |\n";
    }
  llvm::outs() << "\n";
  bool ok = true;
  for (StringRef set : {"fit", "validate"})
    for (double floor : {0.0, minSeconds.getValue()}) {
      CalibrationStats st = calibrationStatistics(samples, set, machine, floor);
      llvm::outs() << llvm::format(
          "%s set, kernels >= %s: %zu samples, median error %.1f%%, worst "
          "%.1f%%\n",
          set.str().c_str(), formatTime(floor).c_str(), st.count,
          100 * st.median, 100 * st.worst);
      if (set == "validate" && floor > 0) {
        if (maxMedian > 0 && st.median > maxMedian)
          ok = false;
        if (maxWorst > 0 && st.worst > maxWorst)
          ok = false;
      }
    }
  if (!ok) {
    llvm::errs() << "error: validation error above the allowed bounds\n";
    return 1;
  }
  return 0;
}
