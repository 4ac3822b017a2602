//===- Passes.td - The report pass -------------------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_REPORT_PASSES_TD
#define MOE_REPORT_PASSES_TD

include "MoE/MoEPassOptions.td"

def MoECostReport : Pass<"moe-cost-report", "::mlir::ModuleOp"> {
  let summary = "Write the cost report of a module annotated by --moe-cost";
  let description = [{
    Reads the `moe.cost` attributes and the `moe.cost_summary` left by
    `--moe-cost` and writes a report: per op, per layer (from the op
    locations, e.g. `layers.3`) and totals: step time, tokens/s, MFU (model
    FLOPs over peak), memory per device. Formats:

    - `text`: aligned tables with units, for people;
    - `json`: the stable contract for scripts (see README.md);
    - `csv`: one row per op.

    `trace=FILE` also writes a Chrome trace (JSON) of the timeline that opens
    in Perfetto or chrome://tracing. The IR is not changed.

    Example:
    `moe-opt m.mlir --moe-cost=machine=h100-sxm --moe-cost-report="format=json output=r.json"`.
  }];
  let options = [
    MoE_FormatOption,
    Option<"output", "output", "std::string", "\"-\"",
           "Where to write the report ('-' is stdout)">,
    Option<"trace", "trace", "std::string", "\"\"",
           "Also write a Chrome trace (JSON) of the timeline to this file">,
  ];
}

#endif // MOE_REPORT_PASSES_TD
