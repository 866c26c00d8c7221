//===- Requantization.cpp - requantization multipliers --------------------===//
#include "qrcnn/Dialect/QNN/Requantization.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"

#include <cfenv>
#include <cmath>
#include <cstdio>

using namespace mlir;

namespace qrcnn::qnn {

std::optional<RequantMode> parseRequantMode(llvm::StringRef name) {
  if (name == "exact")
    return RequantMode::Exact;
  if (name == "fixed16")
    return RequantMode::Fixed16;
  if (name == "pow2")
    return RequantMode::Pow2;
  return std::nullopt;
}

llvm::StringRef stringifyRequantMode(RequantMode mode) {
  switch (mode) {
  case RequantMode::Exact:
    return "exact";
  case RequantMode::Fixed16:
    return "fixed16";
  case RequantMode::Pow2:
    return "pow2";
  }
  return "exact";
}

RequantMode getRequantMode(Operation *op) {
  auto module = isa<ModuleOp>(op) ? cast<ModuleOp>(op)
                                  : op->getParentOfType<ModuleOp>();
  if (!module)
    return RequantMode::Exact;
  if (auto name = module->getAttrOfType<StringAttr>(kRequantModeAttrName))
    if (std::optional<RequantMode> mode = parseRequantMode(name.getValue()))
      return *mode;
  return RequantMode::Exact;
}

void setRequantMode(Operation *module, RequantMode mode) {
  module->setAttr(kRequantModeAttrName,
                  StringAttr::get(module->getContext(),
                                  stringifyRequantMode(mode)));
}

int getMantissaBits(RequantMode mode) {
  switch (mode) {
  case RequantMode::Exact:
    return 31;
  case RequantMode::Fixed16:
    return 16;
  case RequantMode::Pow2:
    return 1;
  }
  return 31;
}

/// Every significant digit: the tiny and huge multipliers that are refused
/// would all read 0.000000 or as 31 digits in fixed notation.
static std::string formatMultiplier(double m) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", m);
  return text;
}

std::optional<rt::RequantParams>
computeRequantParams(double realMultiplier, RequantMode mode,
                     std::string *error) {
  auto fail = [&](const std::string &why) -> std::optional<rt::RequantParams> {
    if (error)
      *error = why;
    return std::nullopt;
  };
  if (!std::isfinite(realMultiplier) || !(realMultiplier > 0.0))
    return fail("requantization multiplier " + formatMultiplier(realMultiplier) +
                " is not finite and positive");
  int bits = getMantissaBits(mode);
  int exponent = 0;
  // realMultiplier = fraction * 2^exponent, fraction in [0.5, 1).
  double fraction = std::frexp(realMultiplier, &exponent);
  if (exponent < -31)
    return fail("requantization multiplier " + formatMultiplier(realMultiplier) +
                " underflows: below 2^-32 every value rounds to the zero point");
  if (exponent > 31)
    return fail("requantization multiplier " + formatMultiplier(realMultiplier) +
                " overflows: it must stay below 2^31");
  // Scaling by a power of two is exact; nearbyint rounds half to even in
  // the default rounding mode.
  int previous = std::fegetround();
  std::fesetround(FE_TONEAREST);
  double mantissa = std::nearbyint(std::ldexp(fraction, bits));
  std::fesetround(previous);
  int64_t multiplier = static_cast<int64_t>(mantissa);
  int64_t shift = bits - exponent;
  if (multiplier == (int64_t(1) << bits)) { // rounded up to the next power
    multiplier >>= 1;
    shift -= 1;
  }
  return rt::RequantParams{static_cast<int32_t>(multiplier),
                           static_cast<int32_t>(shift)};
}

} // namespace qrcnn::qnn
