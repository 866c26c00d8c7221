//===- ParseLimits.cpp - bounds checked before MLIR's parser runs ---------===//
#include "qrcnn/Support/ParseLimits.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;

std::optional<size_t> qrcnn::findExcessiveNesting(llvm::StringRef text,
                                                  unsigned maxDepth) {
  unsigned depth = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    switch (c) {
    case '"': // a string literal: skip to its closing quote
      for (++i; i < e && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      break;
    case '/': // a `//` comment: skip to the end of the line
      if (i + 1 < e && text[i + 1] == '/')
        i = text.find('\n', i);
      if (i == llvm::StringRef::npos)
        return std::nullopt;
      break;
    case '(':
    case '[':
    case '{':
    case '<':
      if (++depth > maxDepth)
        return i;
      break;
    case '>':
      if (i > 0 && text[i - 1] == '-') // the arrow of a function type
        break;
      [[fallthrough]];
    case ')':
    case ']':
    case '}':
      // Unbalanced text is the parser's to report; never go below zero.
      if (depth > 0)
        --depth;
      break;
    default:
      break;
    }
  }
  return std::nullopt;
}

std::string qrcnn::getExcessiveNestingMessage() {
  return "brackets nested more than " + std::to_string(kMaxIRNestingDepth) +
         " levels deep; refused before parsing (MLIR's parser would "
         "overflow its stack)";
}

OwningOpRef<ModuleOp>
qrcnn::parseSourceFileWithLimits(llvm::SourceMgr &sources,
                                 const ParserConfig &config) {
  const llvm::MemoryBuffer *buffer =
      sources.getMemoryBuffer(sources.getMainFileID());
  if (std::optional<size_t> offset =
          findExcessiveNesting(buffer->getBuffer())) {
    llvm::SMLoc where =
        llvm::SMLoc::getFromPointer(buffer->getBufferStart() + *offset);
    auto [line, column] = sources.getLineAndColumn(where);
    emitError(FileLineColLoc::get(config.getContext(),
                                  buffer->getBufferIdentifier(), line, column))
        << getExcessiveNestingMessage();
    return nullptr;
  }
  return parseSourceFile<ModuleOp>(sources, config);
}
