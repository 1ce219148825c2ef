"""A strict reader of safetensors files, in numpy.

The format (docs/Export.md): 8 bytes little-endian header length N, N bytes
of UTF-8 JSON, then the tensors back to back. The header maps each tensor
name to ``dtype``, ``shape`` and ``data_offsets`` [begin, end) relative to
the data; ``__metadata__`` holds strings only. This reader checks all of it
(header length, a leading ``{``, no repeated keys, string metadata, dtype,
shape against offsets, tensors covering the data without holes or overlaps)
and reads the two dtypes the compiler writes: F32 and BOOL.

Needs numpy only (no ``safetensors`` package).
"""
import json
import struct

import numpy as np

__all__ = ["FormatError", "parse", "read"]

#: The dtypes read, as numpy dtypes.
DTYPES = {"F32": np.dtype("<f4"), "BOOL": np.dtype("?")}


class FormatError(ValueError):
    """The bytes are not a valid safetensors file of F32 and BOOL tensors."""


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise FormatError("the header repeats a key")
    return dict(pairs)


def _header(data):
    """The parsed JSON header and the data that follows it."""
    if len(data) < 8:
        raise FormatError("shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise FormatError(f"header length {n} exceeds the file")
    try:
        text = bytes(data[8:8 + n]).decode("utf-8")
    except UnicodeDecodeError as e:
        raise FormatError(f"the header is not UTF-8: {e}") from None
    if not text.startswith("{"):
        raise FormatError("the header does not start with '{'")
    try:
        header = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        raise FormatError(f"the header is not JSON: {e}") from None
    return header, data[8 + n:]


def _span(name, info):
    """(begin, end) of a tensor entry after checking it."""
    if not isinstance(info, dict) or set(info) != {"dtype", "shape",
                                                   "data_offsets"}:
        raise FormatError(
            f"{name}: the entry must have exactly dtype, shape and "
            "data_offsets")
    dtype = DTYPES.get(info["dtype"])
    if dtype is None:
        raise FormatError(
            f"{name}: dtype {info['dtype']} (only F32 and BOOL are read)")
    shape = info["shape"]
    if not isinstance(shape, list) or not all(
            isinstance(d, int) and d >= 0 for d in shape):
        raise FormatError(f"{name}: the shape is not a list of sizes")
    begin, end = info["data_offsets"]
    if end - begin != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
        raise FormatError(f"{name}: offsets do not match the shape")
    return begin, end


def parse(data):
    """({name: array}, {key: str}) from the bytes of a file.

    Tensors are in header order; the arrays are read-only views of `data`.
    """
    header, buffer = _header(memoryview(data))
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(
            isinstance(v, str) for v in metadata.values()):
        raise FormatError("__metadata__ holds a value that is not a string")
    spans = {name: _span(name, info) for name, info in header.items()}
    expected = 0
    for (begin, end), name in sorted((s, n) for n, s in spans.items()):
        if begin != expected:
            raise FormatError(f"{name}: a hole or an overlap at byte {begin}")
        expected = end
    if expected != len(buffer):
        raise FormatError("the tensors do not cover the data exactly")
    tensors = {}
    for name, (begin, end) in spans.items():
        dtype, shape = DTYPES[header[name]["dtype"]], header[name]["shape"]
        if begin == end:
            tensors[name] = np.zeros(shape, dtype)
            continue
        raw = np.frombuffer(buffer, dtype=np.uint8, count=end - begin,
                            offset=begin)
        if dtype.kind == "b" and (raw > 1).any():
            raise FormatError(f"{name}: a BOOL byte other than 0 and 1")
        tensors[name] = raw.view(dtype).reshape(shape)
    return tensors, metadata


def read(path):
    """({name: array}, {key: str}) of the file at `path`."""
    with open(path, "rb") as f:
        return parse(f.read())
