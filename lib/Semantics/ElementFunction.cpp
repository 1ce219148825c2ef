//===- ElementFunction.cpp - Evaluation of element functions --------------===//
//
// A body is compiled once into a flat list of instructions per block over a
// register file of PyValues, then evaluated many times (basis inference runs
// a sequence_map body on every pair of input values).
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Semantics/ElementFunction.h"
#include "RaspDialect/Dialect/RASP/IR/RASPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <unordered_map>

using namespace mlir;
using namespace mlir::rasp;

namespace {
enum class Opcode : uint8_t {
  Constant,
  Binary,  // sub = BinaryKind
  Unary,   // sub = UnaryKind
  Select,  // operands: cond, true, false
  If,      // operands: cond; then/else block indices
  Logic,   // sub: 0 = and, 1 = or, 2 = xor (on bools)
  ToInt,   // bool -> int
  ToFloat, // number -> float
  Math,    // sub = MathFn
  Coerce,  // check against resultType (rasp.box is a no-op coercion)
  Lookup,  // rasp.table: the entry of the arguments
};

enum class MathFn : uint8_t { Floor, Ceil, Sqrt, Exp, Log };

struct PyValueHash {
  size_t operator()(const PyValue &v) const { return hash_value(v); }
};

/// The entries of a `rasp.table`, by arguments (a tuple if several) with
/// Python equality.
using LookupTable = std::unordered_map<PyValue, PyValue, PyValueHash>;

struct Instr {
  Opcode opcode;
  uint8_t sub = 0;
  uint32_t result = 0;
  llvm::SmallVector<uint32_t, 3> operands;
  PyValue constant;
  int thenBlock = -1, elseBlock = -1;
  llvm::SmallVector<uint32_t, 1> results; // for If
  Type resultType;                        // checked where Python may differ
  Operation *op = nullptr;
  std::shared_ptr<const LookupTable> table; // for Lookup
};

struct CodeBlock {
  std::vector<Instr> instrs;
  llvm::SmallVector<uint32_t, 1> yields;
};
} // namespace

struct ElementFunction::Impl {
  std::vector<CodeBlock> blocks; // block 0 is the entry block
  llvm::SmallVector<uint32_t> argRegs;
  llvm::SmallVector<Type> argTypes;
  unsigned numRegs = 0;
};

namespace {
/// Builds the instruction form of a body.
class Compiler {
public:
  explicit Compiler(ElementFunction::Impl &impl) : impl(impl) {}

  FailureOr<int> compileBlock(mlir::Block &block) {
    int index = impl.blocks.size();
    impl.blocks.emplace_back();
    for (Operation &op : block) {
      if (op.hasTrait<OpTrait::IsTerminator>()) {
        if (!isa<rasp::YieldOp, scf::YieldOp>(op))
          return op.emitOpError("is not supported as an element function "
                                "terminator");
        llvm::SmallVector<uint32_t, 1> yields;
        for (Value v : op.getOperands())
          yields.push_back(reg(v));
        impl.blocks[index].yields = yields;
        continue;
      }
      FailureOr<Instr> instr = compileOp(op);
      if (failed(instr))
        return failure();
      impl.blocks[index].instrs.push_back(std::move(*instr));
    }
    return index;
  }

  uint32_t reg(Value v) {
    auto [it, inserted] = regs.try_emplace(v, impl.numRegs);
    if (inserted)
      ++impl.numRegs;
    return it->second;
  }

private:
  Instr make(Opcode opcode, Operation &op, uint8_t sub = 0) {
    Instr instr;
    instr.opcode = opcode;
    instr.sub = sub;
    instr.op = &op;
    for (Value v : op.getOperands())
      instr.operands.push_back(reg(v));
    if (op.getNumResults() == 1) {
      instr.result = reg(op.getResult(0));
      instr.resultType = op.getResult(0).getType();
    }
    return instr;
  }

  Instr binary(Operation &op, BinaryKind kind) {
    return make(Opcode::Binary, op, static_cast<uint8_t>(kind));
  }

  static std::optional<BinaryKind> cmpiKind(arith::CmpIPredicate p) {
    switch (p) {
    case arith::CmpIPredicate::eq:
      return BinaryKind::Eq;
    case arith::CmpIPredicate::ne:
      return BinaryKind::Ne;
    case arith::CmpIPredicate::slt:
      return BinaryKind::Lt;
    case arith::CmpIPredicate::sle:
      return BinaryKind::Le;
    case arith::CmpIPredicate::sgt:
      return BinaryKind::Gt;
    case arith::CmpIPredicate::sge:
      return BinaryKind::Ge;
    default:
      return std::nullopt;
    }
  }

  static std::optional<BinaryKind> cmpfKind(arith::CmpFPredicate p) {
    switch (p) {
    case arith::CmpFPredicate::OEQ:
      return BinaryKind::Eq;
    case arith::CmpFPredicate::UNE:
      return BinaryKind::Ne;
    case arith::CmpFPredicate::OLT:
      return BinaryKind::Lt;
    case arith::CmpFPredicate::OLE:
      return BinaryKind::Le;
    case arith::CmpFPredicate::OGT:
      return BinaryKind::Gt;
    case arith::CmpFPredicate::OGE:
      return BinaryKind::Ge;
    default:
      return std::nullopt;
    }
  }

  /// A `rasp.table` with its entries read into a hash table once.
  FailureOr<Instr> lookup(rasp::TableOp op) {
    auto table = std::make_shared<LookupTable>();
    table->reserve(op.getKeys().size());
    bool single = op.getArgs().size() == 1;
    for (auto [key, result] : llvm::zip(op.getKeys(), op.getResults())) {
      FailureOr<PyValue> k = fromAttr(key);
      FailureOr<PyValue> r = fromAttr(result);
      if (failed(k) || failed(r))
        return op.emitOpError("holds an entry that is not a value");
      // Several arguments are looked up as the tuple of them.
      auto [it, inserted] = table->try_emplace(*k, *r);
      if (!inserted)
        return op.emitOpError("lists equal keys ")
               << (single ? it->first.repr()
                          : describeArgs(it->first.getItems()))
               << " and " << (single ? k->repr() : describeArgs(k->getItems()));
    }
    Instr instr = make(Opcode::Lookup, *op.getOperation());
    instr.table = std::move(table);
    return instr;
  }

  static std::string describeArgs(llvm::ArrayRef<PyValue> args) {
    std::string text;
    for (auto [i, arg] : llvm::enumerate(args))
      text += (i ? ", " : "") + arg.repr();
    return text;
  }

  FailureOr<Instr> unsupported(Operation &op) {
    return op.emitOpError("is not supported in an element function");
  }

  FailureOr<Instr> compileOp(Operation &op) {
    // Every value an element function computes has a RASP value type.
    for (Type t : op.getResultTypes())
      if (!isValueType(t))
        return op.emitOpError("produces a value of type ")
               << t << ", which is not a RASP value type";
    return llvm::TypeSwitch<Operation *, FailureOr<Instr>>(&op)
        .Case([&](arith::ConstantOp c) -> FailureOr<Instr> {
          FailureOr<PyValue> v = fromAttr(c.getValue());
          if (failed(v))
            return unsupported(op);
          Instr instr = make(Opcode::Constant, op);
          instr.constant = *v;
          return instr;
        })
        .Case([&](rasp::ConstantOp c) -> FailureOr<Instr> {
          FailureOr<PyValue> v = fromAttr(c.getValue());
          if (failed(v))
            return unsupported(op);
          Instr instr = make(Opcode::Constant, op);
          instr.constant = *v;
          return instr;
        })
        .Case<arith::AddIOp, arith::AddFOp>(
            [&](auto) { return binary(op, BinaryKind::Add); })
        .Case<arith::SubIOp, arith::SubFOp>(
            [&](auto) { return binary(op, BinaryKind::Sub); })
        .Case<arith::MulIOp, arith::MulFOp>(
            [&](auto) { return binary(op, BinaryKind::Mul); })
        .Case<arith::DivFOp>(
            [&](auto) { return binary(op, BinaryKind::TrueDiv); })
        .Case<arith::FloorDivSIOp>(
            [&](auto) { return binary(op, BinaryKind::FloorDiv); })
        .Case<arith::MaxSIOp, arith::MaximumFOp, arith::MaxNumFOp>(
            [&](auto) { return binary(op, BinaryKind::Max); })
        .Case<arith::MinSIOp, arith::MinimumFOp, arith::MinNumFOp>(
            [&](auto) { return binary(op, BinaryKind::Min); })
        .Case<math::PowFOp>([&](auto) { return binary(op, BinaryKind::Pow); })
        .Case([&](arith::CmpIOp c) -> FailureOr<Instr> {
          std::optional<BinaryKind> kind = cmpiKind(c.getPredicate());
          if (!kind)
            return unsupported(op);
          return binary(op, *kind);
        })
        .Case([&](arith::CmpFOp c) -> FailureOr<Instr> {
          std::optional<BinaryKind> kind = cmpfKind(c.getPredicate());
          if (!kind)
            return unsupported(op);
          return binary(op, *kind);
        })
        .Case<arith::NegFOp>([&](auto) {
          return make(Opcode::Unary, op, static_cast<uint8_t>(UnaryKind::Neg));
        })
        .Case<math::AbsIOp, math::AbsFOp>([&](auto) {
          return make(Opcode::Unary, op, static_cast<uint8_t>(UnaryKind::Abs));
        })
        .Case<arith::AndIOp, arith::OrIOp, arith::XOrIOp>(
            [&](auto) -> FailureOr<Instr> {
              // Only boolean logic: bitwise ops on ints are not Python's
              // `and`/`or`.
              if (!op.getResult(0).getType().isInteger(1))
                return unsupported(op);
              uint8_t kind = isa<arith::AndIOp>(op)  ? 0
                             : isa<arith::OrIOp>(op) ? 1
                                                     : 2;
              return make(Opcode::Logic, op, kind);
            })
        .Case<arith::SelectOp>([&](auto) { return make(Opcode::Select, op); })
        .Case<arith::ExtUIOp>([&](auto) { return make(Opcode::ToInt, op); })
        .Case<arith::SIToFPOp, arith::UIToFPOp>(
            [&](auto) { return make(Opcode::ToFloat, op); })
        .Case<arith::FPToSIOp>([&](auto) {
          return make(Opcode::Unary, op, static_cast<uint8_t>(UnaryKind::Int));
        })
        .Case<math::FloorOp>([&](auto) {
          return make(Opcode::Math, op, static_cast<uint8_t>(MathFn::Floor));
        })
        .Case<math::CeilOp>([&](auto) {
          return make(Opcode::Math, op, static_cast<uint8_t>(MathFn::Ceil));
        })
        .Case<math::SqrtOp>([&](auto) {
          return make(Opcode::Math, op, static_cast<uint8_t>(MathFn::Sqrt));
        })
        .Case<math::ExpOp>([&](auto) {
          return make(Opcode::Math, op, static_cast<uint8_t>(MathFn::Exp));
        })
        .Case<math::LogOp>([&](auto) {
          return make(Opcode::Math, op, static_cast<uint8_t>(MathFn::Log));
        })
        .Case([&](rasp::BinaryOp b) { return binary(op, b.getKind()); })
        .Case([&](rasp::UnaryOp u) {
          return make(Opcode::Unary, op, static_cast<uint8_t>(u.getKind()));
        })
        .Case<rasp::BoxOp>([&](auto) { return make(Opcode::Coerce, op); })
        .Case([&](rasp::TableOp t) { return lookup(t); })
        .Case([&](scf::IfOp ifOp) -> FailureOr<Instr> {
          Instr instr;
          instr.opcode = Opcode::If;
          instr.op = &op;
          instr.operands.push_back(reg(ifOp.getCondition()));
          for (Value r : ifOp.getResults())
            instr.results.push_back(reg(r));
          FailureOr<int> thenBlock = compileBlock(ifOp.getThenRegion().front());
          if (failed(thenBlock))
            return failure();
          instr.thenBlock = *thenBlock;
          if (!ifOp.getElseRegion().empty()) {
            FailureOr<int> elseBlock =
                compileBlock(ifOp.getElseRegion().front());
            if (failed(elseBlock))
              return failure();
            instr.elseBlock = *elseBlock;
          }
          return instr;
        })
        .Default([&](Operation *) { return unsupported(op); });
  }

  ElementFunction::Impl &impl;
  llvm::DenseMap<Value, uint32_t> regs;
};

/// Runs blocks of a compiled body over a register file.
class Machine {
public:
  Machine(const ElementFunction::Impl &impl, EvalError *error)
      : impl(impl), regs(impl.numRegs), error(error) {}

  LogicalResult run(int blockIndex) {
    const CodeBlock &block = impl.blocks[blockIndex];
    for (const Instr &instr : block.instrs)
      if (failed(step(instr)))
        return failure();
    return success();
  }

  std::vector<PyValue> &registers() { return regs; }

private:
  LogicalResult fail(const Instr &instr, llvm::Error err) {
    if (error) {
      error->loc = instr.op->getLoc();
      error->message = llvm::toString(std::move(err));
    } else {
      llvm::consumeError(std::move(err));
    }
    return failure();
  }

  LogicalResult fail(const Instr &instr, const llvm::Twine &message) {
    return fail(instr, llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               message));
  }

  /// Stores `value` as the instruction's result, checking the static type.
  LogicalResult store(const Instr &instr, llvm::Expected<PyValue> value) {
    if (!value)
      return fail(instr, value.takeError());
    llvm::Expected<PyValue> typed = coerceToType(*value, instr.resultType);
    if (!typed)
      return fail(instr, typed.takeError());
    regs[instr.result] = std::move(*typed);
    return success();
  }

  const PyValue &operand(const Instr &instr, unsigned i) const {
    return regs[instr.operands[i]];
  }

  LogicalResult step(const Instr &instr) {
    switch (instr.opcode) {
    case Opcode::Constant:
      regs[instr.result] = instr.constant;
      return success();
    case Opcode::Binary:
      return store(instr, py::binary(static_cast<BinaryKind>(instr.sub),
                                     operand(instr, 0), operand(instr, 1)));
    case Opcode::Unary:
      return store(instr, py::unary(static_cast<UnaryKind>(instr.sub),
                                    operand(instr, 0)));
    case Opcode::Select:
      regs[instr.result] =
          py::truthy(operand(instr, 0)) ? operand(instr, 1) : operand(instr, 2);
      return success();
    case Opcode::Logic: {
      bool a = py::truthy(operand(instr, 0)), b = py::truthy(operand(instr, 1));
      bool r = instr.sub == 0 ? (a && b) : instr.sub == 1 ? (a || b) : (a != b);
      return store(instr, PyValue::boolean(r));
    }
    case Opcode::ToInt:
      return store(instr, py::unary(UnaryKind::Int, operand(instr, 0)));
    case Opcode::ToFloat:
      return store(instr, py::unary(UnaryKind::Float, operand(instr, 0)));
    case Opcode::Math: {
      double x = operand(instr, 0).toDouble();
      switch (static_cast<MathFn>(instr.sub)) {
      case MathFn::Floor:
        return store(instr, PyValue::real(std::floor(x)));
      case MathFn::Ceil:
        return store(instr, PyValue::real(std::ceil(x)));
      case MathFn::Sqrt:
        if (x < 0)
          return fail(instr, "ValueError: math domain error");
        return store(instr, PyValue::real(std::sqrt(x)));
      case MathFn::Exp:
        return store(instr, PyValue::real(std::exp(x)));
      case MathFn::Log:
        if (x <= 0)
          return fail(instr, "ValueError: math domain error");
        return store(instr, PyValue::real(std::log(x)));
      }
      return success();
    }
    case Opcode::Coerce:
      return store(instr, operand(instr, 0));
    case Opcode::Lookup: {
      PyValue key;
      if (instr.operands.size() == 1) {
        key = operand(instr, 0);
      } else {
        std::vector<PyValue> args;
        for (unsigned i = 0; i < instr.operands.size(); ++i)
          args.push_back(operand(instr, i));
        key = PyValue::tuple(std::move(args));
      }
      auto it = instr.table->find(key);
      if (it == instr.table->end())
        return fail(instr, "the function's table has no entry for these "
                           "arguments");
      regs[instr.result] = it->second;
      return success();
    }
    case Opcode::If: {
      bool cond = py::truthy(operand(instr, 0));
      int target = cond ? instr.thenBlock : instr.elseBlock;
      if (target < 0)
        return success();
      if (failed(run(target)))
        return failure();
      const CodeBlock &block = impl.blocks[target];
      for (auto [res, yielded] : llvm::zip(instr.results, block.yields))
        regs[res] = regs[yielded];
      return success();
    }
    }
    return success();
  }

  const ElementFunction::Impl &impl;
  std::vector<PyValue> regs;
  EvalError *error;
};
} // namespace

FailureOr<ElementFunction> ElementFunction::get(Region &body) {
  if (!body.hasOneBlock())
    return emitError(body.getLoc(), "element function must have one block");
  auto impl = std::make_shared<Impl>();
  Compiler compiler(*impl);
  mlir::Block &entry = body.front();
  for (BlockArgument arg : entry.getArguments()) {
    impl->argRegs.push_back(compiler.reg(arg));
    impl->argTypes.push_back(arg.getType());
  }
  if (failed(compiler.compileBlock(entry)))
    return failure();
  if (impl->blocks.front().yields.size() != 1)
    return emitError(body.getLoc(), "element function must yield one value");
  return ElementFunction(std::move(impl));
}

unsigned ElementFunction::getNumArguments() const {
  return impl->argRegs.size();
}

FailureOr<PyValue> ElementFunction::operator()(llvm::ArrayRef<PyValue> args,
                                               EvalError *error) const {
  Machine machine(*impl, error);
  std::vector<PyValue> &regs = machine.registers();
  for (auto [reg, type, arg] : llvm::zip(impl->argRegs, impl->argTypes, args)) {
    llvm::Expected<PyValue> v = coerceToType(arg, type);
    if (!v) {
      if (error) {
        error->loc = UnknownLoc::get(type.getContext());
        error->message = llvm::toString(v.takeError());
      } else {
        llvm::consumeError(v.takeError());
      }
      return failure();
    }
    regs[reg] = std::move(*v);
  }
  if (failed(machine.run(0)))
    return failure();
  return regs[impl->blocks.front().yields.front()];
}

std::string mlir::rasp::describeEvalFailure(const EvalError &error,
                                            llvm::ArrayRef<PyValue> args) {
  std::string text = error.message + " (evaluating on ";
  for (auto [i, arg] : llvm::enumerate(args)) {
    if (i)
      text += ", ";
    text += arg.repr();
  }
  return text + ")";
}
