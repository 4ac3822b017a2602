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
    std::string text;
    llvm::raw_string_ostream(text) << llvm::format("%.6g", value);
    // An MLIR float literal needs a dot before its exponent: %g's "1e-06"
    // would lex as the integer 1 followed by `e`, so print "1.0e-06".
    size_t exponent = text.find('e');
    if (exponent != std::string::npos && text.find('.') == std::string::npos)
      text.insert(exponent, ".0");
    printer << key << " = " << text;
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
  // The printer's %g writes whole numbers without a dot ("flops = 2048"),
  // which parseFloat rejects; accept integer literals too so that annotated
  // IR parses back.
  auto parseNumber = [&](double &value) -> ParseResult {
    bool negative = succeeded(parser.parseOptionalMinus());
    APInt integer;
    OptionalParseResult parsed = parser.parseOptionalInteger(integer);
    if (!parsed.has_value()) {
      if (parser.parseFloat(value))
        return failure();
    } else if (failed(*parsed)) {
      return failure();
    } else {
      value = integer.roundToDouble();
    }
    if (negative)
      value = -value;
    return success();
  };
  for (int i = 0; i < 4; ++i) {
    if (parser.parseKeyword(keys[i]) || parser.parseEqual() ||
        parseNumber(values[i]) || parser.parseComma())
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
