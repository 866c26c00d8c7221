//===- Emission.cpp - shared pieces of the backends' output ---------------===//
#include "qrcnn/Target/Emission.h"

#include "qrcnn/int4.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace qrcnn::target {

namespace {
// Written by qrcnn_embed_files: kRuntimeFiles[] = {{path, contents}, ...}.
#include "qrcnn/Target/RuntimeFiles.inc"
} // namespace

ArrayRef<EmbeddedFile> getRuntimeFiles() { return kRuntimeFiles; }

std::optional<StringRef> getRuntimeFile(StringRef path) {
  for (const EmbeddedFile &file : kRuntimeFiles)
    if (file.path == path)
      return file.contents;
  return std::nullopt;
}

Expected<std::string> renderTemplate(StringRef templateName, StringRef text,
                                     const StringMap<std::string> &values) {
  std::string result;
  result.reserve(text.size());
  while (!text.empty()) {
    size_t open = text.find("{{");
    if (open == StringRef::npos) {
      result += text;
      break;
    }
    result += text.take_front(open);
    text = text.drop_front(open + 2);
    size_t close = text.find("}}");
    if (close == StringRef::npos)
      return createStringError(inconvertibleErrorCode(),
                               "template " + templateName +
                                   ": '{{' without '}}'");
    StringRef key = text.take_front(close).trim();
    auto it = values.find(key);
    if (it == values.end())
      return createStringError(inconvertibleErrorCode(),
                               "template " + templateName +
                                   ": no value for {{" + key + "}}");
    result += it->second;
    text = text.drop_front(close + 2);
  }
  return result;
}

Expected<OutputFolder> OutputFolder::create(StringRef path) {
  if (std::error_code ec = sys::fs::create_directories(path))
    return createStringError(ec, "cannot create output folder '" + path +
                                     "': " + ec.message());
  return OutputFolder(path.str());
}

Error OutputFolder::write(StringRef relativePath, StringRef contents) {
  SmallString<256> full(path);
  sys::path::append(full, relativePath);
  StringRef parent = sys::path::parent_path(full);
  if (std::error_code ec = sys::fs::create_directories(parent))
    return createStringError(ec, "cannot create folder '" + parent +
                                     "': " + ec.message());
  std::error_code ec;
  raw_fd_ostream os(full, ec, sys::fs::OF_None);
  if (ec)
    return createStringError(ec, "cannot write '" + full + "': " +
                                     ec.message());
  os << contents;
  os.close();
  if (os.has_error())
    return createStringError(os.error(), "cannot write '" + full + "': " +
                                             os.error().message());
  written.push_back(relativePath.str());
  return Error::success();
}

Error OutputFolder::copyRuntimeFile(StringRef runtimePath,
                                    StringRef relativePath) {
  std::optional<StringRef> contents = getRuntimeFile(runtimePath);
  if (!contents)
    return createStringError(inconvertibleErrorCode(),
                             "no runtime file '" + runtimePath +
                                 "' in this build of qrcnn");
  return write(relativePath, *contents);
}

std::vector<uint8_t> packInt4(ArrayRef<int8_t> values) {
  std::vector<uint8_t> packed(rt::packedInt4Bytes(values.size()));
  rt::packInt4(values.data(), values.size(), packed.data());
  return packed;
}

static const StringSet<> &getKeywords() {
  static const StringSet<> keywords = {
      "alignas",  "alignof",   "and",          "and_eq",    "asm",
      "auto",     "bitand",    "bitor",        "bool",      "break",
      "case",     "catch",     "char",         "char16_t",  "char32_t",
      "char8_t",  "class",     "co_await",     "co_return", "co_yield",
      "compl",    "concept",   "const",        "const_cast", "consteval",
      "constexpr", "constinit", "continue",    "decltype",  "default",
      "delete",   "do",        "double",       "dynamic_cast", "else",
      "enum",     "explicit",  "export",       "extern",    "false",
      "float",    "for",       "friend",       "goto",      "if",
      "inline",   "int",       "long",         "main",      "mutable",
      "namespace", "new",      "noexcept",     "not",       "not_eq",
      "nullptr",  "operator",  "or",           "or_eq",     "private",
      "protected", "public",   "register",     "reinterpret_cast",
      "requires", "restrict",  "return",       "short",     "signed",
      "sizeof",   "static",    "static_assert", "static_cast", "struct",
      "switch",   "template",  "this",         "thread_local", "throw",
      "true",     "try",       "typedef",      "typeid",    "typename",
      "union",    "unsigned",  "using",        "virtual",   "void",
      "volatile", "wchar_t",   "while",        "xor",       "xor_eq"};
  return keywords;
}

bool isValidCIdentifier(StringRef name) {
  if (name.empty() || !(isAlpha(name.front())))
    return false;
  if (!all_of(name, [](char c) { return isAlnum(c) || c == '_'; }))
    return false;
  return !getKeywords().contains(name);
}

std::string makeCIdentifier(StringRef text) {
  std::string name;
  for (char c : text)
    name += isAlnum(c) ? c : '_';
  if (name.empty() || !isAlpha(name.front()))
    name = "model_" + name;
  if (getKeywords().contains(name))
    name += "_model";
  return name;
}

} // namespace qrcnn::target
