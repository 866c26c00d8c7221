# lit configuration for qrcnn. Tests live beside the layer they test:
# test/Dialect, test/Transforms, test/Import, test/qrcnnc, test/e2e, ...
import os

import lit.formats

config.name = "qrcnn"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qrcnn_obj_root, "test")

# Our tools first, then FileCheck/not/count from LLVM.
config.environment["PATH"] = os.pathsep.join(
    [config.qrcnn_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])]
)
for var in ["HOME", "TMPDIR", "LANG", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]

# A sanitized build (-DQRCNN_SANITIZE=..., scripts/test-sanitized.sh): tests
# that limit memory with `ulimit -v` must use the sanitizer's own limit
# instead (ASan reserves terabytes of address space).
if config.qrcnn_sanitize:
    config.available_features.add("sanitized")
    config.environment["QRCNN_SANITIZE"] = config.qrcnn_sanitize

# Debian's interpreter with onnx/numpy/torch (the first python3 on PATH may
# be another one).
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%srcroot", config.qrcnn_src_root))
config.substitutions.append(("%objroot", config.qrcnn_obj_root))
config.substitutions.append(("%mitdb", config.mitdb_dir))
config.substitutions.append(("%models", os.path.join(config.qrcnn_obj_root, "test", "models")))

if os.path.isdir(config.mitdb_dir):
    config.available_features.add("mitdb")

# Tools some tests build or run generated code with (scripts/install-deps.sh
# installs all of them; a test needing a missing one is UNSUPPORTED).
import shutil
for tool, feature in [("cmake", "cmake"), ("c++", "host-cxx"),
                      ("arm-none-eabi-g++", "arm-none-eabi"),
                      ("qemu-system-arm", "qemu-system-arm")]:
    if shutil.which(tool):
        config.available_features.add(feature)
