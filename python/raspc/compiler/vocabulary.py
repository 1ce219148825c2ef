"""Vocabularies as `rasp-run` reads them, for `compile_rasp_to_model`.

    from raspc.compiler import compiling, vocabulary

    vocab = vocabulary.read_vocab_file("words.txt", vocab_type="str")
    model = compiling.compile_rasp_to_model(program, vocab, max_seq_len=64)

`read_vocab_file(path, vocab_type)` is `rasp-run --vocab-file=PATH
--vocab-type=TYPE` (one token per line, exact UTF-8 strings; errors name the
file and line) and `parse_vocab(text, vocab_type)` is `--vocab=TEXT
--vocab-type=TYPE` (comma-separated). `vocab_type` is "auto" (an item that
reads as an int is an int, else a float if it reads as one, else a string),
"str", "int" or "float". Both return the items in file order; errors raise
`raspc.errors.CompileError`. The same C++ code reads them for rasp-run, the
C API (`raspCompileOptionsReadVocabFile`) and this module.
"""

__all__ = ["parse_vocab", "read_vocab_file", "VOCAB_TYPES"]

VOCAB_TYPES = ("auto", "str", "int", "float")


def _native():
    from .. import _raspc

    return _raspc


def parse_vocab(text, vocab_type="auto"):
    """The items of the comma-separated vocabulary `text`."""
    return _native().parse_vocab(text, vocab_type)


def read_vocab_file(path, vocab_type="auto"):
    """The items of the vocabulary file at `path`, one token per line."""
    return _native().read_vocab_file(str(path), vocab_type)
