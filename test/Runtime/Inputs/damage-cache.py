#!/usr/bin/env python3
"""Damages every entry of a compilation cache directory, as a crash, a bad
disk or a careless copy could.

  damage-cache.py DIR flip       one bit of the last byte flipped
  damage-cache.py DIR truncate   the last 100 bytes cut off
  damage-cache.py DIR header     cut inside the header
  damage-cache.py DIR foreign    each entry replaced by another valid entry
  damage-cache.py DIR garbage    each entry replaced by non-cache bytes

Prints the number of entries damaged.
"""
import os
import sys

directory, how = sys.argv[1], sys.argv[2]
paths = sorted(os.path.join(directory, name) for name in os.listdir(directory)
               if name.endswith(".entry"))
contents = [open(path, "rb").read() for path in paths]
for index, (path, data) in enumerate(zip(paths, contents)):
    if how == "flip":
        data = data[:-1] + bytes([data[-1] ^ 0x10])
    elif how == "truncate":
        data = data[:-100]
    elif how == "header":
        data = data[:30]
    elif how == "foreign":
        data = contents[(index + 1) % len(contents)]
    elif how == "garbage":
        data = b"\x7fELF" + b"\x00" * 200
    else:
        sys.exit(f"unknown damage {how}")
    with open(path, "wb") as f:
        f.write(data)
print(len(paths))
