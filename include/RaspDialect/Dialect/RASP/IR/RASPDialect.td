//===- RASPDialect.td - RASP dialect definition ------------*- tablegen -*-===//
//
// The `rasp` dialect represents programs in the RASP language of Weiss et al.
// (2021) with the value semantics of DeepMind's Tracr.
//
//===----------------------------------------------------------------------===//

#ifndef RASPDIALECT_DIALECT_RASP_IR_RASPDIALECT_TD
#define RASPDIALECT_DIALECT_RASP_IR_RASPDIALECT_TD

include "mlir/IR/OpBase.td"

def RASP_Dialect : Dialect {
  let name = "rasp";
  let summary = "RASP programs: sequence operations, selectors and aggregates";
  let description = [{
    A RASP program computes sequence operations (SOps) from the input `tokens`
    and `indices`. Elementwise functions (`rasp.map`, `rasp.sequence_map`,
    custom select predicates) carry their body as a region of upstream `arith`,
    `math` and `scf` ops plus the few `rasp` scalar ops that Python value
    semantics need (strings, `None`, floor division, modulo, dynamically typed
    values). Selectors (`rasp.select`) are attention patterns; `rasp.aggregate`
    and `rasp.selector_width` turn them back into SOps.

    Every SOp has the type `!rasp.sop<encoding, value-type>`. After basis
    inference each SOp-producing op carries its finite value set in the
    `values` attribute.
  }];
  let cppNamespace = "::mlir::rasp";
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect"
  ];
  let extraClassDeclaration = [{
    /// Name of the attribute holding an SOp's inferred value set.
    static constexpr ::llvm::StringLiteral getValuesAttrName() {
      return ::llvm::StringLiteral("values");
    }
  }];
}

class RASP_Op<string mnemonic, list<Trait> traits = []>
    : Op<RASP_Dialect, mnemonic, traits>;

#endif // RASPDIALECT_DIALECT_RASP_IR_RASPDIALECT_TD
