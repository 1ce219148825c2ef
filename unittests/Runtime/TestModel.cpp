//===- TestModel.cpp - A small transformer in the calling convention -----===//

#include "TestModel.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::rasp::runtime::testing;

TestModel::TestModel(const TestModelShape &shape, unsigned seed)
    : shape(shape) {
  std::mt19937 rng(seed);
  // Small enough that activations stay O(1) through a few layers.
  std::uniform_int_distribution<int> sixteenths(-4, 4);
  auto draw = [&](int64_t n) {
    std::vector<float> values(n);
    for (float &v : values)
      v = sixteenths(rng) / 16.0f;
    return values;
  };
  const TestModelShape &s = shape;
  tokenEmbedding = draw(s.numTokenIds * s.width);
  positionEmbedding = draw(s.maxPositions * s.width);
  for (int64_t l = 0; l < s.layers; ++l) {
    TestLayer layer;
    if (s.attention) {
      layer.wq = draw(s.width * s.headWidth);
      layer.wk = draw(s.width * s.headWidth);
      layer.wv = draw(s.width * s.headWidth);
      layer.wo = draw(s.headWidth * s.width);
    }
    layer.w1 = draw(s.width * s.hidden);
    layer.b1 = draw(s.hidden);
    layer.w2 = draw(s.hidden * s.width);
    layer.b2 = draw(s.width);
    layers.push_back(std::move(layer));
  }
}

std::vector<const std::vector<float> *> TestModel::weightList() const {
  std::vector<const std::vector<float> *> list{&tokenEmbedding,
                                               &positionEmbedding};
  for (const TestLayer &l : layers) {
    if (shape.attention)
      for (const std::vector<float> *w : {&l.wq, &l.wk, &l.wv, &l.wo})
        list.push_back(w);
    for (const std::vector<float> *w : {&l.w1, &l.b1, &l.w2, &l.b2})
      list.push_back(w);
  }
  return list;
}

namespace {
/// Emits the IR text; `weight(i, type)` returns the constant's value text.
class Emitter {
public:
  Emitter(const TestModelShape &s, bool inlineWeights,
          std::vector<const std::vector<float> *> weights)
      : s(s), inlineWeights(inlineWeights), weights(std::move(weights)),
        os(text) {}

  std::string emit();

private:
  std::string constant(const std::string &type) {
    int index = nextWeight++;
    std::string name = "%w" + std::to_string(index);
    os << "    " << name << " = arith.constant ";
    if (inlineWeights) {
      os << "dense<\"0x";
      for (float v : *weights[index]) {
        auto bytes = reinterpret_cast<const unsigned char *>(&v);
        for (int i = 0; i < 4; ++i)
          os << llvm::format_hex_no_prefix(bytes[i], 2, /*Upper=*/true);
      }
      os << "\">";
    } else {
      os << "dense_resource<w" << index << ">";
    }
    os << " : " << type << "\n";
    return name;
  }
  std::string fresh(const char *stem) {
    return llvm::formatv("%{0}{1}", stem, counter++).str();
  }
  /// x (?xK) times w (KxN) into a fresh ?xN tensor.
  std::string matmul(const std::string &x, int64_t k, const std::string &w,
                     int64_t n) {
    std::string empty = fresh("e"), zero = fresh("z"), result = fresh("mm");
    os << llvm::formatv(
        "    {0} = tensor.empty(%M) : tensor<?x{3}xf32>\n"
        "    {1} = linalg.fill ins(%zero : f32) outs({0} : tensor<?x{3}xf32>) "
        "-> tensor<?x{3}xf32>\n"
        "    {2} = linalg.matmul ins({4}, {5} : tensor<?x{6}xf32>, "
        "tensor<{6}x{3}xf32>) outs({1} : tensor<?x{3}xf32>) -> "
        "tensor<?x{3}xf32>\n",
        empty, zero, result, n, x, w, k);
    return result;
  }
  /// Splits the rows of `x` (?xW) into batch x positions.
  std::string unflatten(const std::string &x, int64_t width) {
    std::string result = fresh("x3_");
    if (s.expandShape) {
      os << llvm::formatv("    {0} = tensor.expand_shape {1} [[0, 1], [2]] "
                          "output_shape [%B, %N, {2}] : tensor<?x{2}xf32> into "
                          "tensor<?x?x{2}xf32>\n",
                          result, x, width);
      return result;
    }
    std::string shape = fresh("shape");
    os << llvm::formatv(
        "    %c{0}_{1} = arith.constant {1} : index\n"
        "    {2} = tensor.from_elements %B, %N, %c{0}_{1} : tensor<3xindex>\n"
        "    {3} = tensor.reshape {4}({2}) : (tensor<?x{1}xf32>, "
        "tensor<3xindex>) -> tensor<?x?x{1}xf32>\n",
        counter++, width, shape, result, x);
    return result;
  }
  std::string attention(const std::string &x);
  std::string mlp(const std::string &x);

  const TestModelShape &s;
  bool inlineWeights;
  std::vector<const std::vector<float> *> weights;
  int nextWeight = 0, counter = 0;
  std::string text;
  llvm::raw_string_ostream os;
};
} // namespace

std::string Emitter::attention(const std::string &x) {
  int64_t d = s.width, h = s.headWidth;
  std::string wq = constant(llvm::formatv("tensor<{0}x{1}xf32>", d, h));
  std::string wk = constant(llvm::formatv("tensor<{0}x{1}xf32>", d, h));
  std::string wv = constant(llvm::formatv("tensor<{0}x{1}xf32>", d, h));
  std::string wo = constant(llvm::formatv("tensor<{0}x{1}xf32>", h, d));
  std::string heads[3];
  const std::string *ws[3] = {&wq, &wk, &wv};
  for (int i = 0; i < 3; ++i) {
    std::string flat = matmul(x, d, *ws[i], h);
    heads[i] = unflatten(flat, h);
  }
  std::string scores = fresh("scores"), masked = fresh("masked");
  std::string probs = fresh("probs");
  os << llvm::formatv(
      "    %se{0} = tensor.empty(%B, %N, %N) : tensor<?x?x?xf32>\n"
      "    %sz{0} = linalg.fill ins(%zero : f32) outs(%se{0} : "
      "tensor<?x?x?xf32>) -> tensor<?x?x?xf32>\n"
      "    {1} = linalg.generic {{indexing_maps = [affine_map<(b, i, j, c) -> "
      "(b, i, c)>, affine_map<(b, i, j, c) -> (b, j, c)>, affine_map<(b, i, "
      "j, c) -> (b, i, j)>], iterator_types = [\"parallel\", \"parallel\", "
      "\"parallel\", \"reduction\"]} ins({3}, {4} : tensor<?x?x{5}xf32>, "
      "tensor<?x?x{5}xf32>) outs(%sz{0} : tensor<?x?x?xf32>) {{\n"
      "    ^bb0(%q: f32, %k: f32, %acc: f32):\n"
      "      %qk = arith.mulf %q, %k : f32\n"
      "      %sum = arith.addf %acc, %qk : f32\n"
      "      linalg.yield %sum : f32\n"
      "    } -> tensor<?x?x?xf32>\n"
      "    {2} = linalg.generic {{indexing_maps = [affine_map<(b, i, j) -> (b, "
      "i, j)>, affine_map<(b, i, j) -> (b)>, affine_map<(b, i, j) -> (b, i, "
      "j)>], iterator_types = [\"parallel\", \"parallel\", \"parallel\"]} "
      "ins({1}, %lengths : tensor<?x?x?xf32>, tensor<?xi32>) outs(%se{0} : "
      "tensor<?x?x?xf32>) {{\n"
      "    ^bb0(%v: f32, %len: i32, %o: f32):\n"
      "      %i = linalg.index 1 : index\n"
      "      %j = linalg.index 2 : index\n"
      "      %l = arith.index_cast %len : i32 to index\n"
      "      %real = arith.cmpi ult, %j, %l : index\n",
      counter, scores, masked, heads[0], heads[1], h);
  if (s.causal)
    os << "      %past = arith.cmpi ule, %j, %i : index\n"
          "      %keep = arith.andi %real, %past : i1\n";
  else
    os << "      %keep = arith.andi %real, %real : i1\n";
  os << "      %scaled = arith.mulf %v, %scale : f32\n"
        "      %r = arith.select %keep, %scaled, %ninf : f32\n"
        "      linalg.yield %r : f32\n"
        "    } -> tensor<?x?x?xf32>\n";
  int id = counter++;
  if (s.softmaxOp) {
    os << llvm::formatv("    {0} = linalg.softmax dimension(2) ins({1} : "
                        "tensor<?x?x?xf32>) outs(%se{2} : tensor<?x?x?xf32>) "
                        "-> tensor<?x?x?xf32>\n",
                        probs, masked, id);
  } else {
    os << llvm::formatv(
        "    %re{0} = tensor.empty(%B, %N) : tensor<?x?xf32>\n"
        "    %mx0_{0} = linalg.fill ins(%ninf : f32) outs(%re{0} : "
        "tensor<?x?xf32>) -> tensor<?x?xf32>\n"
        "    %mx{0} = linalg.generic {{indexing_maps = [affine_map<(b, i, j) "
        "-> "
        "(b, i, j)>, affine_map<(b, i, j) -> (b, i)>], iterator_types = "
        "[\"parallel\", \"parallel\", \"reduction\"]} ins({1} : "
        "tensor<?x?x?xf32>) outs(%mx0_{0} : tensor<?x?xf32>) {{\n"
        "    ^bb0(%v: f32, %m: f32):\n"
        "      %r = arith.maximumf %v, %m : f32\n"
        "      linalg.yield %r : f32\n"
        "    } -> tensor<?x?xf32>\n"
        "    %ex{0} = linalg.generic {{indexing_maps = [affine_map<(b, i, j) "
        "-> "
        "(b, i, j)>, affine_map<(b, i, j) -> (b, i)>, affine_map<(b, i, j) -> "
        "(b, i, j)>], iterator_types = [\"parallel\", \"parallel\", "
        "\"parallel\"]} ins({1}, %mx{0} : tensor<?x?x?xf32>, "
        "tensor<?x?xf32>) outs(%se{3} : tensor<?x?x?xf32>) {{\n"
        "    ^bb0(%v: f32, %m: f32, %o: f32):\n"
        "      %d = arith.subf %v, %m : f32\n"
        "      %e = math.exp %d : f32\n"
        "      linalg.yield %e : f32\n"
        "    } -> tensor<?x?x?xf32>\n"
        "    %sum0_{0} = linalg.fill ins(%zero : f32) outs(%re{0} : "
        "tensor<?x?xf32>) -> tensor<?x?xf32>\n"
        "    %sum{0} = linalg.generic {{indexing_maps = [affine_map<(b, i, j) "
        "-> "
        "(b, i, j)>, affine_map<(b, i, j) -> (b, i)>], iterator_types = "
        "[\"parallel\", \"parallel\", \"reduction\"]} ins(%ex{0} : "
        "tensor<?x?x?xf32>) outs(%sum0_{0} : tensor<?x?xf32>) {{\n"
        "    ^bb0(%v: f32, %a: f32):\n"
        "      %r = arith.addf %v, %a : f32\n"
        "      linalg.yield %r : f32\n"
        "    } -> tensor<?x?xf32>\n"
        "    {2} = linalg.generic {{indexing_maps = [affine_map<(b, i, j) -> "
        "(b, i, j)>, affine_map<(b, i, j) -> (b, i)>, affine_map<(b, i, j) -> "
        "(b, i, j)>], iterator_types = [\"parallel\", \"parallel\", "
        "\"parallel\"]} ins(%ex{0}, %sum{0} : tensor<?x?x?xf32>, "
        "tensor<?x?xf32>) outs(%se{3} : tensor<?x?x?xf32>) {{\n"
        "    ^bb0(%e: f32, %t: f32, %o: f32):\n"
        "      %r = arith.divf %e, %t : f32\n"
        "      linalg.yield %r : f32\n"
        "    } -> tensor<?x?x?xf32>\n",
        id, masked, probs, id);
  }
  std::string mixed = fresh("mixed");
  os << llvm::formatv(
      "    %oe{0} = tensor.empty(%B, %N) : tensor<?x?x{1}xf32>\n"
      "    %oz{0} = linalg.fill ins(%zero : f32) outs(%oe{0} : "
      "tensor<?x?x{1}xf32>) -> tensor<?x?x{1}xf32>\n"
      "    %o{0} = linalg.batch_matmul ins({2}, {3} : tensor<?x?x?xf32>, "
      "tensor<?x?x{1}xf32>) outs(%oz{0} : tensor<?x?x{1}xf32>) -> "
      "tensor<?x?x{1}xf32>\n"
      "    {4} = tensor.collapse_shape %o{0} [[0, 1], [2]] : "
      "tensor<?x?x{1}xf32> into tensor<?x{1}xf32>\n",
      id, h, probs, heads[2], mixed);
  std::string out = matmul(mixed, h, wo, d);
  std::string sum = fresh("res");
  os << llvm::formatv(
      "    {0} = linalg.generic {{indexing_maps = [affine_map<(m, d) -> (m, "
      "d)>, affine_map<(m, d) -> (m, d)>, affine_map<(m, d) -> (m, d)>], "
      "iterator_types = [\"parallel\", \"parallel\"]} ins({1}, {2} : "
      "tensor<?x{3}xf32>, tensor<?x{3}xf32>) outs({2} : tensor<?x{3}xf32>) "
      "{{\n"
      "    ^bb0(%a: f32, %b: f32, %o: f32):\n"
      "      %r = arith.addf %a, %b : f32\n"
      "      linalg.yield %r : f32\n"
      "    } -> tensor<?x{3}xf32>\n",
      sum, x, out, d);
  return sum;
}

std::string Emitter::mlp(const std::string &x) {
  int64_t d = s.width, f = s.hidden;
  std::string w1 = constant(llvm::formatv("tensor<{0}x{1}xf32>", d, f));
  std::string b1 = constant(llvm::formatv("tensor<{0}xf32>", f));
  std::string w2 = constant(llvm::formatv("tensor<{0}x{1}xf32>", f, d));
  std::string b2 = constant(llvm::formatv("tensor<{0}xf32>", d));
  std::string pre = matmul(x, d, w1, f);
  std::string hidden = fresh("relu");
  os << llvm::formatv(
      "    {0} = linalg.generic {{indexing_maps = [affine_map<(m, f) -> (m, "
      "f)>, affine_map<(m, f) -> (f)>, affine_map<(m, f) -> (m, f)>], "
      "iterator_types = [\"parallel\", \"parallel\"]} ins({1}, {2} : "
      "tensor<?x{3}xf32>, tensor<{3}xf32>) outs({1} : tensor<?x{3}xf32>) {{\n"
      "    ^bb0(%a: f32, %b: f32, %o: f32):\n"
      "      %s = arith.addf %a, %b : f32\n"
      "      %r = arith.maximumf %s, %zero : f32\n"
      "      linalg.yield %r : f32\n"
      "    } -> tensor<?x{3}xf32>\n",
      hidden, pre, b1, f);
  std::string post = matmul(hidden, f, w2, d);
  std::string sum = fresh("res");
  os << llvm::formatv(
      "    {0} = linalg.generic {{indexing_maps = [affine_map<(m, d) -> (m, "
      "d)>, affine_map<(m, d) -> (m, d)>, affine_map<(m, d) -> (d)>, "
      "affine_map<(m, d) -> (m, d)>], iterator_types = [\"parallel\", "
      "\"parallel\"]} ins({1}, {2}, {3} : tensor<?x{4}xf32>, "
      "tensor<?x{4}xf32>, tensor<{4}xf32>) outs({2} : tensor<?x{4}xf32>) {{\n"
      "    ^bb0(%a: f32, %b: f32, %c: f32, %o: f32):\n"
      "      %s = arith.addf %a, %b : f32\n"
      "      %r = arith.addf %s, %c : f32\n"
      "      linalg.yield %r : f32\n"
      "    } -> tensor<?x{4}xf32>\n",
      sum, x, post, b2, d);
  return sum;
}

std::string Emitter::emit() {
  int64_t d = s.width, w = s.outputWidth;
  os << llvm::formatv(
      "func.func @model(%tokens: tensor<?x?xi32>, %lengths: tensor<?xi32>) "
      "-> tensor<?x?x{0}xf32> attributes {{rasp.max_positions = {1} : i64, "
      "rasp.num_token_ids = {2} : i64} {{\n"
      "    %c0 = arith.constant 0 : index\n"
      "    %c1 = arith.constant 1 : index\n"
      "    %zero = arith.constant 0.0 : f32\n"
      "    %ninf = arith.constant 0xFF800000 : f32\n"
      "    %scale = arith.constant {3:e} : f32\n"
      "    %B = tensor.dim %tokens, %c0 : tensor<?x?xi32>\n"
      "    %N = tensor.dim %tokens, %c1 : tensor<?x?xi32>\n",
      w, s.maxPositions, s.numTokenIds,
      1.0 / std::sqrt(static_cast<double>(s.headWidth)));
  std::string tok =
      constant(llvm::formatv("tensor<{0}x{1}xf32>", s.numTokenIds, d));
  std::string pos =
      constant(llvm::formatv("tensor<{0}x{1}xf32>", s.maxPositions, d));
  os << llvm::formatv(
      "    %emb_e = tensor.empty(%B, %N) : tensor<?x?x{0}xf32>\n"
      "    %emb = linalg.generic {{indexing_maps = [affine_map<(b, n, d) -> "
      "(b, "
      "n)>, affine_map<(b, n, d) -> (b, n, d)>], iterator_types = "
      "[\"parallel\", \"parallel\", \"parallel\"]} ins(%tokens : "
      "tensor<?x?xi32>) outs(%emb_e : tensor<?x?x{0}xf32>) {{\n"
      "    ^bb0(%t: i32, %o: f32):\n"
      "      %n = linalg.index 1 : index\n"
      "      %d = linalg.index 2 : index\n"
      "      %id = arith.index_cast %t : i32 to index\n"
      "      %te = tensor.extract {1}[%id, %d] : tensor<{3}x{0}xf32>\n"
      "      %pe = tensor.extract {2}[%n, %d] : tensor<{4}x{0}xf32>\n"
      "      %s = arith.addf %te, %pe : f32\n"
      "      linalg.yield %s : f32\n"
      "    } -> tensor<?x?x{0}xf32>\n"
      "    %x0 = tensor.collapse_shape %emb [[0, 1], [2]] : "
      "tensor<?x?x{0}xf32> into tensor<?x{0}xf32>\n"
      "    %M = tensor.dim %x0, %c0 : tensor<?x{0}xf32>\n",
      d, tok, pos, s.numTokenIds, s.maxPositions);
  std::string x = "%x0";
  for (int64_t l = 0; l < s.layers; ++l) {
    if (s.attention)
      x = attention(x);
    x = mlp(x);
  }
  x = unflatten(x, d);
  os << llvm::formatv(
      "    %out = tensor.extract_slice {0}[0, 0, {1}] [%B, %N, {2}] [1, 1, 1] "
      ": tensor<?x?x{3}xf32> to tensor<?x?x{2}xf32>\n"
      "    return %out : tensor<?x?x{2}xf32>\n"
      "}\n",
      x, d - w, w, d);
  return text;
}

std::string TestModel::toMLIR(bool inlineWeights) const {
  return Emitter(shape, inlineWeights, weightList()).emit();
}

void TestModel::attachWeights(ModuleOp module) const {
  std::vector<const std::vector<float> *> list = weightList();
  module.walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs()) {
      auto resource = dyn_cast<DenseResourceElementsAttr>(attr.getValue());
      if (!resource)
        continue;
      DenseResourceElementsHandle handle = resource.getRawHandle();
      unsigned index = std::stoi(handle.getKey().drop_front().str());
      handle.getResource()->setBlob(
          HeapAsmResourceBlob::allocateAndCopyInferAlign(
              llvm::ArrayRef<float>(*list[index])));
    }
  });
}

int64_t TestModel::getMatmulMacsPerPosition() const {
  const TestModelShape &s = shape;
  int64_t perLayer = 2 * s.width * s.hidden;
  if (s.attention)
    perLayer += 4 * s.width * s.headWidth;
  return perLayer * s.layers;
}

//===----------------------------------------------------------------------===//
// Reference
//===----------------------------------------------------------------------===//

/// out (rows x n) = x (rows x k) * w (k x n).
static std::vector<float> matmul(const std::vector<float> &x,
                                 const std::vector<float> &w, int64_t rows,
                                 int64_t k, int64_t n) {
  std::vector<float> out(rows * n, 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      float acc = 0.0f;
      for (int64_t c = 0; c < k; ++c)
        acc += x[r * k + c] * w[c * n + j];
      out[r * n + j] = acc;
    }
  return out;
}

std::vector<float> TestModel::reference(const std::vector<int32_t> &tokens,
                                        const std::vector<int32_t> &lengths,
                                        int64_t batch,
                                        int64_t positions) const {
  const TestModelShape &s = shape;
  int64_t d = s.width, h = s.headWidth, rows = batch * positions;
  std::vector<float> x(rows * d);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < d; ++c)
      x[r * d + c] = tokenEmbedding[tokens[r] * d + c] +
                     positionEmbedding[(r % positions) * d + c];
  float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(h)));
  for (const TestLayer &layer : layers) {
    if (s.attention) {
      std::vector<float> q = matmul(x, layer.wq, rows, d, h);
      std::vector<float> k = matmul(x, layer.wk, rows, d, h);
      std::vector<float> v = matmul(x, layer.wv, rows, d, h);
      std::vector<float> mixed(rows * h, 0.0f);
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t i = 0; i < positions; ++i) {
          // Keys the query may see: real positions, and not later ones when
          // causal.
          int64_t keys = lengths[b];
          if (s.causal)
            keys = std::min<int64_t>(keys, i + 1);
          std::vector<float> p(keys);
          float best = -INFINITY;
          for (int64_t j = 0; j < keys; ++j) {
            float dot = 0.0f;
            for (int64_t c = 0; c < h; ++c)
              dot += q[(b * positions + i) * h + c] *
                     k[(b * positions + j) * h + c];
            p[j] = dot * scale;
            best = std::max(best, p[j]);
          }
          float total = 0.0f;
          for (float &e : p)
            total += (e = std::exp(e - best));
          for (int64_t j = 0; j < keys; ++j)
            for (int64_t c = 0; c < h; ++c)
              mixed[(b * positions + i) * h + c] +=
                  p[j] / total * v[(b * positions + j) * h + c];
        }
      std::vector<float> out = matmul(mixed, layer.wo, rows, h, d);
      for (int64_t i = 0; i < rows * d; ++i)
        x[i] += out[i];
    }
    std::vector<float> hidden = matmul(x, layer.w1, rows, d, s.hidden);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t f = 0; f < s.hidden; ++f) {
        float &value = hidden[r * s.hidden + f];
        value = std::max(value + layer.b1[f], 0.0f);
      }
    std::vector<float> out = matmul(hidden, layer.w2, rows, s.hidden, d);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < d; ++c)
        x[r * d + c] += out[r * d + c] + layer.b2[c];
  }
  std::vector<float> result(rows * s.outputWidth);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < s.outputWidth; ++c)
      result[r * s.outputWidth + c] = x[r * d + d - s.outputWidth + c];
  return result;
}
