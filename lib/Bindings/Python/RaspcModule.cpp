//===- RaspcModule.cpp - raspc._raspc, the native module ------------------===//
//
// pybind11 bindings of the bridge (Bridge.h): Python values in and out,
// failures as `raspc.errors.CompileError` (a ValueError) holding the
// diagnostics' text, the GIL released while the compiler works. This
// translation unit is compiled with exceptions, as pybind11 needs, and includes
// no LLVM or MLIR header. docs/Python.md says why the module binds the C++
// driver (through the bridge) rather than the C API.
//
//===----------------------------------------------------------------------===//

#include "Bridge.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

namespace py = pybind11;
using namespace raspc;

namespace {

/// What `raspc.errors.CompileError` is raised from.
struct CompileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

Value toValue(py::handle object) {
  Value v;
  if (object.is_none())
    return v;
  // bool before int: bool is a subclass of int.
  if (py::isinstance<py::bool_>(object)) {
    v.kind = Value::Kind::Bool;
    v.boolean = object.cast<bool>();
    return v;
  }
  if (py::isinstance<py::int_>(object)) {
    v.kind = Value::Kind::Int;
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(object.ptr(), &overflow);
    if (overflow)
      throw py::value_error("the int " + py::repr(object).cast<std::string>() +
                            " does not fit in 64 bits");
    v.integer = n;
    return v;
  }
  if (py::isinstance<py::float_>(object)) {
    v.kind = Value::Kind::Float;
    v.real = object.cast<double>();
    return v;
  }
  if (py::isinstance<py::str>(object)) {
    v.kind = Value::Kind::Str;
    v.str = object.cast<std::string>();
    return v;
  }
  if (py::isinstance<py::tuple>(object)) {
    v.kind = Value::Kind::Tuple;
    for (py::handle item : object)
      v.items.push_back(toValue(item));
    return v;
  }
  throw py::type_error(
      "the value " + py::repr(object).cast<std::string>() + " of type '" +
      std::string(py::str(object.get_type().attr("__name__"))) +
      "' is not a RASP value (None, bool, int, float, str or a tuple of them)");
}

py::object fromValue(const Value &v) {
  switch (v.kind) {
  case Value::Kind::None:
    return py::none();
  case Value::Kind::Bool:
    return py::bool_(v.boolean);
  case Value::Kind::Int:
    return py::int_(v.integer);
  case Value::Kind::Float:
    return py::float_(v.real);
  case Value::Kind::Str:
    return py::str(v.str);
  case Value::Kind::Tuple: {
    py::tuple out(v.items.size());
    for (size_t i = 0; i < v.items.size(); ++i)
      out[i] = fromValue(v.items[i]);
    return std::move(out);
  }
  }
  return py::none();
}

std::vector<Value> toValues(py::iterable objects) {
  std::vector<Value> out;
  for (py::handle object : objects)
    out.push_back(toValue(object));
  return out;
}

py::list fromValues(const std::vector<Value> &values) {
  py::list out;
  for (const Value &v : values)
    out.append(fromValue(v));
  return out;
}

template <typename T>
T unwrap(Outcome<T> outcome) {
  if (!outcome.ok())
    throw CompileError(outcome.error);
  return std::move(*outcome.value);
}

Encoding toEncoding(const std::string &name) {
  if (name == "categorical")
    return Encoding::Categorical;
  if (name == "numerical")
    return Encoding::Numerical;
  throw py::value_error("unknown encoding '" + name + "'");
}

Comparison toComparison(const std::string &name) {
  static const std::pair<const char *, Comparison> names[] = {
      {"EQ", Comparison::Eq},     {"LT", Comparison::Lt},
      {"LEQ", Comparison::Leq},   {"GT", Comparison::Gt},
      {"GEQ", Comparison::Geq},   {"NEQ", Comparison::Neq},
      {"TRUE", Comparison::True}, {"FALSE", Comparison::False}};
  for (const auto &[text, comparison] : names)
    if (name == text)
      return comparison;
  throw py::value_error("unknown comparison '" + name + "'");
}

std::vector<std::vector<int64_t>> toInputs(py::iterable inputs) {
  std::vector<std::vector<int64_t>> out;
  for (py::handle input : inputs)
    out.push_back(input.cast<std::vector<int64_t>>());
  return out;
}

py::dict fromRunResult(const RunResult &result) {
  py::dict out;
  out["ok"] = result.succeeded;
  out["values"] = fromValues(result.values);
  out["error"] = result.error;
  return out;
}

//===----------------------------------------------------------------------===//
// Builder
//===----------------------------------------------------------------------===//

/// The builder as Python holds it: spent once finished.
class PyBuilder {
public:
  PyBuilder(const std::string &name, Parameters parameters)
      : builder(unwrap(ProgramBuilder::create(name, parameters))) {}

  ProgramBuilder &get() {
    if (!builder)
      throw CompileError("the program is finished");
    return *builder;
  }

  std::shared_ptr<Program> finish(int output) {
    if (!builder)
      throw CompileError("the program is finished");
    return unwrap(ProgramBuilder::finish(std::move(builder), output));
  }

private:
  std::unique_ptr<ProgramBuilder> builder;
};

Parameters makeParameters(py::iterable vocab, int64_t maxSeqLen,
                          const std::string &bos, bool causal,
                          const std::string &compileOptions, bool optimize) {
  Parameters p;
  p.vocab = toValues(vocab);
  p.maxSeqLen = maxSeqLen;
  p.bos = bos;
  p.causal = causal;
  p.compileOptions = compileOptions;
  p.optimize = optimize;
  return p;
}

py::array_t<float> toArray(const Tensor &t) {
  std::vector<py::ssize_t> shape(t.shape.begin(), t.shape.end());
  py::array_t<float> out(shape);
  std::copy(t.data.begin(), t.data.end(), out.mutable_data());
  return out;
}

} // namespace

PYBIND11_MODULE(_raspc, m) {
  m.doc() = "The RASP compiler's native module (raspc.rasp and "
            "raspc.compiler use it; docs/Python.md).";
  // The pure-Python package's exception class, so that `except
  // raspc.errors.CompileError` catches the compiler's failures too. Held
  // for the life of the process (never released after finalization).
  static py::handle compileError =
      py::object(py::module_::import("raspc.errors").attr("CompileError"))
          .release();
  m.attr("CompileError") = compileError;
  m.def(
      "parse_vocab",
      [](const std::string &text, const std::string &type) {
        return fromValues(unwrap(parseVocab(text, type)));
      },
      py::arg("text"), py::arg("vocab_type") = "auto",
      "A comma-separated vocabulary as `rasp-run --vocab` reads it.");
  m.def(
      "read_vocab_file",
      [](const std::string &path, const std::string &type) {
        std::vector<Value> vocab;
        {
          py::gil_scoped_release release;
          vocab = unwrap(readVocabFile(path, type));
        }
        return fromValues(vocab);
      },
      py::arg("path"), py::arg("vocab_type") = "auto",
      "A vocabulary file (one token per line) as `rasp-run --vocab-file` "
      "reads it.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const CompileError &e) {
      PyErr_SetString(compileError.ptr(), e.what());
    }
  });

  py::class_<PyBuilder>(m, "ProgramBuilder")
      .def(py::init([](const std::string &name, py::iterable vocab,
                       int64_t maxSeqLen, const std::string &bos, bool causal,
                       const std::string &compileOptions, bool optimize) {
             return std::make_unique<PyBuilder>(
                 name, makeParameters(vocab, maxSeqLen, bos, causal,
                                      compileOptions, optimize));
           }),
           py::arg("name"), py::arg("vocab"), py::arg("max_seq_len"),
           py::arg("bos"), py::arg("causal"), py::arg("compile_options"),
           py::arg("optimize"))
      .def("tokens",
           [](PyBuilder &b, const std::string &label, const std::string &enc) {
             return unwrap(b.get().tokens(label, toEncoding(enc)));
           })
      .def("indices",
           [](PyBuilder &b, const std::string &label, const std::string &enc) {
             return unwrap(b.get().indices(label, toEncoding(enc)));
           })
      .def("full",
           [](PyBuilder &b, py::handle fill, const std::string &label,
              const std::string &enc) {
             return unwrap(b.get().full(toValue(fill), label, toEncoding(enc)));
           })
      .def("map_table",
           [](PyBuilder &b, int input, py::iterable keys, py::iterable results,
              const std::string &label, const std::string &enc) {
             return unwrap(b.get().mapTable(input, toValues(keys),
                                            toValues(results), label,
                                            toEncoding(enc)));
           })
      .def("sequence_map_table",
           [](PyBuilder &b, int lhs, int rhs, py::iterable keys,
              py::iterable results, const std::string &label,
              const std::string &enc) {
             return unwrap(b.get().sequenceMapTable(lhs, rhs, toValues(keys),
                                                    toValues(results), label,
                                                    toEncoding(enc)));
           })
      .def("linear_sequence_map",
           [](PyBuilder &b, int lhs, int rhs, double a, double c,
              const std::string &label, const std::string &enc) {
             return unwrap(b.get().linearSequenceMap(lhs, rhs, a, c, label,
                                                     toEncoding(enc)));
           })
      .def("select",
           [](PyBuilder &b, int keys, int queries, const std::string &cmp,
              const std::string &label) {
             return unwrap(
                 b.get().select(keys, queries, toComparison(cmp), label));
           })
      .def("select_table",
           [](PyBuilder &b, int keys, int queries, py::iterable pairs,
              std::vector<bool> selected, const std::string &label) {
             return unwrap(b.get().selectTable(keys, queries, toValues(pairs),
                                               selected, label));
           })
      .def("selector_and",
           [](PyBuilder &b, int x, int y, const std::string &label) {
             return unwrap(b.get().selectorAnd(x, y, label));
           })
      .def("selector_or",
           [](PyBuilder &b, int x, int y, const std::string &label) {
             return unwrap(b.get().selectorOr(x, y, label));
           })
      .def("selector_not",
           [](PyBuilder &b, int x, const std::string &label) {
             return unwrap(b.get().selectorNot(x, label));
           })
      .def("aggregate",
           [](PyBuilder &b, int selector, int input, py::handle def,
              const std::string &label, const std::string &enc) {
             std::optional<Value> value;
             if (!def.is_none())
               value = toValue(def);
             return unwrap(b.get().aggregate(selector, input, value, label,
                                             toEncoding(enc)));
           })
      .def("selector_width",
           [](PyBuilder &b, int selector, const std::string &label,
              const std::string &enc) {
             return unwrap(
                 b.get().selectorWidth(selector, label, toEncoding(enc)));
           })
      .def("value_set",
           [](PyBuilder &b, int sop) {
             Outcome<std::vector<Value>> set = [&] {
               py::gil_scoped_release release;
               return b.get().valueSet(sop);
             }();
             return fromValues(unwrap(std::move(set)));
           })
      .def("print", [](PyBuilder &b) { return b.get().print(); })
      .def("finish", [](PyBuilder &b, int output) { return b.finish(output); });

  py::class_<Program, std::shared_ptr<Program>>(m, "Program")
      .def_property_readonly("numerical", &Program::isNumerical)
      .def("print", &Program::print)
      .def("interpret",
           [](Program &p, py::iterable inputs) {
             std::vector<std::vector<int64_t>> ids = toInputs(inputs);
             std::vector<RunResult> results;
             {
               py::gil_scoped_release release;
               results = p.interpret(ids);
             }
             py::list out;
             for (const RunResult &r : results)
               out.append(fromRunResult(r));
             return out;
           })
      .def(
          "evaluate",
          [](Program &p, std::vector<int64_t> input, std::vector<int> handles) {
            Evaluation e;
            {
              py::gil_scoped_release release;
              e = p.evaluate(input, handles);
            }
            if (!e.succeeded)
              throw CompileError(e.error);
            py::list out;
            for (size_t i = 0; i < handles.size(); ++i) {
              if (!e.isSelector[i]) {
                out.append(fromValues(e.values[i]));
                continue;
              }
              py::list rows;
              for (const std::vector<bool> &row : e.selections[i])
                rows.append(py::cast(row));
              out.append(rows);
            }
            return out;
          })
      .def("compile",
           [](Program &p) {
             Outcome<std::shared_ptr<Model>> model = [&] {
               py::gil_scoped_release release;
               return p.compile();
             }();
             return unwrap(std::move(model));
           })
      .def("tensor_ir",
           [](Program &p) {
             Outcome<std::string> text = [&] {
               py::gil_scoped_release release;
               return p.tensorIR();
             }();
             return unwrap(std::move(text));
           })
      .def("model_stats",
           [](Program &p, bool json) {
             Outcome<std::string> text = [&] {
               py::gil_scoped_release release;
               return p.modelStats(json);
             }();
             return unwrap(std::move(text));
           })
      .def("safetensors",
           [](Program &p) {
             Outcome<Safetensors> file = [&] {
               py::gil_scoped_release release;
               return p.safetensors();
             }();
             Safetensors weights = unwrap(std::move(file));
             py::dict tensors, metadata;
             for (const Tensor &t : weights.tensors) {
               if (t.isBool) {
                 std::vector<py::ssize_t> shape(t.shape.begin(), t.shape.end());
                 py::array_t<bool> a(shape);
                 std::copy(t.bits.begin(), t.bits.end(), a.mutable_data());
                 tensors[py::str(t.name)] = a;
               } else {
                 tensors[py::str(t.name)] = toArray(t);
               }
             }
             for (const auto &[key, value] : weights.metadata)
               metadata[py::str(key)] = value;
             return py::make_tuple(tensors, metadata);
           })
      .def("write_safetensors",
           [](Program &p, const std::string &path, bool overwrite) {
             Outcome<bool> done = [&] {
               py::gil_scoped_release release;
               return p.writeSafetensors(path, overwrite);
             }();
             unwrap(std::move(done));
           })
      .def("write_report",
           [](Program &p, const std::string &path, py::iterable inputs) {
             std::vector<std::vector<int64_t>> ids = toInputs(inputs);
             Outcome<bool> done = [&] {
               py::gil_scoped_release release;
               return p.writeReport(path, ids);
             }();
             unwrap(std::move(done));
           });

  py::class_<Model, std::shared_ptr<Model>>(m, "Model")
      .def_property_readonly("categorical", &Model::isCategorical)
      .def_property_readonly(
          "output_values",
          [](const Model &model) { return fromValues(model.outputValues()); })
      .def("run",
           [](Model &model, py::iterable inputs) {
             std::vector<std::vector<int64_t>> ids = toInputs(inputs);
             BatchResult batch;
             {
               py::gil_scoped_release release;
               batch = model.run(ids);
             }
             py::list results;
             for (size_t i = 0; i < batch.results.size(); ++i) {
               py::dict r = fromRunResult(batch.results[i]);
               const std::vector<float> &vectors = i < batch.vectors.size()
                                                       ? batch.vectors[i]
                                                       : std::vector<float>();
               py::ssize_t width = batch.width;
               py::ssize_t rows = width ? vectors.size() / width : 0;
               py::array_t<float> a({rows, width});
               std::copy(vectors.begin(), vectors.begin() + rows * width,
                         a.mutable_data());
               r["vectors"] = a;
               results.append(r);
             }
             return results;
           })
      .def("trace", [](Model &model, py::iterable inputs) {
        std::vector<std::vector<int64_t>> ids = toInputs(inputs);
        std::vector<Outcome<std::string>> docs;
        {
          py::gil_scoped_release release;
          docs = model.trace(ids);
        }
        py::list out;
        for (const Outcome<std::string> &doc : docs) {
          py::dict d;
          d["ok"] = doc.ok();
          d["document"] = doc.ok() ? *doc.value : std::string();
          d["error"] = doc.error;
          out.append(d);
        }
        return out;
      });
}
