//===- RASPEnums.td - RASP enumerations --------------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_RASP_IR_RASPENUMS_TD
#define RASPDIALECT_DIALECT_RASP_IR_RASPENUMS_TD

include "mlir/IR/EnumAttr.td"
include "RaspDialect/Dialect/RASP/IR/RASPDialect.td"

def RASP_Categorical : I32EnumAttrCase<"Categorical", 0, "categorical">;
def RASP_Numerical : I32EnumAttrCase<"Numerical", 1, "numerical">;
def RASP_Encoding : I32EnumAttr<"Encoding",
    "how an SOp is embedded in the residual stream",
    [RASP_Categorical, RASP_Numerical]> {
  let cppNamespace = "::mlir::rasp";
}

def RASP_CmpEq : I32EnumAttrCase<"Eq", 0, "eq">;
def RASP_CmpLt : I32EnumAttrCase<"Lt", 1, "lt">;
def RASP_CmpLeq : I32EnumAttrCase<"Leq", 2, "leq">;
def RASP_CmpGt : I32EnumAttrCase<"Gt", 3, "gt">;
def RASP_CmpGeq : I32EnumAttrCase<"Geq", 4, "geq">;
def RASP_CmpNeq : I32EnumAttrCase<"Neq", 5, "neq">;
def RASP_CmpTrue : I32EnumAttrCase<"True", 6, "true">;
def RASP_CmpFalse : I32EnumAttrCase<"False", 7, "false">;
def RASP_Comparison : I32EnumAttr<"Comparison",
    "built-in select predicate, applied as `predicate(key, query)`",
    [RASP_CmpEq, RASP_CmpLt, RASP_CmpLeq, RASP_CmpGt, RASP_CmpGeq, RASP_CmpNeq,
     RASP_CmpTrue, RASP_CmpFalse]> {
  let cppNamespace = "::mlir::rasp";
}

// Python binary operators with Python semantics on dynamically typed values.
def RASP_BinAdd : I32EnumAttrCase<"Add", 0, "add">;
def RASP_BinSub : I32EnumAttrCase<"Sub", 1, "sub">;
def RASP_BinMul : I32EnumAttrCase<"Mul", 2, "mul">;
def RASP_BinTrueDiv : I32EnumAttrCase<"TrueDiv", 3, "truediv">;
def RASP_BinFloorDiv : I32EnumAttrCase<"FloorDiv", 4, "floordiv">;
def RASP_BinMod : I32EnumAttrCase<"Mod", 5, "mod">;
def RASP_BinPow : I32EnumAttrCase<"Pow", 6, "pow">;
def RASP_BinEq : I32EnumAttrCase<"Eq", 7, "eq">;
def RASP_BinNe : I32EnumAttrCase<"Ne", 8, "ne">;
def RASP_BinLt : I32EnumAttrCase<"Lt", 9, "lt">;
def RASP_BinLe : I32EnumAttrCase<"Le", 10, "le">;
def RASP_BinGt : I32EnumAttrCase<"Gt", 11, "gt">;
def RASP_BinGe : I32EnumAttrCase<"Ge", 12, "ge">;
def RASP_BinMin : I32EnumAttrCase<"Min", 13, "min">;
def RASP_BinMax : I32EnumAttrCase<"Max", 14, "max">;
def RASP_BinaryKind : I32EnumAttr<"BinaryKind", "Python binary operator",
    [RASP_BinAdd, RASP_BinSub, RASP_BinMul, RASP_BinTrueDiv, RASP_BinFloorDiv,
     RASP_BinMod, RASP_BinPow, RASP_BinEq, RASP_BinNe, RASP_BinLt, RASP_BinLe,
     RASP_BinGt, RASP_BinGe, RASP_BinMin, RASP_BinMax]> {
  let cppNamespace = "::mlir::rasp";
}

// Python unary operators and the scalar helpers of the RASP language.
def RASP_UnNeg : I32EnumAttrCase<"Neg", 0, "neg">;
def RASP_UnPos : I32EnumAttrCase<"Pos", 1, "pos">;
def RASP_UnNot : I32EnumAttrCase<"Not", 2, "not">;
def RASP_UnAbs : I32EnumAttrCase<"Abs", 3, "abs">;
def RASP_UnInt : I32EnumAttrCase<"Int", 4, "int">;
def RASP_UnFloat : I32EnumAttrCase<"Float", 5, "float">;
def RASP_UnBool : I32EnumAttrCase<"Bool", 6, "bool">;
def RASP_UnRound : I32EnumAttrCase<"Round", 7, "round">;
def RASP_UnIndicator : I32EnumAttrCase<"Indicator", 8, "indicator">;
def RASP_UnaryKind : I32EnumAttr<"UnaryKind", "Python unary operator or helper",
    [RASP_UnNeg, RASP_UnPos, RASP_UnNot, RASP_UnAbs, RASP_UnInt, RASP_UnFloat,
     RASP_UnBool, RASP_UnRound, RASP_UnIndicator]> {
  let cppNamespace = "::mlir::rasp";
}

#endif // RASPDIALECT_DIALECT_RASP_IR_RASPENUMS_TD
