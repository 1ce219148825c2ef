//===- CraftInterfaces.td - Craft op interfaces ------------*- tablegen -*-===//

#ifndef RASPDIALECT_DIALECT_CRAFT_IR_CRAFTINTERFACES_TD
#define RASPDIALECT_DIALECT_CRAFT_IR_CRAFTINTERFACES_TD

include "mlir/IR/OpBase.td"

def Craft_SpaceOpInterface : OpInterface<"SpaceOpInterface"> {
  let description = [{
    An op whose results are residual subspaces: it names the basis of each
    result. `craft::getSpace(Value)` uses it to find the basis of any value.
  }];
  let cppNamespace = "::mlir::craft";
  let methods = [
    InterfaceMethod<"Returns the basis of result `index`.",
      "::mlir::craft::SpaceAttr", "getResultSpace", (ins "unsigned":$index)>
  ];
}

#endif // RASPDIALECT_DIALECT_CRAFT_IR_CRAFTINTERFACES_TD
