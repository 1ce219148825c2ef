"""The exceptions raspc raises (pure Python; the native module raises
this module's `CompileError` for the compiler's diagnostics).

Every failure of a program, a compile or a run is a Python exception with a
message that names the RASP expression by its label; none brings down the
interpreter process.
"""

__all__ = ["CompileError", "FunctionError", "UnsupportedError"]


class CompileError(ValueError):
    """The compiler refused the program or an input: the message is the
    compiler's diagnostics, each line `<label>: error: <message>`."""


class FunctionError(CompileError):
    """A Python function of the program failed on a value its operands can
    hold, or returned something that is not a RASP value.

    Attributes: `label` (the SOp or selector), `args` of the call (the
    values it failed on) as `arguments`, and the original exception as
    `__cause__`.
    """

    def __init__(self, message, label=None, arguments=()):
        super().__init__(message)
        self.label = label
        self.arguments = tuple(arguments)


class UnsupportedError(CompileError, NotImplementedError):
    """The program uses a construct this compiler does not compile (Tracr
    raises NotImplementedError for these)."""
