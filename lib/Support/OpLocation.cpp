//===- OpLocation.cpp - Which layer an op belongs to ------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Support/OpLocation.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::moe;

std::string mlir::moe::formatLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (isa<NameLoc>(inner))
        return formatLocation(inner);
    if (!fused.getLocations().empty())
      return formatLocation(fused.getLocations().front());
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return formatLocation(callSite.getCallee());
  return "unknown";
}

std::string mlir::moe::getLayerName(Operation *op) {
  Location loc = op->getLoc();
  std::optional<StringRef> name;
  if (auto nameLoc = dyn_cast<NameLoc>(loc))
    name = nameLoc.getName().getValue();
  else if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto nameLoc = dyn_cast<NameLoc>(inner)) {
        name = nameLoc.getName().getValue();
        break;
      }
  if (name) {
    auto [head, rest] = name->split('.');
    if (head == "layers" || head == "layer") {
      StringRef index = rest.split('.').first;
      return (head + "." + index).str();
    }
    return head.str();
  }
  if (auto func = op->getParentOfType<FunctionOpInterface>())
    return func.getName().str();
  return "module";
}
