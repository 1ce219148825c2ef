//===- PythonBridgeTest.cpp - The bridge raspc's native module uses -------===//
//
// raspc._raspc sees the compiler only through Bridge.h: programs written op
// by op with Python functions as tables over the value sets the builder
// answers, then interpreted, compiled and exported through the driver;
// failures come back as text, never as exceptions or aborts.
//
//===----------------------------------------------------------------------===//

#include "Bridge.h"

#include "gtest/gtest.h"

using namespace raspc;

namespace {

Value str(const char *s) {
  Value v;
  v.kind = Value::Kind::Str;
  v.str = s;
  return v;
}

Value integer(int64_t i) {
  Value v;
  v.kind = Value::Kind::Int;
  v.integer = i;
  return v;
}

Value tuple(std::vector<Value> items) {
  Value v;
  v.kind = Value::Kind::Tuple;
  v.items = std::move(items);
  return v;
}

std::unique_ptr<ProgramBuilder> makeBuilder(std::vector<Value> vocab,
                                            int64_t maxSeqLen = 4) {
  Parameters parameters;
  parameters.vocab = std::move(vocab);
  parameters.maxSeqLen = maxSeqLen;
  Outcome<std::unique_ptr<ProgramBuilder>> builder =
      ProgramBuilder::create("p", parameters);
  EXPECT_TRUE(builder.ok()) << builder.error;
  return std::move(*builder.value);
}

template <typename T>
T get(Outcome<T> outcome) {
  EXPECT_TRUE(outcome.ok()) << outcome.error;
  return std::move(*outcome.value);
}

/// Tabulates `f` over the value set of `input` into a map.
template <typename F>
int tabulate(ProgramBuilder &b, int input, F f, const std::string &label) {
  std::vector<Value> keys = get(b.valueSet(input)), results;
  for (const Value &key : keys)
    results.push_back(f(key));
  return get(b.mapTable(input, keys, results, label, Encoding::Categorical));
}

TEST(PythonBridge, TablesInterpretedAndCompiled) {
  std::unique_ptr<ProgramBuilder> b =
      makeBuilder({str("a"), str("b"), str("c")});
  int tokens = get(b->tokens("tokens", Encoding::Categorical));
  std::vector<Value> vocab = get(b->valueSet(tokens));
  ASSERT_EQ(vocab.size(), 3u);
  EXPECT_EQ(vocab[0].str, "a");
  // "is it an a?" as a table, then counted by a select on its values.
  int isA = tabulate(
      *b, tokens,
      [](const Value &v) {
        Value r;
        r.kind = Value::Kind::Bool;
        r.boolean = v.str == "a";
        return r;
      },
      "is_a");
  int select = get(b->select(isA, isA, Comparison::True, "all"));
  std::vector<Value> isAValues = get(b->valueSet(isA));
  EXPECT_EQ(isAValues.size(), 2u);
  std::vector<Value> pairs;
  std::vector<bool> selected;
  for (const Value &k : isAValues)
    for (const Value &q : isAValues) {
      pairs.push_back(tuple({k, q}));
      selected.push_back(k.boolean);
    }
  int keysThatAreA = get(b->selectTable(isA, isA, pairs, selected, "a_keys"));
  (void)select;
  int count =
      get(b->selectorWidth(keysThatAreA, "count_a", Encoding::Categorical));
  EXPECT_NE(b->print().find("rasp.table"), std::string::npos);
  std::shared_ptr<Program> program =
      get(ProgramBuilder::finish(std::move(b), count));

  std::vector<std::vector<int64_t>> inputs = {{0, 1, 0}, {2}};
  std::vector<RunResult> interpreted = program->interpret(inputs);
  ASSERT_EQ(interpreted.size(), 2u);
  ASSERT_TRUE(interpreted[0].succeeded) << interpreted[0].error;
  EXPECT_EQ(interpreted[0].values[2].integer, 2);
  EXPECT_EQ(interpreted[1].values[0].integer, 0);

  std::shared_ptr<Model> model = get(program->compile());
  BatchResult batch = model->run(inputs);
  ASSERT_EQ(batch.results.size(), 2u);
  for (size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_TRUE(batch.results[i].succeeded) << batch.results[i].error;
    ASSERT_EQ(batch.results[i].values.size(), inputs[i].size());
    for (size_t j = 0; j < inputs[i].size(); ++j)
      EXPECT_EQ(batch.results[i].values[j].integer,
                interpreted[i].values[j].integer);
  }
  EXPECT_NE(get(program->tensorIR()).find("func.func"), std::string::npos);
  Safetensors weights = get(program->safetensors());
  EXPECT_FALSE(weights.tensors.empty());
}

TEST(PythonBridge, TupleValues) {
  std::unique_ptr<ProgramBuilder> b = makeBuilder({integer(1), integer(2)}, 2);
  int tokens = get(b->tokens("tokens", Encoding::Categorical));
  int indices = get(b->indices("indices", Encoding::Categorical));
  std::vector<Value> keys, results;
  for (const Value &x : get(b->valueSet(tokens)))
    for (const Value &i : get(b->valueSet(indices))) {
      keys.push_back(tuple({x, i}));
      results.push_back(tuple({x, i}));
    }
  int pairs = get(b->sequenceMapTable(tokens, indices, keys, results, "pairs",
                                      Encoding::Categorical));
  std::vector<Value> set = get(b->valueSet(pairs));
  ASSERT_EQ(set.size(), 4u);
  EXPECT_EQ(set[0].kind, Value::Kind::Tuple);
  EXPECT_EQ(set[3].items[0].integer, 2);
  EXPECT_EQ(set[3].items[1].integer, 1);
  std::shared_ptr<Program> program =
      get(ProgramBuilder::finish(std::move(b), pairs));
  std::vector<RunResult> out = program->interpret({{1, 0}});
  ASSERT_TRUE(out[0].succeeded) << out[0].error;
  EXPECT_EQ(out[0].values[1].items[0].integer, 1);
  EXPECT_EQ(out[0].values[1].items[1].integer, 1);
}

TEST(PythonBridge, FailuresAreText) {
  std::unique_ptr<ProgramBuilder> b = makeBuilder({integer(1), integer(2)});
  int tokens = get(b->tokens("tokens", Encoding::Categorical));
  int select = get(b->select(tokens, tokens, Comparison::Eq, "same"));
  // A selector where an SOp belongs, an unknown handle.
  Outcome<int> wrong = b->selectorWidth(tokens, "w", Encoding::Categorical);
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error.find("expected a selector, got an SOp"),
            std::string::npos);
  EXPECT_FALSE(b->valueSet(select).ok());
  EXPECT_FALSE(b->valueSet(42).ok());
  // A numerical SOp of strings is refused at its label.
  Outcome<int> strings =
      b->mapTable(tokens, {integer(1), integer(2)}, {str("x"), str("y")},
                  "strings", Encoding::Numerical);
  ASSERT_FALSE(strings.ok());
  EXPECT_NE(strings.error.find("strings: error:"), std::string::npos);
  // A table missing a value its operand can hold: basis inference names
  // the op, and so does compiling the finished program.
  int partial = get(b->mapTable(tokens, {integer(1)}, {integer(10)}, "partial",
                                Encoding::Categorical));
  Outcome<std::vector<Value>> set = b->valueSet(partial);
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error.find("partial: error:"), std::string::npos);
  EXPECT_NE(set.error.find("no entry for these arguments"), std::string::npos);
  std::shared_ptr<Program> program =
      get(ProgramBuilder::finish(std::move(b), partial));
  Outcome<std::shared_ptr<Model>> model = program->compile();
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.error.find("partial: error:"), std::string::npos);
  // The interpreter fails on the input that reaches the missing entry only.
  std::vector<RunResult> out = program->interpret({{0}, {1}});
  EXPECT_TRUE(out[0].succeeded) << out[0].error;
  EXPECT_FALSE(out[1].succeeded);
  EXPECT_NE(out[1].error.find("partial"), std::string::npos) << out[1].error;
}

TEST(PythonBridge, BadInputsAreReported) {
  std::unique_ptr<ProgramBuilder> b = makeBuilder({str("a")}, 2);
  int tokens = get(b->tokens("tokens", Encoding::Categorical));
  std::shared_ptr<Program> program =
      get(ProgramBuilder::finish(std::move(b), tokens));
  std::vector<RunResult> out = program->interpret({{0, 0, 0}, {5}, {-1}});
  ASSERT_EQ(out.size(), 3u);
  for (const RunResult &r : out)
    EXPECT_FALSE(r.succeeded);
  Evaluation e = program->evaluate({0, 0, 0}, {0});
  EXPECT_FALSE(e.succeeded);
  EXPECT_FALSE(e.error.empty());
}

} // namespace
