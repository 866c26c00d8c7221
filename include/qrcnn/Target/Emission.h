//===- Emission.h - pieces every backend writes its output with -*- C++ -*-===//
//
// What the CPU and HLS backends (and plugins) share once the C++ body itself
// is printed by EmitC: filling the small templates of their fixed files,
// writing an output folder, the runtime headers compiled into the compiler
// so an output folder is self-contained, 4-bit packing, and C identifiers.
//
//===----------------------------------------------------------------------===//
#ifndef QRCNN_TARGET_EMISSION_H
#define QRCNN_TARGET_EMISSION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qrcnn::target {

/// A file compiled into the compiler (see `qrcnn_embed_files` in
/// lib/Target/CMakeLists.txt).
struct EmbeddedFile {
  llvm::StringRef path;
  llvm::StringRef contents;
};

/// The freestanding runtime headers of runtime/include/qrcnn, by path
/// relative to that folder (`requantize.h`, `int4.h`, `hls/ap_int.h`, ...).
llvm::ArrayRef<EmbeddedFile> getRuntimeFiles();
std::optional<llvm::StringRef> getRuntimeFile(llvm::StringRef path);

/// Replaces every `{{key}}` in `text` by `values[key]`. A key without a
/// value is an error naming the template, so a template and its caller
/// cannot drift apart silently.
llvm::Expected<std::string>
renderTemplate(llvm::StringRef templateName, llvm::StringRef text,
               const llvm::StringMap<std::string> &values);

/// An output folder: created on construction, files written relative to it,
/// the list of written files kept for the report.
class OutputFolder {
public:
  static llvm::Expected<OutputFolder> create(llvm::StringRef path);

  /// Writes `contents` to `relativePath` (creating subfolders).
  llvm::Error write(llvm::StringRef relativePath, llvm::StringRef contents);
  /// Copies runtime header `path` (getRuntimeFile) to `relativePath`.
  llvm::Error copyRuntimeFile(llvm::StringRef path,
                              llvm::StringRef relativePath);

  llvm::StringRef getPath() const { return path; }
  llvm::ArrayRef<std::string> getWrittenFiles() const { return written; }

private:
  explicit OutputFolder(std::string path) : path(std::move(path)) {}
  std::string path;
  std::vector<std::string> written;
};

/// Packs 4-bit values two per byte, low nibble first (runtime/int4.h).
std::vector<uint8_t> packInt4(llvm::ArrayRef<int8_t> values);

/// Whether `name` is a C/C++ identifier that is not a keyword and does not
/// start with an underscore (reserved in many contexts).
bool isValidCIdentifier(llvm::StringRef name);

/// A valid C identifier derived from `text` (a file stem, say): every other
/// character becomes '_', a leading digit gets a prefix, keywords get a
/// suffix.
std::string makeCIdentifier(llvm::StringRef text);

} // namespace qrcnn::target

#endif // QRCNN_TARGET_EMISSION_H
