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


def test_readme_python_snippet():
    """The README's Python snippet runs as printed and gives the values its
    comments show."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    section = readme[readme.index("## From Python"):]
    start = section.index("```python\n") + len("```python\n")
    snippet = section[start:section.index("```", start)]
    scope = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    program, model = scope["program"], scope["model"]
    assert program([3, 1, 2]) == [1, 2, 3]
    assert model.apply(["BOS", 3, 1, 2]).decoded == ["BOS", 1, 2, 3]
    cfg, state_dict = scope["cfg"], scope["state_dict"]
    assert cfg["n_layers"] >= 1 and "embed.W_E" in state_dict
