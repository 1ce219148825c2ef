//===- RASPTypes.td - RASP types ---------------------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_RASP_IR_RASPTYPES_TD
#define RASPDIALECT_DIALECT_RASP_IR_RASPTYPES_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypes.td"
include "RaspDialect/Dialect/RASP/IR/RASPDialect.td"
include "RaspDialect/Dialect/RASP/IR/RASPEnums.td"

class RASP_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<RASP_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

//===----------------------------------------------------------------------===//
// Scalar value types used inside element functions
//===----------------------------------------------------------------------===//

def RASP_StrType : RASP_Type<"Str", "str"> {
  let summary = "a Python string";
}

def RASP_NoneType : RASP_Type<"None", "none"> {
  let summary = "Python's None";
}

def RASP_AnyValueType : RASP_Type<"AnyValue", "any"> {
  let summary = "a dynamically typed Python value";
  let description = [{
    A value whose Python type (`bool`, `int`, `float`, `str` or `None`) is only
    known at evaluation time, e.g. the result of `1 if c else "a"`.
  }];
}

/// Value types of SOps and of element-function values: i1 (bool), i64 (int),
/// f64 (float), !rasp.str, !rasp.none and !rasp.any.
def RASP_ValueType : Type<
    CPred<"::mlir::rasp::isValueType($_self)">,
    "a RASP value type (i1, i64, f64, !rasp.str, !rasp.none or !rasp.any)">;

//===----------------------------------------------------------------------===//
// SOps and selectors
//===----------------------------------------------------------------------===//

def RASP_SOpType : RASP_Type<"SOp", "sop"> {
  let summary = "a sequence operation";
  let description = [{
    A sequence of values, one per input position. The encoding says how the
    compiled model stores it: `categorical` SOps own one residual direction
    per value, `numerical` SOps a single direction holding the value.

    ```mlir
    !rasp.sop<categorical, i64>
    !rasp.sop<numerical, f64>
    ```
  }];
  let parameters = (ins EnumParameter<RASP_Encoding>:$encoding,
                        "::mlir::Type":$valueType);
  let assemblyFormat = "`<` $encoding `,` $valueType `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isNumerical() const {
      return getEncoding() == ::mlir::rasp::Encoding::Numerical;
    }
    bool isCategorical() const {
      return getEncoding() == ::mlir::rasp::Encoding::Categorical;
    }
  }];
}

def RASP_SelectorType : RASP_Type<"Selector", "selector"> {
  let summary = "a selector";
  let description = [{
    A boolean selection matrix over (query, key) positions: entry [q][k] says
    whether query position q attends to key position k.
  }];
}

def RASP_AnySOp : Type<CPred<"::llvm::isa<::mlir::rasp::SOpType>($_self)">,
                       "an SOp", "::mlir::rasp::SOpType">;

#endif // RASPDIALECT_DIALECT_RASP_IR_RASPTYPES_TD
