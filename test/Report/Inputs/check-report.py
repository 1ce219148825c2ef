#!/usr/bin/env python3
"""Checks that rasp-run reports are self-contained and prints their data.

    check-report.py REPORT.html...

Fails (exit 1) if a page could load anything from elsewhere: an http(s)
URL anywhere in the file, a src/href attribute in the markup, a <link>,
<iframe>, <object> or <embed> element, a CSS @import or url() other than
a fragment, or fetch / XMLHttpRequest / import() / WebSocket in a script.
Then prints, for FileCheck, a summary of each report's data (schema
rasp-report/1): the placement of every node, the layout, and per input the
outputs and the counts the views draw.
"""

import json
import re
import sys

FORBIDDEN = [
    (r"https?://", "an http(s) URL"),
    (r"<(link|iframe|object|embed|img|audio|video|source)\b", "an element that loads a resource"),
    (r"\b(src|href|srcset|action)\s*=\s*[\"']?(?!#)", "a src/href attribute"),
    (r"@import", "a CSS @import"),
    (r"url\(\s*[\"']?(?!#)", "a CSS url() that is not a fragment"),
    (r"\bfetch\s*\(|XMLHttpRequest|\bimport\s*\(|WebSocket|EventSource|sendBeacon",
     "a script that loads something"),
]


def data_of(page):
    match = re.search(r'<script type="application/json" id="report-data">\n(.*?)\n</script>',
                      page, re.S)
    if not match:
        raise ValueError("no report data")
    return json.loads(match.group(1))


def stage_name(s, stages):
    if s is None:
        return "-"
    if s == 0:
        return "embedding"
    if s >= stages:
        return "output"
    return f"L{(s - 1) // 2}-{'attention' if s % 2 else 'mlp'}"


def summarize(path, data):
    stages = len(data["stages"])
    print(f"report {path.rsplit('/', 1)[-1]} schema={data['schema']} "
          f"stages={stages} width={data['program']['residualWidth']}")
    for node in data["nodes"]:
        sub = data["layout"][node["subspace"]]["name"] if node["subspace"] is not None else "-"
        fused = ",".join(data["nodes"][i]["label"] for i in node["fusedInto"])
        print(f"node {node['label']} {node['op']} {node['status']} "
              f"stage={stage_name(node['stage'], stages)} subspace={sub}"
              + (f" fused-into={fused}" if fused else "")
              + (f" line={node['line']}" if "line" in node else ""))
    for block in data["blocks"]:
        reads = ",".join(data["layout"][i]["name"] for i in block["reads"])
        writes = ",".join(data["layout"][i]["name"] for i in block["writes"])
        print(f"block {block['kind']} stage={stage_name(block['stage'], stages)} "
              f"reads={reads} writes={writes}")
    for sub in data["layout"]:
        print(f"subspace {sub['name']} {sub['offset']}+{sub['dim']} "
              f"written={stage_name(sub['writtenAt'], stages)} "
              f"read-until={stage_name(sub['lastReadAt'], stages)}")
    model, baseline = data["stats"]["model"], data["stats"]["baseline"]
    print(f"stats layers={model['layers']} width={model['residual_width']}"
          + (f" baseline-layers={baseline['layers']} baseline-width={baseline['residual_width']}"
             if baseline else " baseline=none"))
    for given in data["inputs"]:
        bad = sum(v.count("bad") for v in (e.get("verdicts", []) for e in given["values"]))
        print(f"input {' '.join(given['tokens'])!r} output={given['output']} "
              f"expected={given['expected']} agree={given['agree']} "
              f"changes={len(given['residual'])} heads={len(given['heads'])} "
              f"mlps={len(given['mlps'])} bad-values={bad}")


def main():
    failed = False
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            page = f.read()
        for pattern, what in FORBIDDEN:
            match = re.search(pattern, page, re.I)
            if match:
                start = max(0, match.start() - 40)
                print(f"FAIL {path}: {what}: ...{page[start:match.end() + 40]!r}...")
                failed = True
        summarize(path, data_of(page))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
