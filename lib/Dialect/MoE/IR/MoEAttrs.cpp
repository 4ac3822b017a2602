//===- MoEAttrs.cpp - moe dialect attributes --------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::moe;

// Printed with six significant digits so that the same input always gives
// the same bytes and the IR stays readable; the report carries full figures.
void CostAttr::print(AsmPrinter &printer) const {
  auto num = [&](StringRef key, double value, bool comma = true) {
    printer << key << " = " << llvm::format("%.6g", value);
    if (comma)
      printer << ", ";
  };
  printer << "<";
  num("flops", flops());
  num("bytes", bytes());
  num("network", network());
  num("seconds", seconds());
  printer << "bound = " << stringifyBound(getBound()) << ">";
}

Attribute CostAttr::parse(AsmParser &parser, Type) {
  double values[4] = {0, 0, 0, 0};
  const char *keys[4] = {"flops", "bytes", "network", "seconds"};
  if (parser.parseLess())
    return {};
  for (int i = 0; i < 4; ++i) {
    if (parser.parseKeyword(keys[i]) || parser.parseEqual() ||
        parser.parseFloat(values[i]) || parser.parseComma())
      return {};
    if (values[i] < 0) {
      parser.emitError(parser.getCurrentLocation())
          << "'" << keys[i] << "' must not be negative";
      return {};
    }
  }
  StringRef boundName;
  if (parser.parseKeyword("bound") || parser.parseEqual() ||
      parser.parseKeyword(&boundName) || parser.parseGreater())
    return {};
  std::optional<Bound> bound = symbolizeBound(boundName);
  if (!bound) {
    parser.emitError(parser.getCurrentLocation())
        << "unknown bound '" << boundName
        << "' (expected compute, memory, network, weight_io, latency or none)";
    return {};
  }
  return CostAttr::get(parser.getContext(), values[0], values[1], values[2],
                       values[3], *bound);
}
