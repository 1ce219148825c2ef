//===- ElementTypes.h - Static types of element functions -------*- C++ -*-===//
//
// Python's typing of operators on RASP values, decided from the operands'
// static value types (i1, i64, f64, !rasp.str, !rasp.none, !rasp.any), and
// how each operator is computed: with an exact upstream `arith` op, with a
// constant (e.g. `"a" == 1` is False), or with `rasp.binary`/`rasp.unary`,
// which carry Python semantics. Expression typing and body emission both
// use these functions, so the inferred type is the emitted type.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_LIB_TARGET_IMPORTRASP_ELEMENTTYPES_H
#define RASPDIALECT_LIB_TARGET_IMPORTRASP_ELEMENTTYPES_H

#include "RaspDialect/Semantics/PyValue.h"

namespace mlir::rasp::frontend {

/// How `lhs <kind> rhs` is computed.
struct BinaryLowering {
  enum class Strategy {
    /// Promote both operands to `operandType` (i1 or i64) and use arith
    /// integer ops (addi, subi, muli, floordivsi, minsi, maxsi, cmpi).
    IntArith,
    /// Promote both operands to f64 and use arith float ops (addf, subf,
    /// mulf, divf, cmpf).
    FloatArith,
    /// The result is the constant `constantValue` (an i1).
    Constant,
    /// `rasp.binary` on the operands as they are.
    Rasp,
  };
  Strategy strategy;
  Type operandType;
  Type resultType;
  bool constantValue = false;
};

/// Decides how `lhs <kind> rhs` is computed. `lhsConst`/`rhsConst` are the
/// operands' values when they are compile-time constants (they may make an
/// exact arith lowering possible, e.g. an int constant compared to a float).
BinaryLowering lowerBinary(BinaryKind kind, Type lhs, Type rhs,
                           const PyValue *lhsConst, const PyValue *rhsConst);

/// How `<kind> operand` is computed.
struct UnaryLowering {
  enum class Strategy {
    Identity, // the operand itself (e.g. int(x) on an int)
    Convert,  // exact promotion to the result type: extui, uitofp, sitofp
    Truthy,   // bool(x) on an int or float: x != 0 (arith.cmpi/cmpf)
    IntNeg,   // 0 - x on i64 (a bool is promoted first)
    FloatNeg, // arith.negf
    BoolNot,  // arith.xori with true
    IsZero,   // `not x` on an int or float: x == 0 (arith.cmpi/cmpf)
    Rasp,     // rasp.unary
  };
  Strategy strategy;
  Type resultType;
};

UnaryLowering lowerUnary(UnaryKind kind, Type operand);

/// The type of a value that is either an `a` or a `b` (`x if c else y`,
/// `x and y`, `x or y`): their common type, or !rasp.any.
Type joinTypes(Type a, Type b);

/// True for i1 and i64 (Python bool and int).
bool isIntLike(Type type);

/// The Python-level description of a value type for diagnostics: "bool",
/// "int", "float", "str", "None" or "any".
std::string describeValueType(Type type);

} // namespace mlir::rasp::frontend

#endif // RASPDIALECT_LIB_TARGET_IMPORTRASP_ELEMENTTYPES_H
