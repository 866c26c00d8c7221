//===- LoopsToEmitC.cpp - lowered loops to EmitC --------------------------===//
//
// MLIR 19 has --convert-{arith,scf,memref,func}-to-emitc, but run one after
// another they leave `memref` function arguments and index/size_t casts
// behind. Here the arith, memref and scf patterns and the func signature
// conversion share one type converter in a single conversion; func ops are
// then rewritten to emitc.func/call/return, which needs no type changes.
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Conversion/LoopsToEmitC.h"
#include "qrcnn/Conversion/Passes.h"

#include "mlir/Conversion/ArithToEmitC/ArithToEmitC.h"
#include "mlir/Conversion/FuncToEmitC/FuncToEmitC.h"
#include "mlir/Conversion/MemRefToEmitC/MemRefToEmitC.h"
#include "mlir/Conversion/SCFToEmitC/SCFToEmitC.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/EmitC/Transforms/TypeConversions.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qrcnn::qnn {
#define GEN_PASS_DEF_CONVERTLOOPSTOEMITC
#include "qrcnn/Dialect/QNN/ConversionPasses.h.inc"
} // namespace qrcnn::qnn

using namespace mlir;

namespace {

/// scf.for -> emitc.for whose bounds and induction variable take the
/// converted (size_t) type; iter_args become variables assigned at the end
/// of each iteration. MLIR 19's own pattern keeps `index` and leaves casts.
struct ForOpConversion : public OpConversionPattern<scf::ForOp> {
  ForOpConversion(const TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern(converter, ctx, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(scf::ForOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> variables;
    for (Value init : adaptor.getInitArgs()) {
      Value variable = rewriter.create<emitc::VariableOp>(
          loc, init.getType(), emitc::OpaqueAttr::get(op.getContext(), ""));
      rewriter.create<emitc::AssignOp>(loc, variable, init);
      variables.push_back(variable);
    }
    auto loop = rewriter.create<emitc::ForOp>(
        loc, adaptor.getLowerBound(), adaptor.getUpperBound(),
        adaptor.getStep());
    // Loop annotations (e.g. qnn.max_trip_count) stay readable for backends.
    for (NamedAttribute attr : op->getDiscardableAttrs())
      loop->setAttr(attr.getName(), attr.getValue());

    Block *body = op.getBody();
    TypeConverter::SignatureConversion signature(body->getNumArguments());
    signature.addInputs(0, loop.getInductionVar().getType());
    for (auto [index, variable] : llvm::enumerate(variables))
      signature.remapInput(index + 1, variable);
    Block *converted =
        rewriter.applySignatureConversion(body, signature, getTypeConverter());
    auto yield = cast<scf::YieldOp>(converted->getTerminator());
    rewriter.setInsertionPoint(yield);
    // Yielded values are often produced by ops not converted yet: ask for
    // their converted-type counterparts.
    SmallVector<Value> yielded;
    if (failed(rewriter.getRemappedValues(yield.getOperands(), yielded)))
      return failure();
    for (auto [variable, value] : llvm::zip(variables, yielded))
      rewriter.create<emitc::AssignOp>(loc, variable, value);
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(converted, loop.getBody()->getTerminator(),
                               loop.getInductionVar());
    rewriter.replaceOp(op, variables);
    return success();
  }
};

} // namespace

LogicalResult qrcnn::qnn::convertLoopsToEmitC(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  // memref.global -> emitc.global drops discardable attributes (e.g. the
  // quantized type of a weight a backend packs); put them back afterwards.
  llvm::StringMap<SmallVector<NamedAttribute>> globalAttrs;
  for (auto global : module.getOps<memref::GlobalOp>())
    globalAttrs[global.getSymName()] =
        llvm::to_vector(global->getDiscardableAttrs());

  TypeConverter converter;
  converter.addConversion([](Type type) { return type; });
  populateEmitCSizeTTypeConversions(converter);
  populateMemRefToEmitCTypeConversion(converter);

  ConversionTarget target(*ctx);
  target.addLegalDialect<emitc::EmitCDialect>();
  target.addIllegalDialect<arith::ArithDialect, memref::MemRefDialect,
                           scf::SCFDialect>();
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
    return converter.isSignatureLegal(op.getFunctionType()) &&
           converter.isLegal(&op.getBody());
  });
  target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
      [&](Operation *op) { return converter.isLegal(op); });

  RewritePatternSet patterns(ctx);
  populateArithToEmitCPatterns(converter, patterns);
  populateMemRefToEmitCConversionPatterns(patterns, converter);
  populateSCFToEmitCConversionPatterns(patterns); // scf.if
  patterns.add<ForOpConversion>(converter, ctx);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
  populateCallOpTypeConversionPattern(patterns, converter);
  if (failed(applyPartialConversion(module, target, std::move(patterns))))
    return failure();

  ConversionTarget funcTarget(*ctx);
  funcTarget.addLegalDialect<emitc::EmitCDialect>();
  funcTarget.addIllegalOp<func::FuncOp, func::CallOp, func::ReturnOp>();
  RewritePatternSet funcPatterns(ctx);
  populateFuncToEmitCPatterns(funcPatterns);
  if (failed(applyPartialConversion(module, funcTarget,
                                    std::move(funcPatterns))))
    return failure();

  // Materializations nobody reads (e.g. an index view of a converted loop
  // bound) are left over; anything else would not print as C++.
  WalkResult leftover = module.walk([](UnrealizedConversionCastOp cast) {
    if (!cast->use_empty())
      return WalkResult::interrupt();
    cast->erase();
    return WalkResult::advance();
  });
  if (leftover.wasInterrupted())
    return module.emitError("conversion to EmitC left a type cast that C++ "
                            "cannot express");

  for (auto global : module.getOps<emitc::GlobalOp>())
    for (const NamedAttribute &attr : globalAttrs.lookup(global.getSymName()))
      global->setAttr(attr.getName(), attr.getValue());
  return success();
}

namespace {
struct ConvertLoopsToEmitCPass
    : public qrcnn::qnn::impl::ConvertLoopsToEmitCBase<
          ConvertLoopsToEmitCPass> {
  void runOnOperation() override {
    if (failed(qrcnn::qnn::convertLoopsToEmitC(getOperation())))
      signalPassFailure();
  }
};
} // namespace
