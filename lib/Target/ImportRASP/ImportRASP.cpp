//===- ImportRASP.cpp - .rasp source to the rasp dialect ------------------===//
//
// The pipeline of the frontend: parse and expand (Elaborator), decide the
// elementwise fusion (Fusion), build the rasp.program (Emitter), verify,
// merge identical ops (not in Tracr's graph, where every call builds its own).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Target/ImportRASP.h"
#include "Elaborator.h"
#include "Emitter.h"
#include "Fusion.h"
#include "Header.h"
#include "Lexer.h"

#include "RaspDialect/Dialect/RASP/IR/RASPDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Transforms/CSE.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::rasp;
using namespace mlir::rasp::frontend;

OwningOpRef<ModuleOp> mlir::rasp::importRASP(llvm::SourceMgr &sourceMgr,
                                             MLIRContext *context,
                                             const ImportRASPOptions &options) {
  context->loadDialect<RASPDialect, arith::ArithDialect, math::MathDialect,
                       scf::SCFDialect>();
  // The parameters the file's `# rasp:` header gives, unless given here.
  FailureOr<ImportRASPOptions> withHeader =
      applyHeaderOptions(sourceMgr, context, options);
  if (failed(withHeader))
    return nullptr;
  ProgramGraph graph(context);
  Elaborator elaborator(sourceMgr, context, *withHeader, graph);
  FailureOr<SOpNode *> output = elaborator.run();
  if (failed(output))
    return nullptr;
  FailureOr<FusionPlan> plan = planFusion(*output, withHeader->tracrGraph);
  if (failed(plan))
    return nullptr;

  const llvm::MemoryBuffer *main =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  Location fileLoc = getFileLineColLoc(
      sourceMgr, llvm::SMLoc::getFromPointer(main->getBufferStart()), context);
  OwningOpRef<ModuleOp> module =
      emitProgram(context, *plan, *output, *withHeader, fileLoc);
  if (!module || failed(verify(*module)))
    return nullptr;
  if (withHeader->tracrGraph)
    return module;
  // Repeated def calls create identical selects and maps; keep one of each.
  IRRewriter rewriter(context);
  DominanceInfo dominance(*module);
  eliminateCommonSubExpressions(rewriter, dominance, *module);
  return module;
}
