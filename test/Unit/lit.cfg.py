# -*- Python -*-
# Runs the gtest unit tests (every executable named *Tests under
# <build>/unittests) as part of check-rasp.
import os

import lit.formats

config.name = "RASP-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.rasp_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
# The compilation cache in the build tree, never in the user's ~/.cache.
config.environment["XDG_CACHE_HOME"] = os.path.join(config.test_exec_root,
                                                     "xdg-cache")
# A sanitizer build's runtime options, as in test/lit.cfg.py (Debian's
# libMLIR is not instrumented); an uninstrumented build ignores them.
config.environment["ASAN_OPTIONS"] = (
    "allow_user_poisoning=0:detect_leaks=0:allocator_may_return_null=1")
config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
