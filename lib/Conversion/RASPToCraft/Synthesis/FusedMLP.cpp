//===- FusedMLP.cpp - One MLP for a function of several inputs ------------===//
//
// The units of a fused MLP: contexts and gates, lookups, steps along a
// projection. Construction: docs/Fusion.md; constants: docs/exactness.md,
// section 6. Error analysis and assembly: FusedBounds.cpp.
//
//===----------------------------------------------------------------------===//

#include "RaspDialect/Conversion/RASPToCraft/Synthesis/FusedMLP.h"
#include "FusedSynthesizer.h"

#include <cmath>
#include <iterator>
#include <map>
#include <numeric>

using namespace mlir;
using namespace mlir::craft;
using namespace mlir::craft::synth;
using namespace mlir::craft::synth::fused;

/// Appends `from`'s units to `to` by moving them (append_range copies).
static void moveAppend(Units &to, Units &from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()),
            std::make_move_iterator(from.end()));
}

double mlir::craft::synth::dotProductBound(int64_t terms, double absSum) {
  // Weights are rounded to float32 as well: one more rounding per term.
  double u = std::ldexp(1.0, -24), k = static_cast<double>(terms + 2);
  return k * u / (1 - k * u) * absSum;
}

//===----------------------------------------------------------------------===//
// Gates
//===----------------------------------------------------------------------===//

int64_t Synthesizer::numGated(const GateSets &gates) const {
  return llvm::count_if(gates, [](const auto &s) { return !s.empty(); });
}

double Synthesizer::gateNoise(const GateSets &gates) const {
  double noise = 0;
  for (size_t j = 0; j < k; ++j)
    noise += static_cast<double>(gates[j].size()) * fn.categorical[j].error;
  return noise;
}

void Synthesizer::addGate(Unit &u, const GateSets &gates, double b) const {
  for (size_t j = 0; j < k; ++j)
    for (int32_t v : gates[j])
      u.catWeights.push_back({fn.categorical[j].offset + v, b});
  llvm::sort(u.catWeights);
  u.oneWeight -= b * static_cast<double>(numGated(gates));
}

llvm::Error Synthesizer::contextIndicator(const GateSets &gates,
                                          const SparseVector &out,
                                          Units &units) const {
  if (out.empty())
    return llvm::Error::success();
  int64_t g = numGated(gates);
  if (g == 0) {
    // ReLU(one - 2 bos): 1 everywhere but BOS.
    Unit u = newUnit();
    u.oneWeight = 1;
    u.bosWeight = -2;
    u.out = out;
    units.push_back(std::move(u));
    return llvm::Error::success();
  }
  double noise = gateNoise(gates);
  if (noise == 0) {
    // ReLU(sum of the gate sums - (g - 1)): 1 iff every gate is open.
    Unit u = newUnit();
    addGate(u, gates, 1.0);
    u.oneWeight += 1;
    u.out = out;
    units.push_back(std::move(u));
    return llvm::Error::success();
  }
  // clamp(2 s - 2 g + 3/2) of the gate sums s: both units on, or both off,
  // for a gate noise below 1/4 (docs/exactness.md, 3.4).
  if (noise >= 0.25)
    return llvm::createStringError(
        "a categorical input is too noisy to be read exactly");
  for (int unit = 0; unit < 2; ++unit) {
    Unit u = newUnit();
    addGate(u, gates, 2.0);
    u.oneWeight += 1.5 - unit;
    u.out = unit ? addSparse({}, out, -1.0) : out;
    u.paired = true;
    u.pairFirst = unit == 0;
    units.push_back(std::move(u));
  }
  return llvm::Error::success();
}

double Synthesizer::gateWeight(const Unit &u) const {
  return std::max({0.0, maxPreOnDomain(u), maxPreAtBos(u)}) + 1;
}

llvm::Expected<double>
Synthesizer::gateOrSwitchOff(Unit &u, const GateSets &gates, double b) const {
  if (numGated(gates) == 0) {
    // docs/exactness.md (1.2): off with margin 1 at BOS.
    double atBos = maxPreAtBos(u);
    if (atBos > -1)
      u.bosWeight = -(atBos + 1);
    return 0.0;
  }
  // Outside the context a gate sum is 0: the pre-activation drops by at
  // least b, below -1 (categorical inputs are 0 at BOS, so BOS too).
  double noise = b * gateNoise(gates);
  if (noise >= 0.5)
    return llvm::createStringError(
        "a categorical input is too noisy to gate a numerical unit");
  addGate(u, gates, b);
  return noise;
}

//===----------------------------------------------------------------------===//
// Units
//===----------------------------------------------------------------------===//

llvm::Error Synthesizer::lookupUnits(const std::vector<Group> &groups,
                                     Units &units) const {
  // One exact categorical input and a numerical output: a positive and a
  // negative unit carrying the values (Tracr clips negatives, issue #24).
  if (k == 1 && fn.numericalOutput && fn.categorical[0].error == 0 &&
      llvm::all_of(groups,
                   [](const Group &g) { return !g.gates[0].empty(); })) {
    Unit pos = newUnit(), neg = newUnit();
    for (const Group &g : groups) {
      const SparseVector &out = fn.outputs[g.points.front()];
      if (out.empty())
        continue;
      double v = out.front().second;
      for (int32_t value : g.gates[0])
        (v > 0 ? pos : neg)
            .catWeights.push_back(
                {fn.categorical[0].offset + value, std::abs(v)});
    }
    for (Unit *u : {&pos, &neg}) {
      if (u->catWeights.empty())
        continue;
      llvm::sort(u->catWeights);
      u->out = {{0, u == &pos ? 1.0 : -1.0}};
      units.push_back(std::move(*u));
    }
    return llvm::Error::success();
  }
  // One categorical input: a unit per output reading every value that
  // produces it (Tracr's lookup table). Several: a unit per group.
  if (k == 1) {
    std::map<SparseVector, std::vector<int32_t>> byOutput;
    for (const Group &g : groups) {
      const SparseVector &out = fn.outputs[g.points.front()];
      if (g.gates[0].empty()) {
        if (llvm::Error e = contextIndicator(g.gates, out, units))
          return e;
        continue;
      }
      llvm::append_range(byOutput[out], g.gates[0]);
    }
    for (auto &[out, values] : byOutput) {
      llvm::sort(values);
      if (llvm::Error e = contextIndicator({values}, out, units))
        return e;
    }
    return llvm::Error::success();
  }
  for (const Group &g : groups)
    if (llvm::Error e =
            contextIndicator(g.gates, fn.outputs[g.points.front()], units))
      return e;
  return llvm::Error::success();
}

llvm::Error Synthesizer::affineUnits(const Group &group, double alpha,
                                     double beta, Units &units,
                                     std::vector<Layout> &layouts) const {
  // alpha x + beta = ReLU(alpha x) - ReLU(-alpha x) + beta, exact for every
  // x, not only the readings.
  Units out;
  if (llvm::Error e = contextIndicator(
          group.gates, beta == 0 ? SparseVector() : SparseVector{{0, beta}},
          out))
    return e;
  for (double sign : {1.0, -1.0}) {
    Unit u = newUnit();
    u.lambda[0] = sign * alpha;
    u.out = {{0, sign}};
    llvm::Expected<double> noise =
        gateOrSwitchOff(u, group.gates, gateWeight(u));
    if (!noise)
      return noise.takeError();
    out.push_back(std::move(u));
  }
  Layout layout;
  layout.group = &group;
  layout.affine = true;
  layout.begin = units.size();
  layout.baseEnd = layout.end = units.size() + out.size();
  layouts.push_back(std::move(layout));
  moveAppend(units, out);
  return llvm::Error::success();
}

llvm::Error Synthesizer::stepUnits(const Group &group,
                                   const Projection &projection, Units &units,
                                   std::vector<Layout> &layouts) const {
  const std::vector<Run> &runs = projection.runs;
  double zmin = runs.front().zlo, zmax = runs.back().zhi;
  SparseVector base = *runs.front().out;
  Units steps;
  Layout layout;
  layout.group = &group;
  layout.coefficients = projection.coefficients;
  layout.byZ = projection.byZ;
  for (size_t r = 1; r < runs.size(); ++r) {
    const Run &below = runs[r - 1], &above = runs[r];
    double gap = above.zlo - below.zhi;
    double t = below.zhi + gap / 2;
    double a = static_cast<float>(rampSlope(options, gap));
    SparseVector delta = addSparse(*above.out, *below.out, -1.0);
    // docs/exactness.md (3.2): units active on the shorter side. The step
    // clamp(a (z - t) + 1/2) adds delta; its mirror 1 - step, with units
    // active below the ramp, subtracts it and the base carries it.
    bool down = (t - zmin) < (zmax - t);
    double sign = down ? -1.0 : 1.0;
    if (down)
      base = addSparse(base, delta, 1.0);
    SparseVector written = down ? addSparse({}, delta, -1.0) : delta;
    Unit pair[2];
    for (int unit = 0; unit < 2; ++unit) {
      Unit &u = pair[unit] = newUnit();
      for (size_t i = 0; i < m; ++i)
        u.lambda[i] = sign * a * projection.coefficients[i];
      u.oneWeight = -sign * a * t + (unit ? -0.5 : 0.5);
      u.out = unit ? addSparse({}, written, -1.0) : written;
      u.paired = true;
      u.pairFirst = unit == 0;
    }
    // Both units get the gate weight of the upper one, so their input
    // weights stay identical and input noise cancels in their difference.
    double b = gateWeight(pair[0]);
    llvm::Expected<double> gate = gateOrSwitchOff(pair[0], group.gates, b);
    if (!gate)
      return gate.takeError();
    if (llvm::Error e = gateOrSwitchOff(pair[1], group.gates, b).takeError())
      return e;
    // docs/exactness.md (6.2): at the runs next to the ramp the upper
    // unit's pre-activation is -(a gap/2 - 1/2) and 1 + (a gap/2 - 1/2);
    // the noise of the inputs and gates and the rounding must stay below
    // that margin, so both units are off, or both on, at every point.
    // With one feature, a reading's error relative to its own magnitude
    // only needs the margin at the runs next to the ramp: further away the
    // distance to the ramp grows faster than the error (exactness.md 6.2).
    double noise = m == 1 ? stepNoise(pair[0], below.pointHi, above.pointLo)
                          : numericalNoise(pair[0]);
    double err = noise + *gate;
    for (int64_t p : {below.pointHi, above.pointLo})
      err = std::max(err, noise + *gate +
                              std::max(roundingAllowance(pair[0], p),
                                       roundingAllowance(pair[1], p)));
    double margin = a * gap / 2 - 0.5;
    // Written so that a NaN (values that coincide in double, an infinite
    // slope) refuses too; an explicit slope skips only the noise check.
    bool separable = gap > 0 && std::isfinite(a) && std::isfinite(margin);
    if (!separable || (options.mlpSlope <= 0 && !(err < margin))) {
      std::string lo = rasp::PyValue::real(below.zhi).repr();
      std::string hi = rasp::PyValue::real(above.zlo).repr();
      if (m == 1)
        return llvm::createStringError(
            "the values " + lo + " and " + hi +
            " must map to different outputs but are too close to be told "
            "apart in float32");
      return llvm::createStringError(
          "input combinations with different outputs project to " + lo +
          " and " + hi + ", too close to be told apart in float32");
    }
    layout.steps.push_back({steps.size(), t, sign, a});
    steps.push_back(std::move(pair[0]));
    steps.push_back(std::move(pair[1]));
  }
  Units out;
  if (llvm::Error e = contextIndicator(group.gates, base, out))
    return e;
  layout.begin = units.size();
  layout.baseEnd = units.size() + out.size();
  layout.end = layout.baseEnd + steps.size();
  for (StepInfo &step : layout.steps)
    step.unit += layout.baseEnd;
  layouts.push_back(std::move(layout));
  moveAppend(out, steps);
  moveAppend(units, out);
  return llvm::Error::success();
}

llvm::Error Synthesizer::groupUnits(const Group &group, Units &units,
                                    std::vector<Layout> &layouts) const {
  // A numerical output affine in a single feature.
  if (fn.numericalOutput && m == 1) {
    std::vector<std::pair<double, double>> xy;
    for (int64_t p : group.points) {
      const SparseVector &o = fn.outputs[p];
      xy.push_back({reading(p, 0), o.empty() ? 0.0 : o.front().second});
    }
    llvm::sort(xy);
    xy.erase(std::unique(xy.begin(), xy.end()), xy.end());
    std::vector<double> xs, ys;
    for (auto [x, y] : xy) {
      xs.push_back(x);
      ys.push_back(y);
    }
    // Equal readings with different outputs make xs non-distinct: the
    // fit's check then fails (or is not finite) and we step instead.
    if (xs.size() >= 2 && xs.front() != xs.back())
      if (auto affine = fitAffine(xs, ys); affine && affine->first != 0)
        return affineUnits(group, affine->first, affine->second, units,
                           layouts);
  }
  std::vector<Projection> candidates =
      candidateProjections(fn, outId, group.points);
  // A projection with r runs takes a pair of units per step between them;
  // the candidates come fewest runs first, so none fits once the first
  // does not (decoders of factorised selector widths at large N).
  if (maxHidden > 0 && !candidates.empty() &&
      static_cast<int64_t>(
          units.size() + 2 * (candidates.front().runs.size() - 1)) > maxHidden)
    return llvm::createStringError("the fused MLP needs more than " +
                                   std::to_string(maxHidden) + " units");
  llvm::Error last = llvm::Error::success();
  for (const Projection &p : candidates) {
    llvm::consumeError(std::move(last));
    last = stepUnits(group, p, units, layouts);
    if (!last)
      return llvm::Error::success();
  }
  return last;
}

llvm::Expected<FusedMLP> Synthesizer::run() {
  if (llvm::Error e = checkTable())
    return std::move(e);
  std::vector<Group> groups = buildGroups();
  Units units;
  std::vector<Layout> layouts;
  if (m == 0) {
    if (llvm::Error e = lookupUnits(groups, units))
      return std::move(e);
  } else {
    for (const Group &g : groups) {
      if (llvm::Error e = groupUnits(g, units, layouts))
        return std::move(e);
      if (maxHidden > 0 && static_cast<int64_t>(units.size()) > maxHidden)
        break;
    }
  }
  if (maxHidden > 0 && static_cast<int64_t>(units.size()) > maxHidden)
    return llvm::createStringError("the fused MLP needs more than " +
                                   std::to_string(maxHidden) + " units");
  FusedMLP result;
  result.block = assemble(units);
  result.outputError = outputErrorBound(units, layouts);
  if (pointwise) {
    std::vector<int64_t> points(fn.numPoints());
    std::iota(points.begin(), points.end(), 0);
    result.pointwiseError = pointwiseBound(units, points, nullptr);
  }
  return result;
}

llvm::Expected<FusedMLP>
mlir::craft::synth::synthesizeFused(const FusedFunction &fn,
                                    const SynthesisOptions &options,
                                    int64_t maxHidden, bool pointwise) {
  return Synthesizer(fn, options, maxHidden, pointwise).run();
}
