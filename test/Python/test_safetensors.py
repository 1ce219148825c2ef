"""raspc.safetensors: the strict reader, on exported files and on broken
ones."""
import json
import re
import struct

import numpy as np
import pytest

from raspc import safetensors


def file_of(header, data=b""):
    text = header if isinstance(header, str) else json.dumps(header)
    return struct.pack("<Q", len(text)) + text.encode() + data


def test_reads_an_export(library_exports):
    tensors, metadata = safetensors.read(library_exports[("reverse", False)])
    assert metadata["format"] == "pt"
    assert metadata["schema"] == "rasp-transformer/2"
    assert all(isinstance(v, str) for v in metadata.values())
    assert tensors["embed.W_E"].dtype == np.float32
    assert tensors["blocks.0.attn.IGNORE"].shape == ()
    assert tensors["blocks.0.attn.IGNORE"] == -np.inf
    mask = tensors["blocks.1.attn.mask"]
    assert mask.dtype == bool
    assert (mask == np.tril(np.ones(mask.shape, dtype=bool))).all()


def test_round_trip_of_both_dtypes():
    data = np.array([1.5, -2.0], "<f4").tobytes() + bytes([1, 0, 1])
    header = {
        "__metadata__": {"k": "v"},
        "x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "m": {"dtype": "BOOL", "shape": [3], "data_offsets": [8, 11]},
        "e": {"dtype": "F32", "shape": [0, 4], "data_offsets": [11, 11]},
    }
    tensors, metadata = safetensors.parse(file_of(header, data))
    assert list(tensors) == ["x", "m", "e"]
    assert tensors["x"].tolist() == [1.5, -2.0]
    assert tensors["m"].tolist() == [True, False, True]
    assert tensors["e"].shape == (0, 4)
    assert metadata == {"k": "v"}


@pytest.mark.parametrize("contents, message", [
    (b"abc", "shorter than the 8-byte header length"),
    (file_of("{}")[:9], "header length 2 exceeds the file"),
    (file_of("[]"), "does not start with '{'"),
    (file_of("{\"a\":"), "the header is not JSON"),
    (file_of('{"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},'
             ' "x": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}',
             bytes(8)), "repeats a key"),
    (file_of({"__metadata__": {"k": 1}}), "not a string"),
    (file_of({"x": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}},
             bytes(4)), "dtype F16 (only F32 and BOOL are read)"),
    (file_of({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}},
             bytes(4)), "offsets do not match the shape"),
    (file_of({"x": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}},
             bytes(4)), "not a list of sizes"),
    (file_of({"x": {"dtype": "F32", "shape": [1]}}), "exactly dtype"),
    (file_of({"x": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}},
             bytes(8)), "a hole or an overlap at byte 4"),
    (file_of({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}},
             bytes(8)), "do not cover the data exactly"),
    (file_of({"m": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}},
             bytes([1, 2])), "a BOOL byte other than 0 and 1"),
])
def test_rejects(contents, message):
    with pytest.raises(safetensors.FormatError, match=re.escape(message)):
        safetensors.parse(contents)
