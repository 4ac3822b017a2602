//===- MoEPassOptions.td - Options several passes share ----*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Each option several passes take is written here once, so that it has the
// same name, type, values and help everywhere (moe/Support/Options.h holds
// the C++ side of the enum and tile options).
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PASS_OPTIONS_TD
#define MOE_PASS_OPTIONS_TD

include "mlir/Pass/PassBase.td"

// The machine every pass that prices or sizes a plan resolves the same way
// (moe::resolveMachine): a preset, or a JSON file (which may name a `base`
// preset), refined by the module's dlti.target_system_spec.
class MoE_MachineOptions<string preset> {
  list<Option> options = [
    Option<"machine", "machine", "std::string", "\"" # preset # "\"",
           "Built-in machine preset (docs/CostModel.md, \"Machines\")">,
    Option<"machineFile", "machine-file", "std::string", "\"\"",
           "JSON machine description (docs/CostModel.md); overrides "
           "`machine`">,
  ];
}

class MoE_PhaseOption<string default, string desc> {
  Option option = Option<"phase", "phase", "::mlir::moe::Phase",
                         "::mlir::moe::Phase::" # default, desc,
                         "::mlir::moe::phaseOptionValues()">;
}

def MoE_FormatOption : Option<"format", "format", "::mlir::moe::ReportFormat",
                              "::mlir::moe::ReportFormat::Text",
                              "How to write the output",
                              "::mlir::moe::formatOptionValues()">;

#endif // MOE_PASS_OPTIONS_TD
