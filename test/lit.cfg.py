# -*- Python -*-
# lit configuration of the RASP compiler's regression tests.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "RASP"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".rasp", ".td", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.rasp_obj_root, "test")

config.substitutions.append(("%shlibext", config.llvm_shlib_ext))
config.substitutions.append(("%llvm_shlib_dir", config.llvm_shlib_dir))
config.substitutions.append(("%rasp_src_root", config.rasp_src_root))
config.substitutions.append(("%rasp_obj_root", config.rasp_obj_root))
# Tracr's graphs of the library programs, generated from examples/*.rasp by
# the build (test/Interpreter/lib/CMakeLists.txt).
config.substitutions.append(("%tracr_lib", os.path.join(
    config.rasp_obj_root, "test", "Interpreter", "lib")))
config.substitutions.append(("%python", "/usr/bin/python3"))
# External projects built against the installed compiler (test/Install):
# the compilers and MLIR the compiler was built with.
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%host_cc", config.host_cc))
config.substitutions.append(("%host_cxx", config.host_cxx))
config.substitutions.append(("%mlir_dir", config.mlir_dir))
config.substitutions.append(("%mlir_include_dir", config.mlir_include_dir))
# The build tree's raspc package (python/CMakeLists.txt).
config.substitutions.append(("%rasp_python_packages",
                             os.path.join(config.rasp_obj_root, "python_packages")))
# Where `cmake --install` puts it, relative to the prefix.
config.substitutions.append(("%rasp_python_install_dir",
                             config.rasp_python_install_dir))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
config.environment["FILECHECK_OPTS"] = "-enable-var-scope"
# The compilation cache of every test lives in the build tree, never in the
# user's ~/.cache (docs/runtime.md); tests of the cache use their own.
config.environment["XDG_CACHE_HOME"] = os.path.join(config.test_exec_root,
                                                     "xdg-cache")
config.environment.pop("RASP_NO_CACHE", None)

tool_dirs = [os.path.join(config.rasp_obj_root, "bin"), config.llvm_tools_dir]
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tools = ["rasp-opt", "rasp-translate", "rasp-run", "rasp-jit", "rasp-tblgen", "rasp-capi-test", "mlir-opt", "mlir-runner", "mlir-translate", "llc"]
llvm_config.add_tool_substitutions(
    [t for t in tools if any(os.path.exists(os.path.join(d, t)) for d in tool_dirs)],
    tool_dirs)
if os.path.exists(os.path.join(config.rasp_obj_root, "bin", "rasp-runtime-bench")):
    config.available_features.add("runtime-bench")
    llvm_config.add_tool_substitutions(["rasp-runtime-bench"], tool_dirs)
if os.path.exists(os.path.join(config.rasp_obj_root, "bin", "rasp-bench")):
    config.available_features.add("rasp-bench")
    llvm_config.add_tool_substitutions(["rasp-bench"], tool_dirs)

# A sanitizer build (-DRASP_SANITIZE=...; docs/Limits.md). Debian's libMLIR
# is not instrumented: ASan must not trust its container annotations, and
# its allocations look leaked. Project libraries cannot be loaded into an
# uninstrumented host (python3, mlir-opt): those tests require "no-asan".
# -DRASP_ENABLE_FUZZER=ON builds everything with ASan too (CMakeLists.txt).
fuzzing = config.rasp_enable_fuzzer.upper() in ("ON", "1", "TRUE", "YES")
sanitizers = [s for s in config.rasp_sanitize.split(",") if s]
if fuzzing and "address" not in sanitizers:
    sanitizers.append("address")
if sanitizers:
    config.available_features.add("sanitizer")
    config.environment["ASAN_OPTIONS"] = (
        "allow_user_poisoning=0:detect_leaks=0:allocator_may_return_null=1")
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
if "address" not in sanitizers:
    config.available_features.add("no-asan")

# rasp-run links LLVM and MLIR statically (RASP_STATIC_LLVM_TOOLS, with
# MLIR_LINK_MLIR_DYLIB: cmake/AddRASP.cmake).
def cmake_on(value):
    return value.upper() in ("ON", "1", "TRUE", "YES")
if cmake_on(config.rasp_static_llvm_tools) and \
        cmake_on(config.mlir_link_mlir_dylib):
    config.available_features.add("rasp-run-static-llvm")

# Bounded libFuzzer runs (test/Tools/rasp-*-fuzzer): each target mutates
# for fuzz_seconds (lit -Dfuzz_seconds=N or RASP_FUZZ_SECONDS; default 60).
fuzzers = ["rasp-import-fuzzer", "rasp-mlir-fuzzer", "rasp-safetensors-fuzzer"]
if fuzzing:
    config.available_features.add("fuzzer")
    llvm_config.add_tool_substitutions(fuzzers, tool_dirs)
fuzz_seconds = (lit_config.params.get("fuzz_seconds") or
                os.environ.get("RASP_FUZZ_SECONDS") or "60")
config.substitutions.append(("%fuzz_seconds", str(int(fuzz_seconds))))

# The long tier (tests of more than ~15 s: the install tree, the browser,
# the fuzzer corpus, random comparisons, raspc's long tests, the benchmark
# smoke run): `lit -Dlong_tests=1` or RASP_LONG_TESTS=1; CI runs it.
if lit_config.params.get("long_tests") or os.environ.get("RASP_LONG_TESTS"):
    config.available_features.add("long-tests")

# Debian's headless Chromium for the browser test of the report
# (test/Report/browser.test); CI installs it (utils/install-deps.sh).
import shutil
if shutil.which("chromium") or os.path.exists("/usr/bin/chromium"):
    config.available_features.add("chromium")

# Whether a directory can be made read-only, or a small full file system,
# for a test of the compilation cache (test/Runtime/Inputs/run-limited.py).
import subprocess
limits = os.path.join(config.test_source_root, "Runtime", "Inputs",
                      "run-limited.py")
if subprocess.run(["/usr/bin/python3", limits,
                   "--can-make-read-only"]).returncode == 0:
    config.available_features.add("read-only-dirs")
if subprocess.run(["/usr/bin/python3", limits, "--can-mount"]).returncode == 0:
    config.available_features.add("user-namespaces")
