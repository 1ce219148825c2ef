//===- InitAll.cpp - Register the project's dialects and passes -----------===//

#include "RaspDialect/InitAll.h"
#include "RaspDialect/Conversion/Passes.h"
#include "RaspDialect/Dialect/Craft/IR/CraftDialect.h"
#include "RaspDialect/Dialect/Craft/Transforms/Passes.h"
#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"
#include "RaspDialect/Dialect/RASP/Transforms/Passes.h"
#include "RaspDialect/Pipelines/Pipelines.h"
#include "RaspDialect/Runtime/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

void mlir::rasp::registerAllDialects(DialectRegistry &registry) {
  registry.insert<rasp::RASPDialect, craft::CraftDialect, arith::ArithDialect,
                  func::FuncDialect, math::MathDialect, scf::SCFDialect>();
  // The output of --convert-craft-to-linalg.
  registry.insert<linalg::LinalgDialect, tensor::TensorDialect>();
}

void mlir::rasp::registerAllPasses() {
  registerRASPTransformsPasses();
  registerRASPConversionPasses();
  craft::registerCraftPasses();
  registerPipelines();
  runtime::registerRuntimePassesAndPipelines();
}
