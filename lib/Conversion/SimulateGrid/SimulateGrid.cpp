//===- SimulateGrid.cpp - The --moe-simulate-grid pass --------------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A plan is what one device of a shard.grid runs. To execute it on one host
// and compare it with the program it came from, the whole program is rebuilt:
// the body is copied once per device in lockstep, each collective becomes
// the tensor ops that move the devices' values, and the arguments and
// results are cut and reassembled along their moe.split_axes.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/Passes.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>

namespace mlir::moe {
#define GEN_PASS_DEF_MOESIMULATEGRID
#include "moe/Conversion/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

namespace {

/// The devices of a grid, numbered row-major as shard.process_linear_index
/// numbers them.
struct Grid {
  SmallVector<int64_t> shape;

  int64_t size() const {
    int64_t n = 1;
    for (int64_t s : shape)
      n *= s;
    return n;
  }
  SmallVector<int64_t> coords(int64_t device) const {
    SmallVector<int64_t> c(shape.size());
    for (int64_t i = shape.size() - 1; i >= 0; --i) {
      c[i] = device % shape[i];
      device /= shape[i];
    }
    return c;
  }
  /// Devices along `axes`, the group size of a collective over them.
  int64_t sizeAlong(ArrayRef<int16_t> axes) const {
    int64_t n = 1;
    for (int16_t a : axes)
      n *= shape[a];
    return n;
  }
  /// The index of `device` in its group over `axes`: its coordinates on
  /// `axes`, linearized in the order the axes are listed.
  int64_t indexAlong(int64_t device, ArrayRef<int16_t> axes) const {
    SmallVector<int64_t> c = coords(device);
    int64_t index = 0;
    for (int16_t a : axes)
      index = index * shape[a] + c[a];
    return index;
  }
  /// The members of `device`'s group over `axes` (the devices that agree
  /// with it on every other axis), ordered by their index in the group.
  SmallVector<int64_t> group(int64_t device, ArrayRef<int16_t> axes) const {
    SmallVector<int64_t> mine = coords(device);
    SmallVector<int64_t> members(sizeAlong(axes), -1);
    for (int64_t other = 0, e = size(); other < e; ++other) {
      SmallVector<int64_t> c = coords(other);
      bool same = true;
      for (size_t a = 0; a < shape.size(); ++a)
        if (!llvm::is_contained(axes, static_cast<int16_t>(a)) &&
            c[a] != mine[a])
          same = false;
      if (same)
        members[indexAlong(other, axes)] = other;
    }
    return members;
  }
};

/// Per dimension, the grid axes it is split over (empty: not split).
using SplitAxes = SmallVector<SmallVector<int16_t>>;

/// Builds the single-host program of one function.
class Simulator {
public:
  Simulator(const Grid &grid, OpBuilder &builder)
      : grid(grid), b(builder), values(grid.size()) {}

  LogicalResult run(func::FuncOp func);

private:
  FailureOr<SplitAxes> getSplit(func::FuncOp func, DictionaryAttr attrs,
                                Type type, StringRef what);
  RankedTensorType globalType(RankedTensorType local, const SplitAxes &split);
  /// Offsets of device `device`'s block of a tensor split by `split` whose
  /// blocks have the shape `local`.
  SmallVector<int64_t> blockOffsets(RankedTensorType local,
                                    const SplitAxes &split, int64_t device);
  /// The block of `type` at `offsets` in `source`.
  Value extractBlock(Location loc, Value source, RankedTensorType type,
                     ArrayRef<int64_t> offsets);
  /// `block` written into `dest` at `offsets`.
  Value insertBlock(Location loc, Value block, Value dest,
                    ArrayRef<int64_t> offsets);
  /// Part `index` of `count` equal parts of `value` along `axis`.
  Value part(Location loc, Value value, int64_t axis, int64_t index,
             int64_t count);
  /// `parts` concatenated along `axis` into `type`.
  Value concat(Location loc, RankedTensorType type, ArrayRef<Value> parts,
               int64_t axis);
  Value reduce(Location loc, shard::ReductionKind kind, ArrayRef<Value> parts);
  /// Each member's input of the collective `op`, in group order.
  SmallVector<Value> groupInputs(Operation *op, ArrayRef<int16_t> axes,
                                 int64_t device);
  void simulate(Operation *op);

  const Grid &grid;
  OpBuilder &b;
  /// The value each device has for each value of the planned function.
  SmallVector<IRMapping> values;
};

FailureOr<SplitAxes> Simulator::getSplit(func::FuncOp func,
                                         DictionaryAttr attrs, Type type,
                                         StringRef what) {
  SplitAxes split;
  // The dialect verified that the attribute is a #shard<axisarray[...]>.
  StringRef name = MoEDialect::SplitAxesAttrHelper::getNameStr();
  auto axes = attrs ? attrs.getAs<shard::GridAxesArrayAttr>(name)
                    : shard::GridAxesArrayAttr();
  if (!axes)
    return split;
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return func.emitOpError() << what << " has " << name << " = " << axes
                              << ", but only a ranked tensor can be split";
  if (axes.size() > static_cast<size_t>(tensor.getRank()))
    return func.emitOpError()
           << what << " splits " << axes.size() << " dimensions of " << type;
  llvm::SmallDenseSet<int16_t> used;
  for (auto [dim, list] : llvm::enumerate(axes)) {
    auto &dimAxes = split.emplace_back();
    for (int16_t axis : list.asArrayRef()) {
      if (axis < 0 || static_cast<size_t>(axis) >= grid.shape.size() ||
          !used.insert(axis).second)
        return func.emitOpError() << what << " splits over grid axis " << axis
                                  << ", which is not an unused axis of the "
                                  << grid.shape.size() << "-d grid";
      dimAxes.push_back(axis);
    }
    if (!dimAxes.empty() && tensor.isDynamicDim(dim))
      return func.emitOpError() << what << " splits the dynamic dimension "
                                << dim << " of " << type;
  }
  return split;
}

RankedTensorType Simulator::globalType(RankedTensorType local,
                                       const SplitAxes &split) {
  SmallVector<int64_t> shape(local.getShape());
  for (auto [dim, axes] : llvm::enumerate(split))
    shape[dim] *= grid.sizeAlong(axes);
  return local.clone(shape);
}

SmallVector<int64_t> Simulator::blockOffsets(RankedTensorType local,
                                             const SplitAxes &split,
                                             int64_t device) {
  SmallVector<int64_t> offsets(local.getRank(), 0);
  for (auto [dim, axes] : llvm::enumerate(split))
    offsets[dim] = grid.indexAlong(device, axes) * local.getDimSize(dim);
  return offsets;
}

Value Simulator::extractBlock(Location loc, Value source, RankedTensorType type,
                              ArrayRef<int64_t> offsets) {
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> strides(type.getRank(), 1);
  return tensor::ExtractSliceOp::create(
      b, loc, type, source, getAsIndexOpFoldResult(ctx, offsets),
      getAsIndexOpFoldResult(ctx, type.getShape()),
      getAsIndexOpFoldResult(ctx, strides));
}

Value Simulator::insertBlock(Location loc, Value block, Value dest,
                             ArrayRef<int64_t> offsets) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(block.getType());
  SmallVector<int64_t> strides(type.getRank(), 1);
  return tensor::InsertSliceOp::create(
      b, loc, block, dest, getAsIndexOpFoldResult(ctx, offsets),
      getAsIndexOpFoldResult(ctx, type.getShape()),
      getAsIndexOpFoldResult(ctx, strides));
}

Value Simulator::part(Location loc, Value value, int64_t axis, int64_t index,
                      int64_t count) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] /= count;
  SmallVector<int64_t> offsets(type.getRank(), 0);
  offsets[axis] = index * shape[axis];
  return extractBlock(loc, value, type.clone(shape), offsets);
}

Value Simulator::concat(Location loc, RankedTensorType type,
                        ArrayRef<Value> parts, int64_t axis) {
  if (parts.size() == 1)
    return parts.front();
  Value result =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<int64_t> offsets(type.getRank(), 0);
  for (Value p : parts) {
    result = insertBlock(loc, p, result, offsets);
    offsets[axis] += cast<RankedTensorType>(p.getType()).getDimSize(axis);
  }
  return result;
}

Value Simulator::reduce(Location loc, shard::ReductionKind kind,
                        ArrayRef<Value> parts) {
  bool isFloat = isa<FloatType>(getElementTypeOrSelf(parts.front()));
  Value acc = parts.front();
  for (Value next : parts.drop_front()) {
    switch (kind) {
    case shard::ReductionKind::Sum:
      acc = isFloat ? arith::AddFOp::create(b, loc, acc, next).getResult()
                    : arith::AddIOp::create(b, loc, acc, next).getResult();
      break;
    case shard::ReductionKind::Product:
      acc = isFloat ? arith::MulFOp::create(b, loc, acc, next).getResult()
                    : arith::MulIOp::create(b, loc, acc, next).getResult();
      break;
    case shard::ReductionKind::Max:
      acc = isFloat ? arith::MaximumFOp::create(b, loc, acc, next).getResult()
                    : arith::MaxSIOp::create(b, loc, acc, next).getResult();
      break;
    default: // Min; the others are rejected before simulation.
      acc = isFloat ? arith::MinimumFOp::create(b, loc, acc, next).getResult()
                    : arith::MinSIOp::create(b, loc, acc, next).getResult();
      break;
    }
  }
  return acc;
}

SmallVector<Value> Simulator::groupInputs(Operation *op, ArrayRef<int16_t> axes,
                                          int64_t device) {
  SmallVector<Value> inputs;
  for (int64_t member : grid.group(device, axes))
    inputs.push_back(values[member].lookup(op->getOperand(0)));
  return inputs;
}

void Simulator::simulate(Operation *op) {
  Location loc = op->getLoc();
  int64_t devices = grid.size();
  auto setAll = [&](llvm::function_ref<Value(int64_t)> compute) {
    for (int64_t d = 0; d < devices; ++d)
      values[d].map(op->getResult(0), compute(d));
  };
  auto constants = [&](llvm::function_ref<int64_t(int64_t, unsigned)> value) {
    for (int64_t d = 0; d < devices; ++d)
      for (OpResult r : op->getResults())
        values[d].map(r, arith::ConstantIndexOp::create(
                             b, loc, value(d, r.getResultNumber())));
  };
  auto resultType = [&]() {
    return cast<RankedTensorType>(op->getResult(0).getType());
  };
  // What every member of device `d`'s group over `axes` shares (a gathered
  // or reduced tensor): built once per group from the members' inputs, in
  // group order.
  DenseMap<int64_t, Value> shared;
  auto groupValue = [&](ArrayRef<int16_t> axes, int64_t d,
                        llvm::function_ref<Value(ArrayRef<Value>)> build) {
    Value &value = shared[grid.group(d, axes).front()];
    if (!value)
      value = build(groupInputs(op, axes, d));
    return value;
  };
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](shard::AllToAllOp a2a) {
        ArrayRef<int16_t> axes = a2a.getGridAxes();
        int64_t n = grid.sizeAlong(axes);
        int64_t split = a2a.getSplitAxis().getSExtValue();
        int64_t cat = a2a.getConcatAxis().getSExtValue();
        setAll([&](int64_t d) {
          // Member j sends its part `me` of the split axis to this device.
          int64_t me = grid.indexAlong(d, axes);
          SmallVector<Value> parts;
          for (Value in : groupInputs(op, axes, d))
            parts.push_back(part(loc, in, split, me, n));
          return concat(loc, resultType(), parts, cat);
        });
      })
      .Case([&](shard::AllGatherOp gather) {
        ArrayRef<int16_t> axes = gather.getGridAxes();
        int64_t axis = gather.getGatherAxis().getSExtValue();
        setAll([&](int64_t d) {
          return groupValue(axes, d, [&](ArrayRef<Value> inputs) {
            return concat(loc, resultType(), inputs, axis);
          });
        });
      })
      .Case([&](shard::AllReduceOp allReduce) {
        ArrayRef<int16_t> axes = allReduce.getGridAxes();
        setAll([&](int64_t d) {
          return groupValue(axes, d, [&](ArrayRef<Value> inputs) {
            return reduce(loc, allReduce.getReduction(), inputs);
          });
        });
      })
      .Case([&](shard::ReduceScatterOp scatter) {
        ArrayRef<int16_t> axes = scatter.getGridAxes();
        int64_t n = grid.sizeAlong(axes);
        int64_t axis = scatter.getScatterAxis().getSExtValue();
        setAll([&](int64_t d) {
          Value sum = groupValue(axes, d, [&](ArrayRef<Value> inputs) {
            return reduce(loc, scatter.getReduction(), inputs);
          });
          return part(loc, sum, axis, grid.indexAlong(d, axes), n);
        });
      })
      .Case([&](shard::AllSliceOp slice) {
        ArrayRef<int16_t> axes = slice.getGridAxes();
        int64_t n = grid.sizeAlong(axes);
        int64_t axis = slice.getSliceAxis().getSExtValue();
        setAll([&](int64_t d) {
          return part(loc, values[d].lookup(slice.getInput()), axis,
                      grid.indexAlong(d, axes), n);
        });
      })
      .Case([&](shard::ProcessLinearIndexOp) {
        constants([](int64_t d, unsigned) { return d; });
      })
      .Case([&](shard::ProcessMultiIndexOp index) {
        ArrayRef<int16_t> axes = index.getAxes();
        constants([&](int64_t d, unsigned i) {
          return grid.coords(d)[axes.empty() ? i : axes[i]];
        });
      })
      .Case([&](shard::GridShapeOp shape) {
        ArrayRef<int16_t> axes = shape.getAxes();
        constants([&](int64_t, unsigned i) {
          return grid.shape[axes.empty() ? i : axes[i]];
        });
      })
      .Default([&](Operation *) {
        for (int64_t d = 0; d < devices; ++d)
          b.clone(*op, values[d]);
      });
}

LogicalResult Simulator::run(func::FuncOp func) {
  Block &entry = func.front();
  FunctionType type = func.getFunctionType();

  // The global signature, from the split of each argument and result.
  SmallVector<SplitAxes> argSplits, resultSplits;
  SmallVector<Type> argTypes, resultTypes;
  auto globalize = [&](TypeRange local, bool results,
                       SmallVectorImpl<Type> &types,
                       SmallVectorImpl<SplitAxes> &splits) {
    for (auto [i, t] : llvm::enumerate(local)) {
      DictionaryAttr attrs =
          results ? func.getResultAttrDict(i) : func.getArgAttrDict(i);
      FailureOr<SplitAxes> split =
          getSplit(func, attrs, t,
                   ((results ? "result #" : "argument #") + Twine(i)).str());
      if (failed(split))
        return failure();
      types.push_back(
          split->empty() ? t : globalType(cast<RankedTensorType>(t), *split));
      splits.push_back(std::move(*split));
    }
    return success();
  };
  if (failed(globalize(type.getInputs(), false, argTypes, argSplits)) ||
      failed(globalize(type.getResults(), true, resultTypes, resultSplits)))
    return failure();

  auto *global = new Block();
  func.getBody().push_front(global);
  for (auto [t, arg] : llvm::zip(argTypes, entry.getArguments()))
    global->addArgument(t, arg.getLoc());
  b.setInsertionPointToStart(global);
  int64_t devices = grid.size();
  // Devices that hold the same block of an argument share one slice.
  std::map<std::pair<unsigned, SmallVector<int64_t>>, Value> blocks;
  for (int64_t d = 0; d < devices; ++d)
    for (auto [arg, split] : llvm::zip(entry.getArguments(), argSplits)) {
      Value whole = global->getArgument(arg.getArgNumber());
      if (split.empty()) {
        values[d].map(arg, whole);
        continue;
      }
      auto local = cast<RankedTensorType>(arg.getType());
      SmallVector<int64_t> offsets = blockOffsets(local, split, d);
      Value &slice = blocks[{arg.getArgNumber(), offsets}];
      if (!slice)
        slice = extractBlock(arg.getLoc(), whole, local, offsets);
      values[d].map(arg, slice);
    }

  for (Operation &op : entry.without_terminator())
    simulate(&op);

  // Split results are reassembled from the devices that hold distinct
  // blocks (coordinate 0 on every axis the result is not split over);
  // replicated results are device 0's.
  Operation *terminator = entry.getTerminator();
  SmallVector<Value> results;
  for (auto [i, operand] : llvm::enumerate(terminator->getOperands())) {
    const SplitAxes &split = resultSplits[i];
    if (split.empty()) {
      results.push_back(values[0].lookup(operand));
      continue;
    }
    SmallVector<int16_t> splitAxes;
    for (const auto &axes : split)
      splitAxes.append(axes.begin(), axes.end());
    auto local = cast<RankedTensorType>(operand.getType());
    auto whole = cast<RankedTensorType>(resultTypes[i]);
    Location loc = terminator->getLoc();
    Value result = tensor::EmptyOp::create(b, loc, whole.getShape(),
                                           whole.getElementType());
    for (int64_t d = 0; d < devices; ++d) {
      SmallVector<int64_t> c = grid.coords(d);
      bool distinct = true;
      for (size_t a = 0; a < c.size(); ++a)
        if (!llvm::is_contained(splitAxes, static_cast<int16_t>(a)) && c[a])
          distinct = false;
      if (!distinct)
        continue;
      result = insertBlock(loc, values[d].lookup(operand), result,
                           blockOffsets(local, split, d));
    }
    results.push_back(result);
  }
  func::ReturnOp::create(b, terminator->getLoc(), results);

  entry.dropAllDefinedValueUses();
  entry.erase();
  func.setFunctionType(
      FunctionType::get(func.getContext(), argTypes, resultTypes));
  auto splitName = StringAttr::get(
      func.getContext(), MoEDialect::SplitAxesAttrHelper::getNameStr());
  for (unsigned i = 0, e = argTypes.size(); i < e; ++i)
    func.removeArgAttr(i, splitName);
  for (unsigned i = 0, e = resultTypes.size(); i < e; ++i)
    func.removeResultAttr(i, splitName);
  return success();
}

/// Checks that every op of `func` can be simulated.
LogicalResult checkSimulable(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitOpError()
           << "has " << func.getBody().getBlocks().size()
           << " blocks; --moe-simulate-grid simulates single-block functions";
  Block &entry = func.front();
  WalkResult walk =
      func.walk([&](Operation *op) {
        if (auto call = dyn_cast<CallOpInterface>(op)) {
          auto callee =
              dyn_cast_if_present<func::FuncOp>(call.resolveCallable());
          if (callee && !callee.isExternal()) {
            op->emitOpError()
                << "calls @" << callee.getSymName()
                << ", which is planned too: --moe-simulate-grid simulates "
                   "functions that do not call each other";
            return WalkResult::interrupt();
          }
        }
        if (!isa<shard::ShardDialect>(op->getDialect()))
          return WalkResult::advance();
        if (op->getBlock() != &entry) {
          op->emitOpError() << "is inside a region; --moe-simulate-grid "
                               "simulates shard ops at the top level of a "
                               "function only";
          return WalkResult::interrupt();
        }
        if (op->hasAttr(MoEDialect::GradSyncAttrHelper::getNameStr())) {
          op->emitOpError()
              << "synchronises gradients of a training step, whose backward "
                 "pass the program does not compute; plan with phase=forward "
                 "to run the step's forward pass";
          return WalkResult::interrupt();
        }
        // Collectives move whole static tensors between the devices' values.
        for (Type t : llvm::concat<const Type>(op->getOperandTypes(),
                                               op->getResultTypes())) {
          auto tensor = dyn_cast<RankedTensorType>(t);
          if (isa<IndexType>(t) || (tensor && tensor.hasStaticShape()))
            continue;
          op->emitOpError() << "has the type " << t
                            << "; --moe-simulate-grid simulates collectives on "
                               "tensors of static shape";
          return WalkResult::interrupt();
        }
        auto checkReduction = [&](shard::ReductionKind kind) {
          if (kind == shard::ReductionKind::Sum ||
              kind == shard::ReductionKind::Max ||
              kind == shard::ReductionKind::Min ||
              kind == shard::ReductionKind::Product)
            return true;
          op->emitOpError()
              << "reduces with '" << shard::stringifyReductionKind(kind)
              << "', which --moe-simulate-grid does not simulate "
                 "(sum, max, min and product only)";
          return false;
        };
        bool ok =
            llvm::TypeSwitch<Operation *, bool>(op)
                .Case<shard::AllToAllOp, shard::AllGatherOp, shard::AllSliceOp,
                      shard::ProcessLinearIndexOp, shard::ProcessMultiIndexOp,
                      shard::GridShapeOp>([](Operation *) { return true; })
                .Case([&](shard::AllReduceOp r) {
                  if (getElementTypeOrSelf(r.getInput()) !=
                      getElementTypeOrSelf(r.getResult())) {
                    r.emitOpError()
                        << "changes the element type; "
                           "--moe-simulate-grid does not simulate it";
                    return false;
                  }
                  return checkReduction(r.getReduction());
                })
                .Case([&](shard::ReduceScatterOp r) {
                  return checkReduction(r.getReduction());
                })
                .Default([](Operation *other) {
                  other->emitOpError()
                      << "has no single-host simulation in --moe-simulate-grid";
                  return false;
                });
        return ok ? WalkResult::advance() : WalkResult::interrupt();
      });
  return failure(walk.wasInterrupted());
}

struct MoESimulateGridPass
    : moe::impl::MoESimulateGridBase<MoESimulateGridPass> {
  using MoESimulateGridBase::MoESimulateGridBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(verifyDeviceGrids(module)))
      return signalPassFailure();
    auto grids = llvm::to_vector(module.getOps<shard::GridOp>());
    if (grids.empty())
      return;
    if (grids.size() > 1) {
      grids[1].emitOpError()
          << "is a second grid; --moe-simulate-grid simulates modules with "
             "one grid";
      return signalPassFailure();
    }
    // Its share of each sequence is two chunks, which moe.split_axes (whole
    // row blocks) cannot cut from the program's tokens.
    WalkResult context = module.walk([](AttentionOpInterface op) {
      if (!op.getContextGroup())
        return WalkResult::advance();
      op->emitOpError() << "is context-parallel; --moe-simulate-grid runs "
                           "plans without cp only";
      return WalkResult::interrupt();
    });
    if (context.wasInterrupted())
      return signalPassFailure();
    shard::GridOp gridOp = grids.front();
    Grid grid;
    grid.shape.assign(gridOp.getShape().begin(), gridOp.getShape().end());
    if (llvm::any_of(grid.shape, ShapedType::isDynamic)) {
      gridOp.emitOpError() << "has a dynamic size; --moe-simulate-grid needs "
                              "a static grid";
      return signalPassFailure();
    }
    if (grid.size() > maxDevices) {
      gridOp.emitOpError() << "has " << grid.size()
                           << " devices, more than max-devices = "
                           << int64_t(maxDevices)
                           << " (the body is copied once per device)";
      return signalPassFailure();
    }

    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        funcs.push_back(func);
    for (func::FuncOp func : funcs)
      if (failed(checkSimulable(func)))
        return signalPassFailure();
    OpBuilder builder(&getContext());
    for (func::FuncOp func : funcs) {
      Simulator simulator(grid, builder);
      if (failed(simulator.run(func)))
        return signalPassFailure();
    }
    gridOp.erase();
    module->removeAttr(MoEDialect::PlanAttrHelper::getNameStr());
  }
};

} // namespace
