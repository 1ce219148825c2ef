"""Vocabularies from files and lists, typed as `rasp-run --vocab-type`
types them, compile and run: a number-like string stays a string unless
typed otherwise; errors name the file and line."""
import pytest

from raspc import rasp
from raspc.compiler import compiling, vocabulary
from raspc.errors import CompileError


def write(tmp_path, text):
    path = tmp_path / "vocab.txt"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_file_types(tmp_path):
    path = write(tmp_path, "0\n7\n2\n")
    assert vocabulary.read_vocab_file(path, "str") == ["0", "7", "2"]
    assert vocabulary.read_vocab_file(path, "auto") == [0, 7, 2]
    assert vocabulary.read_vocab_file(path, "int") == [0, 7, 2]


def test_list_types():
    assert vocabulary.parse_vocab("a,7,0.5") == ["a", 7, 0.5]
    assert vocabulary.parse_vocab("a,7,0.5", "str") == ["a", "7", "0.5"]
    assert vocabulary.parse_vocab("1.0,2.5", "float") == [1.0, 2.5]


def test_errors(tmp_path):
    with pytest.raises(CompileError, match=r"vocab\.txt:2:.*twice|listed"):
        vocabulary.read_vocab_file(write(tmp_path, "a\na\n"), "str")
    with pytest.raises(CompileError, match=r"vocab\.txt:1:"):
        vocabulary.read_vocab_file(write(tmp_path, "a\n"), "int")
    with pytest.raises(CompileError, match="unknown vocabulary type 'words'"):
        vocabulary.parse_vocab("a", "words")
    with pytest.raises(CompileError, match="no/such.txt"):
        vocabulary.read_vocab_file("no/such.txt")


def test_compiled_with_file_vocab(tmp_path):
    # Number-like strings as tokens: the model counts strings, not ints.
    words = [str(i) for i in range(200)]
    vocab = vocabulary.read_vocab_file(write(tmp_path, "\n".join(words)),
                                       "str")
    assert vocab == words
    same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ)
    hist = rasp.SelectorWidth(same)
    model = compiling.compile_rasp_to_model(hist, vocab, max_seq_len=6,
                                            compiler_bos="BOS")
    out = model.apply(["BOS", "7", "199", "7", "0"])
    assert out.decoded[1:] == [2, 1, 2, 1]
