//===- MoEAttrs.h - moe dialect attributes ----------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The typed attributes of the moe dialect: the per-op cost, the plans and the
// cost summary (dialects/MoE/MoEAttrs.td), and the helpers their textual
// form uses.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_IR_MOEATTRS_H
#define MOE_DIALECT_MOE_IR_MOEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/bit.h"

#include "moe/Dialect/MoE/IR/MoEEnums.h.inc"

namespace mlir::moe {

/// How far a plan shards the training state of each weight over the devices
/// that replicate it (ZeRO, Rajbhandari et al., arXiv 1910.02054): 0 not at
/// all; 1 the optimizer state (Megatron-Core's distributed optimizer); 2 also
/// the gradients; 3 also the weights (FSDP), gathered for each use.
constexpr int64_t kMaxZeroStage = 3;

/// A figure stored in a typed attribute (FLOPs, bytes, seconds): a double
/// that the attribute storage can hash and compare.
struct Figure {
  double value = 0;
  Figure(double value = 0) : value(value) {}
  operator double() const { return value; }
  bool operator==(const Figure &other) const { return value == other.value; }
};
inline llvm::hash_code hash_value(const Figure &figure) {
  return llvm::hash_value(llvm::bit_cast<uint64_t>(figure.value));
}

/// Parses a figure: an integer or float literal that is finite and not
/// negative (a typed attribute's parameter).
FailureOr<Figure> parseFigure(AsmParser &parser);
/// Prints the shortest decimal that reads back as `value`.
void printFigure(AsmPrinter &printer, double value);
/// Prints `value` with six significant digits.
void printRoundedFigure(AsmPrinter &printer, double value);
/// `value` as printFigure writes it.
std::string formatFigure(double value);

/// Why `value` is not a valid figure ("must not be negative", "must be
/// finite"), or an empty string when it is.
StringRef checkFigure(double value);

} // namespace mlir::moe

#include "moe/Dialect/MoE/IR/MoEAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "moe/Dialect/MoE/IR/MoEAttrs.h.inc"

#endif // MOE_DIALECT_MOE_IR_MOEATTRS_H
