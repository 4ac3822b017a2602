//===- Options.h - Pass and pipeline option types ---------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The choices several passes and pipelines share (the phase, the report
// format, the tile count) as option types with their values written once:
// `--help` lists the values, and a wrong one is an error that names them.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SUPPORT_OPTIONS_H
#define MOE_SUPPORT_OPTIONS_H

#include "moe/Dialect/MoE/IR/MoEAttrs.h"
#include "moe/Support/RecomputeModule.h"

#include "mlir/Support/LLVM.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace mlir::moe {

/// How a report or a table of plans is written.
enum class ReportFormat { Text, Json, Csv };

/// The values of a `phase` option.
llvm::cl::ValuesClass phaseOptionValues();
/// The values of a `dispatcher` option.
llvm::cl::ValuesClass dispatcherOptionValues();
/// The modules a `recompute-modules` option names, as a mask of bits
/// `1 << RecomputeModule`; an error naming the option and the known names
/// otherwise.
std::optional<std::string>
parseRecomputeModules(llvm::ArrayRef<std::string> names, unsigned &mask);
/// The names of the modules in `mask`, comma-separated ("mla_up_proj,mlp").
std::string describeRecomputeModules(unsigned mask);
/// The values of a `format` option.
llvm::cl::ValuesClass formatOptionValues();

/// Attention tiles per wafer-scale system: a positive count, or `auto`
/// (chosen by cost).
struct TileCount {
  /// 0 stands for `auto`.
  int64_t count = 1;
  bool isAuto() const { return count == 0; }
  bool operator==(const TileCount &other) const { return count == other.count; }
  bool operator!=(const TileCount &other) const { return !(*this == other); }
};
llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const TileCount &tiles);

/// llvm::cl's parser for enum options, whose error lists the valid values
/// ("'xml' is not one of: text, json, csv") instead of "Cannot find option
/// named 'xml'!".
template <typename T>
class EnumOptionParser : public llvm::cl::generic_parser_base {
protected:
  class OptionInfo : public GenericOptionInfo {
  public:
    OptionInfo(StringRef name, T value, StringRef help)
        : GenericOptionInfo(name, help), V(value) {}
    llvm::cl::OptionValue<T> V;
  };
  SmallVector<OptionInfo, 4> Values;

public:
  using parser_data_type = T;
  EnumOptionParser(llvm::cl::Option &owner) : generic_parser_base(owner) {}

  unsigned getNumOptions() const override { return Values.size(); }
  StringRef getOption(unsigned n) const override { return Values[n].Name; }
  StringRef getDescription(unsigned n) const override {
    return Values[n].HelpStr;
  }
  const llvm::cl::GenericOptionValue &
  getOptionValue(unsigned n) const override {
    return Values[n].V;
  }

  bool parse(llvm::cl::Option &option, StringRef argName, StringRef arg,
             T &value) {
    StringRef given = Owner.hasArgStr() ? arg : argName;
    for (const OptionInfo &info : Values)
      if (info.Name == given) {
        value = info.V.getValue();
        return false;
      }
    std::string names;
    for (const OptionInfo &info : Values)
      names += (names.empty() ? "" : ", ") + info.Name.str();
    return option.error("'" + given + "' is not one of: " + names);
  }

  template <typename DT>
  void addLiteralOption(StringRef name, const DT &value, StringRef help) {
    Values.emplace_back(name, static_cast<T>(value), help);
    llvm::cl::AddLiteralOption(Owner, name);
  }
  void removeLiteralOption(StringRef name) {
    Values.erase(Values.begin() + findOption(name));
  }
};

} // namespace mlir::moe

namespace llvm::cl {

template <>
class parser<mlir::moe::Phase>
    : public mlir::moe::EnumOptionParser<mlir::moe::Phase> {
public:
  using EnumOptionParser::EnumOptionParser;
};

template <>
class parser<mlir::moe::ReportFormat>
    : public mlir::moe::EnumOptionParser<mlir::moe::ReportFormat> {
public:
  using EnumOptionParser::EnumOptionParser;
};

/// `tiles=N` (N >= 1) or `tiles=auto`.
template <>
class parser<mlir::moe::TileCount> : public basic_parser<mlir::moe::TileCount> {
public:
  parser(Option &owner) : basic_parser(owner) {}
  bool parse(Option &option, StringRef argName, StringRef arg,
             mlir::moe::TileCount &value);
  StringRef getValueName() const override { return "N|auto"; }
  void printOptionDiff(const Option &option, mlir::moe::TileCount value,
                       const OptionValue<mlir::moe::TileCount> &defaultValue,
                       size_t globalWidth) const;
  void anchor() override;
};

} // namespace llvm::cl

#endif // MOE_SUPPORT_OPTIONS_H
