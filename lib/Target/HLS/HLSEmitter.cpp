//===- HLSEmitter.cpp - printing the Vitis HLS project of a plan ----------===//
//
// A hand-made printer rather than MLIR's EmitC, because what an HLS engineer
// writes for this hardware is outside what EmitC in MLIR 19 expresses:
// member calls on stream objects (`in.read()`, `out.write(px)`), `#pragma
// HLS` lines placed inside pipelined and unrolled loop bodies (EmitC's
// verbatim op cannot be anchored robustly inside the loops its converters
// create), function-local `static const` arrays carrying storage pragmas,
// struct-typed stream elements, and a DATAFLOW region of stage calls on
// stream locals. The decisions are all in the plan (HLSPlan.h); this file
// only prints them, one function per stage, and fills the templates of the
// fixed files (testbench, tcl, Makefile, README).
//
//===----------------------------------------------------------------------===//
#include "qrcnn/Target/HLS/HLSEmitter.h"

#include "qrcnn/Dialect/QNN/QNNOps.h"
#include "qrcnn/Dialect/QNN/QuantTypeUtils.h"
#include "qrcnn/Dialect/QNN/Requantization.h"
#include "qrcnn/Target/Emission.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cstdio>
#include <cstring>
#include <set>

using namespace mlir;
using namespace qrcnn::qnn;

namespace qrcnn::hls {
namespace {

// kHlsTemplates[] = {{"model.h.in", ...}, ...} (lib/Target/HLS/templates).
#include "qrcnn/Target/HLS/Templates.inc"

StringRef getTemplate(StringRef path) {
  for (const target::EmbeddedFile &file : kHlsTemplates)
    if (file.path == path)
      return file.contents;
  llvm::report_fatal_error("missing HLS template " + path);
}

/// C spelling of a float constant that reads back as the same float.
std::string floatLiteral(double value) {
  char buffer[32];
  snprintf(buffer, sizeof buffer, "%.9g",
           static_cast<double>(static_cast<float>(value)));
  std::string text = buffer;
  if (!StringRef(text).contains_insensitive('e') &&
      !StringRef(text).contains('.'))
    text += ".0";
  return text + "f";
}

/// Stored integers of a qnn.constant (dense or dense_resource).
LogicalResult readIntegers(Value value, std::vector<int64_t> &out) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return failure();
  quant::QuantizedType q = getQuantElementType(value.getType());
  bool isSigned = q ? q.isSigned() : true;
  ElementsAttr attr = constant.getValue();
  auto intType = dyn_cast<IntegerType>(attr.getShapedType().getElementType());
  if (!intType)
    return constant.emitOpError("the hls target needs integer constants");
  out.clear();
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    for (const APInt &v : dense.getValues<APInt>())
      out.push_back(isSigned ? v.getSExtValue() : v.getZExtValue());
    return success();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    unsigned width = intType.getWidth();
    if (!blob || (width != 8 && width != 16 && width != 32))
      return constant.emitOpError("cannot read this dense_resource constant");
    ArrayRef<char> data = blob->getData();
    size_t bytes = width / 8;
    int64_t count = attr.getShapedType().getNumElements();
    if (static_cast<int64_t>(data.size()) != count * static_cast<int64_t>(bytes))
      return constant.emitOpError("dense_resource constant has the wrong size");
    for (int64_t i = 0; i < count; ++i) {
      uint32_t raw = 0;
      std::memcpy(&raw, data.data() + i * bytes, bytes);
      int64_t v = raw;
      if (isSigned && (raw >> (width - 1)) & 1)
        v -= int64_t(1) << width;
      out.push_back(v);
    }
    return success();
  }
  return constant.emitOpError("unsupported constant attribute kind");
}

/// A simple indenting writer.
class Code {
public:
  /// Each line of `text` at the current indentation.
  Code &line(const Twine &text = "") {
    std::string s = text.str();
    StringRef rest = s;
    do {
      auto [first, tail] = rest.split('\n');
      if (!first.empty())
        out.append(indent * 2, ' ');
      out += first.str();
      out += '\n';
      rest = tail;
    } while (!rest.empty());
    return *this;
  }
  /// `} else {` and the like: closes one block and opens the next.
  Code &reopen(const Twine &text) {
    --indent;
    line(text);
    ++indent;
    return *this;
  }
  /// `#pragma HLS ...` lines sit at the body's indentation.
  Code &pragma(const Twine &text) { return line("#pragma HLS " + text); }
  Code &open(const Twine &text) {
    line(text + " {");
    ++indent;
    return *this;
  }
  Code &close(StringRef tail = "") {
    --indent;
    line("}" + tail.str());
    return *this;
  }
  std::string str() const { return out; }

private:
  std::string out;
  unsigned indent = 0;
};

std::string joinInts(ArrayRef<int64_t> values, unsigned perLine = 24,
                     StringRef lineIndent = "  ") {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i && i % perLine == 0)
      text += ",\n" + lineIndent.str();
    else if (i)
      text += ", ";
    text += std::to_string(values[i]);
  }
  return text;
}

/// The layer's ONNX node name(s) for comments, else its C name.
static std::string sourceName(const HLSLayer &layer) {
  return layer.sourceName.empty() ? layer.name : layer.sourceName;
}

class Emitter {
public:
  Emitter(const HLSPlan &plan, const HLSEmitOptions &options)
      : plan(plan), options(options), name(plan.top) {}

  FailureOr<HLSProject> run();

private:
  std::string pixelType(int64_t channels, const HLSValueType &type);
  std::string streamType(int64_t stream) {
    const HLSStream &s = plan.streams[stream];
    return pixelType(s.channels, s.type);
  }
  std::string stageName(const HLSLayer &layer) {
    return name + "_" + layer.name;
  }
  std::string portType(const HLSPort &port, bool isInput) {
    return name + "_" + port.name + "_t";
  }
  std::string portParam(const HLSPort &port, bool isInput);
  /// The output port a write_output stage writes.
  const HLSPort &outputPort(const HLSLayer &layer);
  std::string stageParams(const HLSLayer &layer);
  /// Declares the [C][L] transposition buffer of an AXI4-Stream port stage,
  /// one bank per channel.
  void declareTransposeBuffer(Code &code, const HLSPort &port, int64_t c,
                              int64_t l);
  void writeAll(Code &code, const HLSLayer &layer, StringRef value);
  LogicalResult constants(Code &code, const HLSLayer &layer);
  void storagePragma(Code &code, const HLSBuffer &buffer,
                     StringRef variable);
  LogicalResult emitReadInput(Code &code, const HLSLayer &layer);
  LogicalResult emitWriteOutput(Code &code, const HLSLayer &layer);
  LogicalResult emitConv(Code &code, const HLSLayer &layer);
  LogicalResult emitRecurrentConv(Code &code, const HLSLayer &layer);
  LogicalResult emitDense(Code &code, const HLSLayer &layer);
  void emitConvCore(Code &code, const HLSLayer &layer, bool recurrent);
  void emitMac(Code &code, const HLSLayer &layer, StringRef x,
               StringRef weight);
  void emitEpilogue(Code &code, const HLSLayer &layer, StringRef acc,
                    StringRef dest, StringRef channel);
  std::string emitTop();
  FailureOr<std::string> requantTable(const HLSLayer &layer);

  const HLSPlan &plan;
  const HLSEmitOptions &options;
  std::string name;
  /// Pixel struct definitions, in first-use order.
  std::vector<std::string> pixelDefs;
  llvm::StringSet<> pixelNames;
  bool axis() const { return plan.options.interface == Interface::Axis; }
};

std::string Emitter::pixelType(int64_t channels, const HLSValueType &type) {
  std::string id = name + "_px" + std::to_string(channels) + "_" +
                   (type.isSigned ? "i" : "u") + std::to_string(type.bits);
  if (pixelNames.insert(id).second)
    pixelDefs.push_back("// One position: " + std::to_string(channels) +
                        " channel(s) of " + type.cType() + ".\nstruct " + id +
                        " {\n  " + type.cType() + " v[" +
                        std::to_string(channels) + "];\n};\n");
  return id;
}

std::string Emitter::portParam(const HLSPort &port, bool isInput) {
  std::string type = portType(port, isInput);
  if (axis())
    return "hls::stream<" + type + "> &" + port.name;
  return (isInput ? "const " : "") + type + " " + port.name + "[" +
         std::to_string(port.elements) + "]";
}

std::string Emitter::stageParams(const HLSLayer &layer) {
  std::vector<std::string> params;
  if (layer.kind == LayerKind::ReadInput)
    params.push_back(portParam(plan.inputs.front(), true));
  for (int64_t s : layer.inStreams)
    params.push_back("hls::stream<" + streamType(s) + "> &in");
  for (auto [i, s] : llvm::enumerate(layer.outStreams))
    params.push_back("hls::stream<" + streamType(s) + "> &out" +
                     std::to_string(i));
  if (layer.kind == LayerKind::WriteOutput)
    params.push_back(portParam(outputPort(layer), false));
  return llvm::join(params, ", ");
}

const HLSPort &Emitter::outputPort(const HLSLayer &layer) {
  size_t index = 0;
  for (const HLSLayer &l : plan.layers) {
    if (&l == &layer)
      break;
    index += l.kind == LayerKind::WriteOutput;
  }
  return plan.outputs[index];
}

void Emitter::declareTransposeBuffer(Code &code, const HLSPort &port,
                                     int64_t c, int64_t l) {
  code.line(port.type.cType() + " buf[" + Twine(c) + "][" + Twine(l) + "];");
  code.pragma("ARRAY_PARTITION variable=buf complete dim=1");
}

void Emitter::writeAll(Code &code, const HLSLayer &layer, StringRef value) {
  for (size_t i = 0; i < layer.outStreams.size(); ++i)
    code.line("out" + std::to_string(i) + ".write(" + value + ");");
}

void Emitter::storagePragma(Code &code, const HLSBuffer &buffer,
                            StringRef variable) {
  switch (buffer.storage) {
  case Storage::Registers:
  case Storage::ROMLogic:
    code.pragma("ARRAY_PARTITION variable=" + variable + " complete dim=0");
    return;
  case Storage::LUTRAM:
  case Storage::BRAM:
  case Storage::LUTROM:
  case Storage::BRAMROM: {
    if (buffer.banks > 1)
      code.pragma("ARRAY_PARTITION variable=" + variable + " cyclic factor=" +
                  Twine(buffer.banks) + " dim=1");
    bool rom = buffer.storage == Storage::LUTROM ||
               buffer.storage == Storage::BRAMROM;
    bool bram = buffer.storage == Storage::BRAM ||
                buffer.storage == Storage::BRAMROM;
    code.pragma("BIND_STORAGE variable=" + variable + " type=" +
                (rom ? "rom_1p" : "ram_2p") + " impl=" +
                (bram ? "bram" : "lutram"));
    return;
  }
  }
}

FailureOr<std::string> Emitter::requantTable(const HLSLayer &layer) {
  // The multipliers exactly as the golden model derives them: accumulator
  // scale(s) over the output scale, computeRequantParams in the module's
  // requantization mode.
  Operation *op = layer.op;
  SmallVector<double> accScales;
  double outScale = 1;
  if (auto rconv = dyn_cast<RecurrentConvOp>(op)) {
    quant::QuantizedType acc = getAccumulatorType(
        getQuantElementType(rconv.getInput().getType()),
        getQuantElementType(rconv.getWeight().getType()), 1);
    accScales = getScales(acc);
    outScale = getScales(getQuantElementType(rconv.getType())).front();
  } else {
    auto requant = cast<RequantizeOp>(*op->getResult(0).getUsers().begin());
    accScales = getScales(getQuantElementType(requant.getInput().getType()));
    outScale = getScales(getQuantElementType(requant.getType())).front();
  }
  RequantMode mode = getRequantMode(op);
  std::vector<std::string> entries;
  for (int64_t c = 0; c < layer.cout; ++c) {
    double s = accScales.size() == 1 ? accScales.front() : accScales[c];
    std::string error;
    std::optional<rt::RequantParams> p =
        computeRequantParams(s / outScale, mode, &error);
    if (!p)
      return op->emitError("requantization: ") << error;
    entries.push_back("{" + std::to_string(p->multiplier) + ", " +
                      std::to_string(p->shift) + "}");
  }
  std::string text;
  for (size_t i = 0; i < entries.size(); ++i)
    text += (i ? (i % 6 == 0 ? ",\n  " : ", ") : "") + entries[i];
  return text;
}

LogicalResult Emitter::constants(Code &code, const HLSLayer &layer) {
  Operation *op = layer.op;
  std::vector<int64_t> weights, bias;
  Value biasValue = isa<RecurrentConvOp>(op)
                        ? cast<RecurrentConvOp>(op).getBias()
                        : isa<ConvOp>(op) ? cast<ConvOp>(op).getBias()
                                          : cast<DenseOp>(op).getBias();
  if (failed(readIntegers(op->getOperand(1), weights)) ||
      (biasValue && failed(readIntegers(biasValue, bias))))
    return op->emitError("the hls target cannot read the weights or bias");
  auto find = [&](StringRef role) -> const HLSBuffer & {
    for (const HLSBuffer &b : layer.buffers)
      if (b.role == role)
        return b;
    llvm_unreachable("buffer missing from the plan");
  };
  const HLSBuffer &w = find("weights");
  code.line("// Weights [" + std::to_string(layer.cout) + "][" +
            std::to_string(layer.kind == LayerKind::Dense
                               ? layer.macsPerPosition
                               : layer.cin / layer.group * layer.kernel) +
            "] (" + std::string(stringifyStorage(w.storage)) + ", " +
            std::to_string(w.banks) + " bank(s): one per multiplier).");
  code.line("static const " + layer.weight.cType() + " weights[" +
            std::to_string(weights.size()) + "] = {");
  code.line("  " + joinInts(weights) + "};");
  storagePragma(code, w, "weights");
  if (biasValue) {
    const HLSBuffer &b = find("bias");
    code.line("static const ap_int<" + std::to_string(layer.accBits) +
              "> bias[" + std::to_string(bias.size()) + "] = {");
    code.line("  " + joinInts(bias, 12) + "};");
    storagePragma(code, b, "bias");
  }
  if (layer.requantized) {
    FailureOr<std::string> table = requantTable(layer);
    if (failed(table))
      return failure();
    code.line("// Requantization M = multiplier * 2^-shift per output "
              "channel (qrcnn/requantize.h).");
    code.line("static const qrcnn::rt::RequantParams requant[" +
              std::to_string(layer.cout) + "] = {");
    code.line("  " + *table + "};");
    storagePragma(code, find("requant"), "requant");
  }
  code.pragma("ALLOCATION operation instances=mul limit=" +
              Twine(layer.multipliers + layer.requantMultipliers));
  return success();
}

/// One multiply-accumulate: acc += (x - zx) * weight, the product bound to
/// fabric or DSP as the plan's rule says.
void Emitter::emitMac(Code &code, const HLSLayer &layer, StringRef x,
                      StringRef weight) {
  int64_t xBits = layer.input.isSigned && layer.input.zeroPoint == 0
                      ? layer.input.bits
                      : layer.input.bits + 1;
  int64_t productBits = xBits + layer.weight.bits;
  std::string shifted = x.str();
  if (layer.input.zeroPoint != 0)
    shifted += " - " + std::to_string(layer.input.zeroPoint);
  code.line("const ap_int<" + Twine(xBits) + "> xv = " + shifted + ";");
  code.line("ap_int<" + Twine(productBits) + "> product = xv * " + weight +
            ";");
  code.pragma("BIND_OP variable=product op=mul impl=" +
              Twine(getDspPerMultiplier(xBits, layer.weight.bits) ? "dsp"
                                                                  : "fabric"));
  code.line("acc += product;");
}

/// dest = requantize(acc) or the accumulator itself.
void Emitter::emitEpilogue(Code &code, const HLSLayer &layer, StringRef acc,
                           StringRef dest, StringRef channel) {
  if (layer.requantized)
    code.line(dest + " = qrcnn::rt::requantize(" + acc + ", requant[" +
              channel + "], " + Twine(layer.output.zeroPoint) + ", " +
              Twine(layer.output.lo) + ", " + Twine(layer.output.hi) + ");");
  else
    code.line(dest + " = " + acc + ";");
}

LogicalResult Emitter::emitReadInput(Code &code, const HLSLayer &layer) {
  std::string px = streamType(layer.outStreams.front());
  const HLSPort &port = plan.inputs.front();
  int64_t c = layer.cin, l = layer.inLength;
  code.open("static void " + stageName(layer) + "(" + stageParams(layer) +
            ")");
  if (axis() && c > 1 && l > 1) {
    // NCW beats in, positions out.
    declareTransposeBuffer(code, port, c, l);
    code.open("read: for (int e = 0; e < " + Twine(c * l) + "; ++e)");
    code.pragma("PIPELINE II=1");
    code.line("buf[e / " + Twine(l) + "][e % " + Twine(l) +
              "] = " + port.name + ".read();");
    code.close();
    code.open("emit: for (int t = 0; t < " + Twine(l) + "; ++t)");
    code.pragma("PIPELINE II=1");
    code.line(px + " px;");
    code.open("for (int c = 0; c < " + Twine(c) + "; ++c)");
    code.pragma("UNROLL");
    code.line("px.v[c] = buf[c][t];");
    code.close();
    writeAll(code, layer, "px");
    code.close();
  } else {
    code.open("emit: for (int t = 0; t < " + Twine(l) + "; ++t)");
    code.pragma("PIPELINE II=" + Twine(c));
    code.line(px + " px;");
    code.open("for (int c = 0; c < " + Twine(c) + "; ++c)");
    code.pragma("UNROLL");
    if (axis())
      code.line("px.v[c] = " + port.name + ".read();");
    else
      code.line("px.v[c] = " + port.name + "[c * " + Twine(l) + " + t];");
    code.close();
    writeAll(code, layer, "px");
    code.close();
  }
  code.close();
  return success();
}

LogicalResult Emitter::emitWriteOutput(Code &code, const HLSLayer &layer) {
  const HLSPort &port = outputPort(layer);
  int64_t c = layer.cin, l = layer.inLength;
  code.open("static void " + stageName(layer) + "(" + stageParams(layer) +
            ")");
  if (axis() && c > 1 && l > 1) {
    declareTransposeBuffer(code, port, c, l);
    code.open("collect: for (int t = 0; t < " + Twine(l) + "; ++t)");
    code.pragma("PIPELINE II=1");
    code.line("const " + streamType(layer.inStreams.front()) +
              " px = in.read();");
    code.open("for (int c = 0; c < " + Twine(c) + "; ++c)");
    code.pragma("UNROLL");
    code.line("buf[c][t] = px.v[c];");
    code.close();
    code.close();
    code.open("write: for (int e = 0; e < " + Twine(c * l) + "; ++e)");
    code.pragma("PIPELINE II=1");
    code.line(port.name + ".write(buf[e / " + Twine(l) + "][e % " + Twine(l) +
              "]);");
    code.close();
  } else {
    code.open("store: for (int t = 0; t < " + Twine(l) + "; ++t)");
    code.pragma("PIPELINE II=" + Twine(c));
    code.line("const " + streamType(layer.inStreams.front()) +
              " px = in.read();");
    code.open("for (int c = 0; c < " + Twine(c) + "; ++c)");
    code.pragma("UNROLL");
    if (axis())
      code.line(port.name + ".write(px.v[c]);");
    else
      code.line(port.name + "[c * " + Twine(l) + " + t] = px.v[c];");
    code.close();
    code.close();
  }
  code.close();
  return success();
}

/// The sliding-window conv: the loop over padded input positions, one new
/// sample per iteration into the line buffer, one output position (all
/// channels) when the window is at a stride step. For the recurrent engine
/// the source and sink are the ping-pong buffers and the length is a
/// run-time value.
void Emitter::emitConvCore(Code &code, const HLSLayer &layer,
                           bool recurrent) {
  std::string pxIn = pixelType(layer.cin, layer.input);
  std::string pxOut = pixelType(layer.cout, layer.output);
  int64_t span = (layer.kernel - 1) * layer.dilation + 1;
  int64_t cinPerGroup = layer.cin / layer.group;
  int64_t coutPerGroup = layer.cout / layer.group;
  code.line("// Line buffer: the last " + Twine(span) +
            " input positions (" + Twine(layer.kernel) + " taps x " +
            Twine(layer.cin) + " channels), registers.");
  code.line(pxIn + " window[" + Twine(span) + "];");
  code.pragma("ARRAY_PARTITION variable=window complete dim=0");
  if (layer.poolKernel) {
    code.line(pxOut + " pool_window[" + Twine(layer.poolKernel) + "];");
    code.pragma("ARRAY_PARTITION variable=pool_window complete dim=0");
  }
  std::string length, bound;
  if (recurrent) {
    length = "len";
    bound = "len + " + std::to_string(layer.padBegin + layer.padEnd);
    code.line("int written = 0;");
  } else {
    length = std::to_string(layer.inLength);
    bound = std::to_string(layer.padBegin + layer.inLength + layer.padEnd);
  }
  code.open("pos: for (int p = 0; p < " + bound + "; ++p)");
  if (recurrent) {
    int64_t lo = INT64_MAX, hi = 0;
    for (int64_t len : layer.stepInLengths) {
      lo = std::min(lo, len + layer.padBegin + layer.padEnd);
      hi = std::max(hi, len + layer.padBegin + layer.padEnd);
    }
    code.pragma("LOOP_TRIPCOUNT min=" + Twine(lo) + " max=" + Twine(hi));
  }
  code.pragma("PIPELINE II=" + Twine(layer.ii));
  if (recurrent)
    code.pragma("DEPENDENCE variable=buf inter false");
  std::string source = recurrent ? "buf[src][p - " +
                                       std::to_string(layer.padBegin) + "]"
                                 : "in.read()";
  if (recurrent && layer.padBegin == 0)
    source = "buf[src][p]";
  code.line(pxIn + " px;");
  if (layer.padBegin == 0 && layer.padEnd == 0) {
    code.line("px = " + source + ";");
  } else {
    // Padding reads the input's zero point (real zero).
    code.open("if (p >= " + Twine(layer.padBegin) + " && p < " +
              Twine(layer.padBegin) + " + " + length + ")");
    code.line("px = " + source + ";");
    code.reopen("} else {");
    code.open("for (int c = 0; c < " + Twine(layer.cin) + "; ++c)");
    code.pragma("UNROLL");
    code.line("px.v[c] = " + Twine(layer.input.zeroPoint) + ";");
    code.close();
    code.close();
  }
  if (span > 1) {
    code.open("shift: for (int k = 0; k < " + Twine(span - 1) + "; ++k)");
    code.pragma("UNROLL");
    code.line("window[k] = window[k + 1];");
    code.close();
  }
  code.line("window[" + Twine(span - 1) + "] = px;");
  std::string ready = "p >= " + std::to_string(span - 1);
  if (layer.stride > 1)
    ready += " && (p - " + std::to_string(span - 1) + ") % " +
             std::to_string(layer.stride) + " == 0";
  if (span == 1 && layer.stride == 1)
    ready = "true";
  code.open("if (" + ready + ")");
  code.line(pxOut + " y;");
  code.open("channels: for (int c = 0; c < " + Twine(layer.cout) + "; ++c)");
  code.pragma("UNROLL");
  code.line("ap_int<" + Twine(layer.accBits) + "> acc = " +
            (layer.hasBias ? "bias[c]" : "0") + ";");
  code.open("taps: for (int i = 0; i < " + Twine(cinPerGroup) + "; ++i)");
  code.pragma("UNROLL");
  code.open("for (int k = 0; k < " + Twine(layer.kernel) + "; ++k)");
  code.pragma("UNROLL");
  std::string channel = layer.group == 1
                            ? "i"
                            : "c / " + std::to_string(coutPerGroup) + " * " +
                                  std::to_string(cinPerGroup) + " + i";
  std::string tap = layer.dilation == 1
                        ? "k"
                        : "k * " + std::to_string(layer.dilation);
  emitMac(code, layer, "window[" + tap + "].v[" + channel + "]",
          "weights[(c * " + std::to_string(cinPerGroup) + " + i) * " +
              std::to_string(layer.kernel) + " + k]");
  code.close();
  code.close();
  emitEpilogue(code, layer, "acc", "y.v[c]", "c");
  code.close();
  std::string sinkValue = layer.poolKernel ? "best" : "y";
  auto sink = [&](StringRef value) {
    if (recurrent)
      code.line("buf[1 - src][written++] = " + value + ";");
    else
      writeAll(code, layer, value);
  };
  if (layer.poolKernel) {
    int64_t kp = layer.poolKernel;
    code.line("// Fused max pool (kernel " + Twine(kp) + ", stride " +
              Twine(layer.poolStride) + ") over conv positions.");
    if (kp > 1) {
      code.open("pool_shift: for (int j = 0; j < " + Twine(kp - 1) +
                "; ++j)");
      code.pragma("UNROLL");
      code.line("pool_window[j] = pool_window[j + 1];");
      code.close();
    }
    code.line("pool_window[" + Twine(kp - 1) + "] = y;");
    std::string o = layer.stride > 1
                        ? "(p - " + std::to_string(span - 1) + ") / " +
                              std::to_string(layer.stride)
                        : "p - " + std::to_string(span - 1);
    code.line("const int o = " + o + ";");
    std::string poolReady = "o >= " + std::to_string(kp - 1);
    if (layer.poolStride > 1)
      poolReady += " && (o - " + std::to_string(kp - 1) + ") % " +
                   std::to_string(layer.poolStride) + " == 0";
    code.open("if (" + poolReady + ")");
    code.line(pxOut + " best = pool_window[0];");
    if (kp > 1) {
      code.open("pool_max: for (int j = 1; j < " + Twine(kp) + "; ++j)");
      code.pragma("UNROLL");
      code.open("for (int c = 0; c < " + Twine(layer.cout) + "; ++c)");
      code.pragma("UNROLL");
      code.line("if (pool_window[j].v[c] > best.v[c])");
      code.line("  best.v[c] = pool_window[j].v[c];");
      code.close();
      code.close();
    }
    sink("best");
    code.close();
  } else {
    sink("y");
  }
  code.close(); // if ready
  code.close(); // pos
}

LogicalResult Emitter::emitConv(Code &code, const HLSLayer &layer) {
  code.line("// " + sourceName(layer) +
            ": conv " + Twine(layer.cin) + "->" + Twine(layer.cout) + " k" +
            Twine(layer.kernel) + ", " + Twine(layer.inLength) + " -> " +
            Twine(layer.outLength) + " positions, R=" +
            Twine(layer.reuseFactor) + " (" + Twine(layer.multipliers) +
            " multipliers, II=" + Twine(layer.ii) + ").");
  code.open("static void " + stageName(layer) + "(" + stageParams(layer) +
            ")");
  if (failed(constants(code, layer)))
    return failure();
  emitConvCore(code, layer, /*recurrent=*/false);
  code.close();
  return success();
}

LogicalResult Emitter::emitRecurrentConv(Code &code, const HLSLayer &layer) {
  std::string px = pixelType(layer.cin, layer.input);
  const HLSBuffer *pingPong = nullptr;
  for (const HLSBuffer &b : layer.buffers)
    if (b.role == "ping-pong")
      pingPong = &b;
  int64_t maxLength = pingPong->elements;
  std::string bufParam =
      px + " buf[2][" + std::to_string(maxLength) + "]";
  // The engine: one step of the recurrent conv, the only copy of its
  // datapath.
  code.line("// " + sourceName(layer) +
            ": the recurrent conv's engine, ONE conv " + Twine(layer.cin) +
            "->" + Twine(layer.cout) + " k" + Twine(layer.kernel) +
            " datapath (R=" + Twine(layer.reuseFactor) + ", " +
            Twine(layer.multipliers) + " multipliers, II=" + Twine(layer.ii) +
            ") that every step runs: reads buf[src], writes buf[1 - src].");
  code.open("static void " + stageName(layer) + "_engine(" + bufParam +
            ", int src, int len)");
  code.pragma("INLINE off");
  if (failed(constants(code, layer)))
    return failure();
  emitConvCore(code, layer, /*recurrent=*/true);
  code.close();
  code.line();
  code.line("// The recurrent conv: " + Twine(layer.iterations) +
            " steps of the engine on two ping-pong buffers sized for the "
            "largest step (" + Twine(maxLength) + " positions).");
  code.open("static void " + stageName(layer) + "(" + stageParams(layer) +
            ")");
  code.line(bufParam + ";");
  code.pragma("ARRAY_PARTITION variable=buf complete dim=1");
  code.pragma("BIND_STORAGE variable=buf type=ram_2p impl=" +
              Twine(pingPong->storage == Storage::BRAM ? "bram" : "lutram"));
  code.line("static const int step_length[" + Twine(layer.iterations) +
            "] = {" + joinInts(layer.stepInLengths) + "};");
  code.open("load: for (int t = 0; t < " + Twine(layer.inLength) + "; ++t)");
  code.pragma("PIPELINE II=1");
  code.line("buf[0][t] = in.read();");
  code.close();
  code.open("step: for (int n = 0; n < " + Twine(layer.iterations) + "; ++n)");
  code.line(stageName(layer) + "_engine(buf, n & 1, step_length[n]);");
  code.close();
  code.open("store: for (int t = 0; t < " + Twine(layer.outLength) +
            "; ++t)");
  code.pragma("PIPELINE II=1");
  code.line("const " + px + " y = buf[" + Twine(layer.iterations % 2) +
            "][t];");
  writeAll(code, layer, "y");
  code.close();
  code.close();
  return success();
}

LogicalResult Emitter::emitDense(Code &code, const HLSLayer &layer) {
  std::string pxIn = streamType(layer.inStreams.front());
  std::string pxOut = pixelType(layer.cout, layer.output);
  int64_t features = layer.macsPerPosition;
  code.line("// " + sourceName(layer) +
            ": dense " + Twine(features) + "->" + Twine(layer.cout) +
            ", R=" + Twine(layer.reuseFactor) + " (" +
            Twine(layer.multipliers) + " multipliers, II=" + Twine(layer.ii) +
            ").");
  code.open("static void " + stageName(layer) + "(" + stageParams(layer) +
            ")");
  if (failed(constants(code, layer)))
    return failure();
  code.line("// The input vector, flattened channel-major (the NCW "
            "flatten).");
  code.line(layer.input.cType() + " x[" + Twine(features) + "];");
  code.pragma("ARRAY_PARTITION variable=x complete dim=0");
  code.open("load: for (int t = 0; t < " + Twine(layer.inLength) + "; ++t)");
  code.pragma("PIPELINE II=1");
  code.line("const " + pxIn + " px = in.read();");
  code.open("for (int c = 0; c < " + Twine(layer.cin) + "; ++c)");
  code.pragma("UNROLL");
  code.line("x[c * " + Twine(layer.inLength) + " + t] = px.v[c];");
  code.close();
  code.close();
  code.line(pxOut + " y;");
  code.open("neuron: for (int m = 0; m < " + Twine(layer.cout) + "; ++m)");
  code.pragma("PIPELINE II=" + Twine(layer.ii));
  code.line("ap_int<" + Twine(layer.accBits) + "> acc = " +
            (layer.hasBias ? "bias[m]" : "0") + ";");
  code.open("mac: for (int f = 0; f < " + Twine(features) + "; ++f)");
  code.pragma("UNROLL");
  emitMac(code, layer, "x[f]",
          "weights[m * " + std::to_string(features) + " + f]");
  code.close();
  emitEpilogue(code, layer, "acc", "y.v[m]", "m");
  code.close();
  writeAll(code, layer, "y");
  code.close();
  return success();
}

std::string Emitter::emitTop() {
  Code code;
  std::vector<std::string> params;
  for (const HLSPort &p : plan.inputs)
    params.push_back(portParam(p, true));
  for (const HLSPort &p : plan.outputs)
    params.push_back(portParam(p, false));
  code.line("// The top function: a DATAFLOW region of the stages above.");
  code.open("void " + name + "(" + llvm::join(params, ", ") + ")");
  for (const HLSPort &p : plan.inputs)
    code.pragma("INTERFACE " + Twine(axis() ? "axis" : "ap_memory") +
                " port=" + p.name);
  for (const HLSPort &p : plan.outputs)
    code.pragma("INTERFACE " + Twine(axis() ? "axis" : "ap_memory") +
                " port=" + p.name);
  code.pragma("INTERFACE s_axilite port=return");
  if (plan.dataflow)
    code.pragma("DATAFLOW");
  code.line();
  for (const HLSStream &s : plan.streams) {
    code.line("hls::stream<" + pixelType(s.channels, s.type) + "> " + s.name +
              "(\"" + s.name + "\");");
    code.pragma("STREAM variable=" + s.name + " depth=" + Twine(s.depth));
  }
  code.line();
  size_t output = 0;
  for (const HLSLayer &layer : plan.layers) {
    std::vector<std::string> args;
    if (layer.kind == LayerKind::ReadInput)
      args.push_back(plan.inputs.front().name);
    for (int64_t s : layer.inStreams)
      args.push_back(plan.streams[s].name);
    for (int64_t s : layer.outStreams)
      args.push_back(plan.streams[s].name);
    if (layer.kind == LayerKind::WriteOutput)
      args.push_back(plan.outputs[output++].name);
    code.line(stageName(layer) + "(" + llvm::join(args, ", ") + ");");
  }
  code.close();
  return code.str();
}

FailureOr<HLSProject> Emitter::run() {
  // Stages.
  Code stages;
  for (const HLSLayer &layer : plan.layers) {
    LogicalResult result = success();
    switch (layer.kind) {
    case LayerKind::ReadInput:
      result = emitReadInput(stages, layer);
      break;
    case LayerKind::WriteOutput:
      result = emitWriteOutput(stages, layer);
      break;
    case LayerKind::Conv:
      result = emitConv(stages, layer);
      break;
    case LayerKind::RecurrentConv:
      result = emitRecurrentConv(stages, layer);
      break;
    case LayerKind::Dense:
      result = emitDense(stages, layer);
      break;
    }
    if (failed(result))
      return failure();
    stages.line();
  }
  std::string top = emitTop();

  std::string model = llvm::sys::path::filename(options.modelFile).str();
  std::string cpp;
  cpp += "// " + name + ".cpp - generated by qrcnnc " + options.version +
         " from " + model + ".\n";
  cpp += "// Vitis HLS C++: the top function " + name +
         " and one function per dataflow stage.\n";
  cpp += "#include \"" + name + ".h\"\n\n#include \"qrcnn/requantize.h\"\n\n";
  for (const std::string &def : pixelDefs)
    cpp += def + "\n";
  cpp += stages.str() + top;

  // Values of the templates.
  llvm::StringMap<std::string> values;
  std::string prefix = StringRef(name).upper();
  values["name"] = name;
  values["NAME"] = prefix;
  values["version"] = options.version;
  values["model"] = model;
  values["part"] = plan.options.part;
  values["clock_ns"] = formatClock(plan.options.clockNs);
  const HLSPort &in = plan.inputs.front();
  auto describe = [](const HLSPort &p) {
    std::string shape;
    for (int64_t d : p.shape)
      shape += (shape.empty() ? "" : "x") + std::to_string(d);
    return p.name + " [" + shape + "] " + p.type.cType();
  };
  std::vector<std::string> outDescs;
  for (const HLSPort &p : plan.outputs)
    outDescs.push_back(describe(p));
  values["input_description"] = describe(in);
  values["output_description"] = llvm::join(outDescs, ", ");
  values["interface_description"] =
      axis() ? "AXI4-Stream (`#pragma HLS INTERFACE axis`), one value per "
               "beat in the model's NCW order"
             : "RAM ports (`#pragma HLS INTERFACE ap_memory`), arrays in the "
               "model's NCW order";
  int64_t convs = 0, rconvs = 0, denses = 0;
  for (const HLSLayer &l : plan.layers) {
    convs += l.kind == LayerKind::Conv;
    rconvs += l.kind == LayerKind::RecurrentConv;
    denses += l.kind == LayerKind::Dense;
  }
  values["summary"] =
      std::to_string(convs) + " conv, " + std::to_string(rconvs) +
      " recurrent conv and " + std::to_string(denses) + " dense stage(s), " +
      std::to_string(plan.parameterCount) + " parameters.";

  // Header: port types and sizes.
  std::string typedefs, constants, portComments;
  std::vector<std::string> topParams;
  typedefs += "typedef " + in.type.cType() + " " + portType(in, true) + ";\n";
  constants += "#define " + prefix + "_INPUT_SIZE " +
               std::to_string(in.elements) + "\n";
  portComments += "//   " + describe(in) + " (zero point " +
                  std::to_string(in.type.zeroPoint) + ")\n";
  topParams.push_back(portParam(in, true));
  for (const HLSPort &p : plan.outputs) {
    typedefs += "typedef " + p.type.cType() + " " + portType(p, false) + ";\n";
    constants += "#define " + prefix + "_" + StringRef(p.name).upper() +
                 "_SIZE " + std::to_string(p.elements) + "\n";
    portComments += "//   " + describe(p) +
                    (p.dequantized ? " (the testbench dequantizes it)"
                                   : " (stored integers)") +
                    "\n";
    topParams.push_back(portParam(p, false));
  }
  values["typedefs"] = typedefs;
  values["constants"] = constants;
  values["port_comments"] = portComments;
  values["top_params"] = llvm::join(topParams, ", ");

  // Testbench.
  int64_t outputFloats = 0;
  for (const HLSPort &p : plan.outputs)
    outputFloats += p.elements;
  values["input_floats"] = std::to_string(in.elements);
  values["output_floats"] = std::to_string(outputFloats);
  values["input_scale"] = floatLiteral(in.scales.front());
  values["input_zero_point"] = std::to_string(in.type.zeroPoint);
  values["input_lo"] = std::to_string(in.type.lo);
  values["input_hi"] = std::to_string(in.type.hi);
  values["input_type"] = portType(in, true);
  values["self_test_samples"] = "4";
  std::string tables, run;
  Code body;
  body.line("  // Quantize the input.");
  if (axis()) {
    body.line("  hls::stream<" + portType(in, true) + "> " + in.name + "(\"" +
              in.name + "\");");
    body.line("  for (int i = 0; i < " + std::to_string(in.elements) +
              "; ++i)");
    body.line("    " + in.name + ".write(quantizeInput(inputs[i]));");
  } else {
    body.line("  static " + portType(in, true) + " " + in.name + "[" +
              std::to_string(in.elements) + "];");
    body.line("  for (int i = 0; i < " + std::to_string(in.elements) +
              "; ++i)");
    body.line("    " + in.name + "[i] = quantizeInput(inputs[i]);");
  }
  std::vector<std::string> args = {in.name};
  for (const HLSPort &p : plan.outputs) {
    if (axis())
      body.line("  hls::stream<" + portType(p, false) + "> " + p.name +
                "(\"" + p.name + "\");");
    else
      body.line("  static " + portType(p, false) + " " + p.name + "[" +
                std::to_string(p.elements) + "];");
    args.push_back(p.name);
  }
  body.line("  " + name + "(" + llvm::join(args, ", ") + ");");
  int64_t offset = 0;
  for (const HLSPort &p : plan.outputs) {
    std::string table = "k" + std::string(1, toupper(p.name[0])) +
                        p.name.substr(1);
    // Dequantization: float(q - z) * scale[channel], float32 as the golden
    // model computes it.
    int64_t inner = 1, channels = 1;
    if (p.channelAxis >= 0) {
      channels = p.shape[p.channelAxis];
      for (size_t d = p.channelAxis + 1; d < p.shape.size(); ++d)
        inner *= p.shape[d];
    }
    std::vector<std::string> scales;
    for (double s : p.scales)
      scales.push_back(floatLiteral(s));
    tables += "// Dequantization of " + p.name + ": scale per " +
              (p.channelAxis >= 0 ? "channel (axis " +
                                        std::to_string(p.channelAxis) + ")"
                                  : std::string("tensor")) +
              ".\n";
    tables += "static const float " + table + "Scales[" +
              std::to_string(scales.size()) + "] = {" +
              llvm::join(scales, ", ") + "};\n";
    tables += "static const long long " + table + "ZeroPoint = " +
              std::to_string(p.type.zeroPoint) + ";\n\n";
    body.line("  for (int i = 0; i < " + std::to_string(p.elements) +
              "; ++i) {");
    if (axis())
      body.line("    const long long q = (long long)" + p.name +
                ".read();");
    else
      body.line("    const long long q = (long long)" + p.name + "[i];");
    if (p.dequantized)
      body.line("    outputs[" + std::to_string(offset) +
                " + i] = (float)(q - " + table + "ZeroPoint) * " + table +
                "Scales[" +
                (channels > 1 ? "(i / " + std::to_string(inner) + ") % " +
                                    std::to_string(channels)
                              : std::string("0")) +
                "];");
    else
      body.line("    outputs[" + std::to_string(offset) + " + i] = (float)q;");
    body.line("  }");
    offset += p.elements;
  }
  std::string runText = body.str();
  if (!runText.empty() && runText.back() == '\n')
    runText.pop_back();
  values["output_tables"] = tables;
  values["run_sample"] = runText;

  // README hardware table.
  std::string table = "| stage | what | R | multipliers | II |\n|---|---|---|---|---|\n";
  for (const HLSLayer &l : plan.layers) {
    std::string what;
    switch (l.kind) {
    case LayerKind::ReadInput:
      what = "input port -> positions";
      break;
    case LayerKind::WriteOutput:
      what = "positions -> output port";
      break;
    case LayerKind::Conv:
      what = "conv " + std::to_string(l.cin) + "->" + std::to_string(l.cout) +
             " k" + std::to_string(l.kernel) +
             (l.poolKernel ? " + maxpool" : "");
      break;
    case LayerKind::RecurrentConv:
      what = "recurrent conv " + std::to_string(l.cin) + "->" +
             std::to_string(l.cout) + " k" + std::to_string(l.kernel) +
             " x" + std::to_string(l.iterations) +
             (l.poolKernel ? " + maxpool" : "");
      break;
    case LayerKind::Dense:
      what = "dense " + std::to_string(l.macsPerPosition) + "->" +
             std::to_string(l.cout);
      break;
    }
    bool mac = l.macsPerPosition > 0;
    table += "| `" + stageName(l) + "` | " + what + " | " +
             (mac ? std::to_string(l.reuseFactor) : "-") + " | " +
             (mac ? std::to_string(l.multipliers) : "-") + " | " +
             (mac ? std::to_string(l.ii) : "1") + " |\n";
  }
  values["hardware_table"] = table;
  values["input_scale"] = floatLiteral(in.scales.front());

  HLSProject project;
  auto render = [&](StringRef templ, StringRef file) -> LogicalResult {
    llvm::Expected<std::string> text =
        target::renderTemplate(templ, getTemplate(templ), values);
    if (!text) {
      llvm::errs() << "qrcnnc: error: " << llvm::toString(text.takeError())
                   << "\n";
      return failure();
    }
    project.files.push_back({file.str(), *text});
    return success();
  };
  if (failed(render("model.h.in", name + ".h")))
    return failure();
  project.files.push_back({name + ".cpp", cpp});
  if (failed(render("tb.cpp.in", name + "_tb.cpp")) ||
      failed(render("run_hls.tcl.in", "run_hls.tcl")) ||
      failed(render("Makefile.in", "Makefile")) ||
      failed(render("README.md.in", "README.md")))
    return failure();
  project.runtimeHeaders = {"requantize.h", "hls/ap_int.h",
                            "hls/ap_int_standin.h", "hls/hls_stream.h",
                            "hls/hls_stream_standin.h"};
  return project;
}

} // namespace

FailureOr<HLSProject> emitHLSProject(const HLSPlan &plan,
                                     const HLSEmitOptions &options) {
  Emitter emitter(plan, options);
  return emitter.run();
}

} // namespace qrcnn::hls
