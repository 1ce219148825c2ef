//===- RASPOps.td - RASP operations ------------------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_RASP_IR_RASPOPS_TD
#define RASPDIALECT_DIALECT_RASP_IR_RASPOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "RaspDialect/Dialect/RASP/IR/RASPDialect.td"
include "RaspDialect/Dialect/RASP/IR/RASPEnums.td"
include "RaspDialect/Dialect/RASP/IR/RASPTypes.td"

/// An SOp-producing op. `values` holds the value set once basis inference ran.
/// Results are named after the variable they are bound to (a NameLoc from the
/// frontend), so printed IR reads like the source program.
class RASP_SOpOp<string mnemonic, list<Trait> traits = []>
    : RASP_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>])> {
  let results = (outs RASP_AnySOp:$result);
}

/// A selector-producing op.
class RASP_SelectorOp<string mnemonic, list<Trait> traits = []>
    : RASP_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>])> {
  let results = (outs RASP_SelectorType:$result);
}

//===----------------------------------------------------------------------===//
// Program structure
//===----------------------------------------------------------------------===//

def RASP_ProgramOp : RASP_Op<"program", [
    Symbol, IsolatedFromAbove, SingleBlock, NoRegionArguments]> {
  let summary = "a RASP program with its output and compile parameters";
  let description = [{
    A program is a single block of SOp and selector definitions ending in
    `rasp.output`, which names the output SOp. The optional attributes make a
    `.mlir` file self-contained: `vocab` (the token values), `max_seq_len`
    (the longest input, without BOS), `bos` (the beginning-of-sequence token
    name) and `causal`. Tools may override them.

    ```mlir
    rasp.program @reverse attributes {vocab = ["a", "b"], max_seq_len = 5} {
      %t = rasp.tokens : !rasp.sop<categorical, !rasp.str>
      ...
      rasp.output %r : !rasp.sop<categorical, !rasp.str>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       OptionalAttr<ArrayAttr>:$vocab,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntMinValue<1>]>>:$max_seq_len,
                       OptionalAttr<StrAttr>:$bos,
                       UnitAttr:$causal);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The op that terminates the body.
    OutputOp getOutputOp();
    /// The SOp the program computes.
    ::mlir::Value getOutput();
    /// The BOS token name: the `bos` attribute or "BOS".
    ::llvm::StringRef getBosName();
  }];
}

def RASP_OutputOp : RASP_Op<"output", [Terminator, HasParent<"ProgramOp">]> {
  let summary = "names the output SOp of a program";
  let arguments = (ins RASP_AnySOp:$output);
  let assemblyFormat = "$output attr-dict `:` qualified(type($output))";
}

//===----------------------------------------------------------------------===//
// Primitive SOps
//===----------------------------------------------------------------------===//

def RASP_TokensOp : RASP_SOpOp<"tokens"> {
  let summary = "the input tokens";
  let arguments = (ins OptionalAttr<ArrayAttr>:$values);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

def RASP_IndicesOp : RASP_SOpOp<"indices"> {
  let summary = "the positions 0..n-1";
  let arguments = (ins OptionalAttr<ArrayAttr>:$values);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

def RASP_FullOp : RASP_SOpOp<"full"> {
  let summary = "the SOp holding one constant at every position";
  let description = [{
    ```mlir
    %c = rasp.full(1) : !rasp.sop<categorical, i64>
    ```
  }];
  let arguments = (ins AnyAttr:$fill, OptionalAttr<ArrayAttr>:$values);
  let assemblyFormat = "`(` $fill `)` attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise SOps
//===----------------------------------------------------------------------===//

def RASP_MapOp : RASP_SOpOp<"map", [
    SingleBlock, IsolatedFromAbove]> {
  let summary = "elementwise function of one SOp";
  let description = [{
    Applies the body to the value at every position. The block argument has
    the input's value type; `rasp.yield` returns a value of the result's value
    type. A `None` input yields `None` without running the body.

    ```mlir
    %m = rasp.map %t : !rasp.sop<categorical, i64> -> !rasp.sop<categorical, i64> {
    ^bb0(%x: i64):
      %c1 = arith.constant 1 : i64
      %y = arith.addi %x, %c1 : i64
      rasp.yield %y : i64
    }
    ```
  }];
  let arguments = (ins RASP_AnySOp:$input, OptionalAttr<ArrayAttr>:$values);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $input attr-dict `:` qualified(type($input)) `->` qualified(type($result)) $body
  }];
  let hasRegionVerifier = 1;
}

def RASP_SequenceMapOp : RASP_SOpOp<"sequence_map", [
    SingleBlock, IsolatedFromAbove]> {
  let summary = "elementwise function of two SOps";
  let description = [{
    Applies the body to the pair of values at every position. If either value
    is `None` the result is `None`.

    ```mlir
    %d = rasp.sequence_map %a, %b : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
                                  -> !rasp.sop<categorical, i64> {
    ^bb0(%x: i64, %y: i64):
      %r = arith.subi %x, %y : i64
      rasp.yield %r : i64
    }
    ```
  }];
  let arguments = (ins RASP_AnySOp:$lhs, RASP_AnySOp:$rhs,
                       OptionalAttr<ArrayAttr>:$values);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` qualified(type($lhs)) `,` qualified(type($rhs))
    `->` qualified(type($result)) $body
  }];
  let hasRegionVerifier = 1;
}

def RASP_LinearSequenceMapOp : RASP_SOpOp<"linear_sequence_map"> {
  let summary = "numerical linear combination of two SOps";
  let description = [{
    `lhs_coeff * lhs + rhs_coeff * rhs` at every position, Tracr's
    `LinearSequenceMap`. All three SOps are numerical.

    ```mlir
    %d = rasp.linear_sequence_map %a, %b coefficients (1.0, -1.0)
        : !rasp.sop<numerical, f64>, !rasp.sop<numerical, f64> -> !rasp.sop<numerical, f64>
    ```
  }];
  let arguments = (ins RASP_AnySOp:$lhs, RASP_AnySOp:$rhs, F64Attr:$lhs_coeff,
                       F64Attr:$rhs_coeff, OptionalAttr<ArrayAttr>:$values);
  let assemblyFormat = [{
    $lhs `,` $rhs `coefficients` `(` $lhs_coeff `,` $rhs_coeff `)` attr-dict
    `:` qualified(type($lhs)) `,` qualified(type($rhs)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention: aggregate and selector width
//===----------------------------------------------------------------------===//

def RASP_AggregateOp : RASP_SOpOp<"aggregate"> {
  let summary = "mean of the selected values at every query position";
  let description = [{
    At each query position, the selected values of `input`: their mean for a
    numerical aggregate, their common value for a categorical one. Where
    nothing is selected the result is `default` (absent means `None`).

    ```mlir
    %r = rasp.aggregate %sel, %t : !rasp.sop<categorical, !rasp.str>
                                -> !rasp.sop<categorical, !rasp.str>
    %f = rasp.aggregate %sel, %b default(0) : !rasp.sop<numerical, i1>
                                          -> !rasp.sop<numerical, f64>
    ```
  }];
  let arguments = (ins RASP_SelectorType:$selector, RASP_AnySOp:$input,
                       OptionalAttr<AnyAttr>:$default_value,
                       OptionalAttr<ArrayAttr>:$values);
  let assemblyFormat = [{
    $selector `,` $input (`default` `(` $default_value^ `)`)? attr-dict `:`
    qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def RASP_SelectorWidthOp : RASP_SOpOp<"selector_width"> {
  let summary = "number of selected keys at every query position";
  let arguments = (ins RASP_SelectorType:$selector,
                       OptionalAttr<ArrayAttr>:$values);
  let assemblyFormat = "$selector attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Selectors
//===----------------------------------------------------------------------===//

def RASP_SelectOp : RASP_SelectorOp<"select"> {
  let summary = "selector from a built-in comparison";
  let description = [{
    Entry [q][k] is `predicate(keys[k], queries[q])`.

    ```mlir
    %s = rasp.select %keys, %queries, lt : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64>
    ```
  }];
  let arguments = (ins RASP_AnySOp:$keys, RASP_AnySOp:$queries,
                       RASP_Comparison:$predicate);
  let assemblyFormat = [{
    $keys `,` $queries `,` $predicate attr-dict `:` qualified(type($keys)) `,`
    qualified(type($queries))
  }];
}

def RASP_SelectWhereOp : RASP_SelectorOp<"select_where", [
    SingleBlock, IsolatedFromAbove]> {
  let summary = "selector from a predicate function over (key, query)";
  let description = [{
    Entry [q][k] is the body applied to `(keys[k], queries[q])`; the body
    yields an `i1`.

    ```mlir
    %s = rasp.select_where %i, %i : !rasp.sop<categorical, i64>, !rasp.sop<categorical, i64> {
    ^bb0(%k: i64, %q: i64):
      %c1 = arith.constant 1 : i64
      %k1 = arith.addi %k, %c1 : i64
      %eq = arith.cmpi eq, %q, %k1 : i64
      rasp.yield %eq : i1
    }
    ```
  }];
  let arguments = (ins RASP_AnySOp:$keys, RASP_AnySOp:$queries);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $keys `,` $queries attr-dict `:` qualified(type($keys)) `,`
    qualified(type($queries)) $body
  }];
  let hasRegionVerifier = 1;
}

def RASP_SelectorAndOp : RASP_SelectorOp<"selector_and", [Commutative]> {
  let summary = "elementwise conjunction of two selectors";
  let arguments = (ins RASP_SelectorType:$lhs, RASP_SelectorType:$rhs);
  let assemblyFormat = "$lhs `,` $rhs attr-dict";
}

def RASP_SelectorOrOp : RASP_SelectorOp<"selector_or", [Commutative]> {
  let summary = "elementwise disjunction of two selectors";
  let arguments = (ins RASP_SelectorType:$lhs, RASP_SelectorType:$rhs);
  let assemblyFormat = "$lhs `,` $rhs attr-dict";
}

def RASP_SelectorNotOp : RASP_SelectorOp<"selector_not"> {
  let summary = "elementwise negation of a selector";
  let arguments = (ins RASP_SelectorType:$input);
  let assemblyFormat = "$input attr-dict";
}

//===----------------------------------------------------------------------===//
// Scalar ops of element functions
//===----------------------------------------------------------------------===//

def RASP_YieldOp : RASP_Op<"yield", [
    Pure, Terminator, ReturnLike,
    ParentOneOf<["MapOp", "SequenceMapOp", "SelectWhereOp"]>]> {
  let summary = "returns the value of an element function";
  let arguments = (ins RASP_ValueType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

def RASP_ConstantOp : RASP_Op<"constant", [Pure, ConstantLike]> {
  let summary = "a string, None or dynamically typed constant";
  let description = [{
    Constants that `arith.constant` cannot express: strings, `None`, and any
    constant of type `!rasp.any`. Numbers and booleans of static type use
    `arith.constant`.

    ```mlir
    %s = rasp.constant("(") : !rasp.str
    %n = rasp.constant(unit) : !rasp.none
    %a = rasp.constant(2) : !rasp.any
    ```
  }];
  let arguments = (ins AnyAttr:$value);
  let results = (outs RASP_ValueType:$result);
  let assemblyFormat = "`(` $value `)` attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def RASP_BinaryOp : RASP_Op<"binary", [Pure]> {
  let summary = "a Python binary operator";
  let description = [{
    Applies the Python operator to the two values with Python semantics:
    floor division and modulo round toward negative infinity, `/` is true
    division, `==` between a string and a number is false, and so on. Used
    where `arith` has no exact equivalent (strings, Python `%`, dynamically
    typed values). A type error or division by zero is an evaluation error.

    ```mlir
    %r = rasp.binary mod %x, %y : i64, i64 -> i64
    %c = rasp.binary lt %a, %b : !rasp.str, !rasp.str -> i1
    ```
  }];
  let arguments = (ins RASP_BinaryKind:$kind, RASP_ValueType:$lhs,
                       RASP_ValueType:$rhs);
  let results = (outs RASP_ValueType:$result);
  let assemblyFormat = [{
    $kind $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def RASP_UnaryOp : RASP_Op<"unary", [Pure]> {
  let summary = "a Python unary operator or scalar helper";
  let description = [{
    `neg`, `pos`, `not`, `abs`, `int`, `float`, `bool`, `round` (to even, as
    Python's `round`) and `indicator` (`1 if x else 0`) with Python semantics.

    ```mlir
    %r = rasp.unary round %x : f64 -> i64
    ```
  }];
  let arguments = (ins RASP_UnaryKind:$kind, RASP_ValueType:$input);
  let results = (outs RASP_ValueType:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input) `->` type($result)";
}

def RASP_BoxOp : RASP_Op<"box", [Pure]> {
  let summary = "forgets the static type of a value";
  let description = [{
    Converts a statically typed value to `!rasp.any`, e.g. so both branches of
    `1 if c else "a"` have one type.

    ```mlir
    %b = rasp.box %x : i64
    ```
  }];
  let arguments = (ins RASP_ValueType:$input);
  let results = (outs RASP_AnyValueType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def RASP_TableOp : RASP_Op<"table", [Pure]> {
  let summary = "a function given by its table of values";
  let description = [{
    The value of a function known only by its values: entry `i` maps the
    arguments `keys[i]` to `results[i]`. The table form of `rasp.map`,
    `rasp.sequence_map` and `rasp.select_where` is a body holding one
    `rasp.table` on its block arguments; the Python frontend (raspc) writes
    it for a Python function, called once per value of the value set its
    operands can hold. With one argument a key is the value itself (a tuple
    value is an array); with several it is an array of the arguments.
    Results are values of the result type, or `unit` (None) where that type
    admits None (`!rasp.any`, `!rasp.none`). Evaluating the op on arguments
    that are not a key is an evaluation error.

    ```mlir
    %y = rasp.table(%x) [1, 2, 3] -> [2, 4, 6] : (i64) -> i64
    %p = rasp.table(%x, %s) [[1, "a"], [2, "a"]] -> [[1, "a"], unit]
        : (i64, !rasp.str) -> !rasp.any
    ```
  }];
  let arguments = (ins Variadic<RASP_ValueType>:$args, ArrayAttr:$keys,
                       ArrayAttr:$results);
  let results = (outs RASP_ValueType:$result);
  let assemblyFormat = [{
    `(` $args `)` $keys `->` $results attr-dict `:`
    functional-type($args, $result)
  }];
  let hasVerifier = 1;
}

#endif // RASPDIALECT_DIALECT_RASP_IR_RASPOPS_TD
