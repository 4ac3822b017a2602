# -*- Python -*-
# lit configuration for the moe-mlir regression tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "MOE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.moe_obj_root, "test")

config.substitutions.append(("%moe_src", config.moe_src_root))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%moe_bin", config.moe_tools_dir))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.moe_tools_dir, config.llvm_tools_dir]
tools = ["moe-opt", "moe-translate", "moe-calibrate", "moe-lsp-server", "moe-wse-sweep"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Execution tests lower to LLVM and run on the CPU with mlir-runner and the
# runner utility libraries (printMemref*). Without them those tests are
# UNSUPPORTED (REQUIRES: mlir-runner); the reference checks also need numpy.
import shutil
import subprocess

_llvm_lib_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
_runner = shutil.which("mlir-runner", path=config.llvm_tools_dir)
_runner_libs = [
    os.path.join(_llvm_lib_dir, lib)
    for lib in ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so")
]
if _runner and all(os.path.exists(lib) for lib in _runner_libs):
    config.available_features.add("mlir-runner")
    config.substitutions.append(("%mlir_runner", _runner))
    config.substitutions.append(("%runner_libs", ",".join(_runner_libs)))
if subprocess.call([config.python_executable, "-c", "import numpy"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
    config.available_features.add("numpy")

# Debian's own mlir-opt with our plugin (tools/moe-plugin): feature `plugins`,
# %moe_plugin is the .so and %plugin_env the environment the uninstrumented
# mlir-opt needs to load a sanitized plugin (the ASan runtime, preloaded).
import shutil

_plugin = os.path.join(config.moe_lib_dir, "libMoEPlugin.so")
_mlir_opt = shutil.which("mlir-opt", path=config.llvm_tools_dir)
if _mlir_opt and os.path.exists(_plugin):
    config.available_features.add("plugins")
    config.substitutions.append(("%moe_plugin", _plugin))
    config.substitutions.append(("%mlir_opt", _mlir_opt))
    _plugin_env = ""
    if config.moe_asan_runtime:
        _plugin_env = ("env LD_PRELOAD=%s ASAN_OPTIONS=allow_user_poisoning=0:"
                       "detect_leaks=0:abort_on_error=1" % config.moe_asan_runtime)
    config.substitutions.append(("%plugin_env", _plugin_env))
