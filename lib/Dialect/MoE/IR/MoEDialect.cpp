//===- MoEDialect.cpp - The moe dialect -------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/IR/MoEDialect.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::moe;

#include "moe/Dialect/MoE/IR/MoEDialect.cpp.inc"
#include "moe/Dialect/MoE/IR/MoEEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "moe/Dialect/MoE/IR/MoEAttrs.cpp.inc"

void MoEDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "moe/Dialect/MoE/IR/MoEOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "moe/Dialect/MoE/IR/MoEAttrs.cpp.inc"
      >();
}

ArrayRef<StringRef> MoEDialect::getDiscardableAttrNames() {
  static const StringRef names[] = {
      PlanAttrHelper::getNameStr(),      CostSummaryAttrHelper::getNameStr(),
      CostAttrHelper::getNameStr(),      TimingAttrHelper::getNameStr(),
      GradSyncAttrHelper::getNameStr(),  ParamAttrHelper::getNameStr(),
      SplitAxesAttrHelper::getNameStr(), ArchitectureAttrHelper::getNameStr()};
  return names;
}

namespace {

/// What a discardable attribute must be, for one name.
template <typename AttrT>
LogicalResult expect(Operation *op, NamedAttribute attr, StringRef what,
                     StringRef where = "") {
  if (!isa<AttrT>(attr.getValue()))
    return op->emitError() << "'" << attr.getName().getValue() << "'" << where
                           << " must be " << what << ", not "
                           << attr.getValue();
  return success();
}

LogicalResult expectModule(Operation *op, NamedAttribute attr) {
  if (isa<ModuleOp>(op))
    return success();
  return op->emitError() << "'" << attr.getName().getValue()
                         << "' belongs on a builtin.module, not on '"
                         << op->getName() << "'";
}

InFlightDiagnostic unknownAttr(Operation *op, StringRef name, StringRef where) {
  InFlightDiagnostic diag = op->emitError();
  diag << "unknown moe attribute '" << name << "'" << where << " (known:";
  llvm::interleave(
      MoEDialect::getDiscardableAttrNames(),
      [&](StringRef n) { diag << " " << n; }, [&] { diag << ","; });
  diag << ")";
  return diag;
}

/// `moe.split_axes` on an argument or result (`where`); any other moe
/// attribute there is unknown.
LogicalResult verifySplitAxes(Operation *op, NamedAttribute attr,
                              const std::string &where) {
  StringRef name = attr.getName().getValue();
  if (name != MoEDialect::SplitAxesAttrHelper::getNameStr())
    return unknownAttr(op, name, where);
  return expect<shard::GridAxesArrayAttr>(
      op, attr, "grid axes per dimension (#shard<axisarray[...]>)", where);
}

} // namespace

LogicalResult MoEDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == PlanAttrHelper::getNameStr())
    return failure(
        failed(expectModule(op, attr)) ||
        failed(expect<PlanAttrInterface>(op, attr,
                                         "a plan (#moe.gpu_plan<...> or "
                                         "#moe.wse_plan<...>)")));
  if (name == CostSummaryAttrHelper::getNameStr())
    return failure(
        failed(expectModule(op, attr)) ||
        failed(expect<CostSummaryAttr>(op, attr, "a #moe.cost_summary<...>")));
  if (name == CostAttrHelper::getNameStr())
    return expect<CostAttr>(op, attr, "a #moe.cost<...>");
  if (name == TimingAttrHelper::getNameStr())
    return expect<TimingAttr>(op, attr, "a #moe.timing<...>");
  if (name == GradSyncAttrHelper::getNameStr()) {
    if (failed(expect<UnitAttr>(op, attr, "a unit attribute")))
      return failure();
    if (!isa<shard::ShardDialect>(op->getDialect()))
      return op->emitError()
             << "'" << name << "' marks a shard collective, not '"
             << op->getName() << "'";
    return success();
  }
  if (name == ArchitectureAttrHelper::getNameStr())
    return failure(failed(expectModule(op, attr)) ||
                   failed(expect<StringAttr>(op, attr, "a string")));
  if (name == ParamAttrHelper::getNameStr() ||
      name == SplitAxesAttrHelper::getNameStr())
    return op->emitError() << "'" << name
                           << "' belongs on a function argument or result, "
                              "not on an operation";
  return unknownAttr(op, name, "");
}

LogicalResult MoEDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                   unsigned argIndex,
                                                   NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  std::string where = " of argument #" + std::to_string(argIndex);
  if (name == ParamAttrHelper::getNameStr()) {
    auto weight = dyn_cast<StringAttr>(attr.getValue());
    if (!weight || weight.getValue().empty())
      return op->emitError() << "'" << name << "'" << where
                             << " must name the weight (a non-empty string), "
                                "not "
                             << attr.getValue();
    return success();
  }
  return verifySplitAxes(op, attr, where);
}

LogicalResult MoEDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                      unsigned resultIndex,
                                                      NamedAttribute attr) {
  return verifySplitAxes(op, attr,
                         " of result #" + std::to_string(resultIndex));
}
