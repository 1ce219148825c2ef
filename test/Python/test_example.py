"""examples/python/quickstart.py, the example a researcher runs first:
compiles, applies, prints the decoded output and writes the residual plot."""
import os
import subprocess
import sys

from tracr_programs import ROOT


def test_quickstart(tmp_path):
    png = tmp_path / "residuals.png"
    done = subprocess.run(
        [sys.executable, os.path.join(ROOT, "examples", "python",
                                      "quickstart.py"), "--output", str(png)],
        capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert "decoded:  ['BOS', 'c', 'b', 'a']" in done.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
