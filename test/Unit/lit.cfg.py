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
