//===- SynthCheck.cpp - lexical synthesizability check of HLS C++ ---------===//
#include "qrcnn/Target/HLS/SynthCheck.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>

using namespace llvm;

namespace qrcnn::hls {

std::string SynthViolation::str() const {
  return file + ":" + std::to_string(line) + ": in function '" + function +
         "': " + message;
}

namespace {

/// One source with comments, string and character literals blanked (same
/// length, newlines kept). `code` also blanks preprocessor lines;
/// `withPragmas` keeps `#pragma` lines (for LOOP_TRIPCOUNT).
struct CleanSource {
  std::string name, original, code, withPragmas;

  unsigned lineOf(size_t offset) const {
    return 1 + std::count(original.begin(),
                          original.begin() + std::min(offset, original.size()),
                          '\n');
  }
};

CleanSource clean(const SourceFile &file) {
  CleanSource out;
  out.name = file.name;
  out.original = file.text;
  std::string text = file.text;
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    if (text.compare(i, 2, "//") == 0) {
      while (i < n && text[i] != '\n')
        text[i++] = ' ';
    } else if (text.compare(i, 2, "/*") == 0) {
      size_t end = text.find("*/", i + 2);
      end = end == std::string::npos ? n : end + 2;
      for (; i < end; ++i)
        if (text[i] != '\n')
          text[i] = ' ';
    } else if (text[i] == 'R' && i + 1 < n && text[i + 1] == '"' &&
               (i == 0 || !(isAlnum(text[i - 1]) || text[i - 1] == '_'))) {
      // Raw string R"delim( ... )delim".
      size_t open = text.find('(', i);
      std::string delim = text.substr(i + 2, open - i - 2);
      size_t end = text.find(")" + delim + "\"", open);
      end = end == std::string::npos ? n : end + delim.size() + 2;
      for (; i < end; ++i)
        if (text[i] != '\n')
          text[i] = ' ';
    } else if (text[i] == '"' || text[i] == '\'') {
      char quote = text[i];
      // A digit separator (1'000) is not a character literal.
      if (quote == '\'' && i > 0 && isHexDigit(text[i - 1])) {
        ++i;
        continue;
      }
      text[i++] = ' ';
      while (i < n && text[i] != quote && text[i] != '\n') {
        if (text[i] == '\\' && i + 1 < n)
          text[i++] = ' ';
        text[i++] = ' ';
      }
      if (i < n && text[i] == quote)
        text[i++] = ' ';
    } else {
      ++i;
    }
  }
  out.withPragmas = text;
  // Preprocessor lines (with continuations).
  for (size_t i = 0; i < n;) {
    size_t lineEnd = text.find('\n', i);
    if (lineEnd == std::string::npos)
      lineEnd = n;
    StringRef line = StringRef(text).slice(i, lineEnd).ltrim();
    if (line.starts_with("#")) {
      bool isPragma = line.drop_front().ltrim().starts_with("pragma");
      size_t j = i;
      for (;;) {
        size_t end = text.find('\n', j);
        if (end == std::string::npos)
          end = n;
        bool continued = end > j && text[end - 1] == '\\';
        for (size_t k = j; k < end; ++k) {
          text[k] = ' ';
          if (!isPragma)
            out.withPragmas[k] = ' ';
        }
        j = end + 1;
        if (!continued || j >= n)
          break;
      }
      i = j;
      continue;
    }
    i = lineEnd + 1;
  }
  out.code = text;
  return out;
}

bool isIdentChar(char c) { return isAlnum(c) || c == '_'; }

size_t skipSpace(const std::string &s, size_t i) {
  while (i < s.size() && isSpace(s[i]))
    ++i;
  return i;
}

/// Index just past the bracket matching the one at `open`.
size_t matchBracket(const std::string &s, size_t open) {
  char o = s[open], c = o == '(' ? ')' : o == '{' ? '}' : ']';
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == o)
      ++depth;
    else if (s[i] == c && --depth == 0)
      return i + 1;
  }
  return s.size();
}

const StringSet<> &nonFunctionWords() {
  static const StringSet<> words = {
      "if",     "for",      "while",  "switch",  "catch",   "return",
      "sizeof", "alignof",  "decltype", "static_assert", "defined",
      "else",   "do",       "case",   "new",     "delete",  "throw",
      "operator"};
  return words;
}

struct Token {
  StringRef text;
  size_t offset;
};

/// Identifiers, numbers and punctuation of `s[begin, end)`.
std::vector<Token> tokenize(const std::string &s, size_t begin, size_t end) {
  std::vector<Token> tokens;
  for (size_t i = begin; i < end;) {
    char c = s[i];
    if (isSpace(c)) {
      ++i;
    } else if (isIdentChar(c) || (c == '.' && i + 1 < end && isDigit(s[i + 1]))) {
      size_t j = i;
      bool number = isDigit(c) || c == '.';
      while (j < end && (isIdentChar(s[j]) || (number && (s[j] == '.' ||
                                                          s[j] == '\''))))
        ++j;
      tokens.push_back({StringRef(s).slice(i, j), i});
      i = j;
    } else {
      size_t len = s.compare(i, 2, "::") == 0 ? 2 : 1;
      tokens.push_back({StringRef(s).substr(i, len), i});
      i += len;
    }
  }
  return tokens;
}

struct Function {
  std::string name;
  const CleanSource *source;
  size_t bodyBegin, bodyEnd; // the braces, inclusive / exclusive
  size_t nameOffset;
};

std::vector<Function> findFunctions(const CleanSource &src) {
  std::vector<Function> functions;
  const std::string &s = src.code;
  for (size_t i = 0; i < s.size();) {
    if (!isIdentChar(s[i]) || (i > 0 && isIdentChar(s[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && isIdentChar(s[j]))
      ++j;
    StringRef name = StringRef(s).slice(i, j);
    size_t k = skipSpace(s, j);
    if (isDigit(name.front()) || nonFunctionWords().contains(name) ||
        k >= s.size() || s[k] != '(') {
      i = j;
      continue;
    }
    size_t afterParams = skipSpace(s, matchBracket(s, k));
    // Qualifiers between ) and {.
    for (;;) {
      size_t q = afterParams;
      while (q < s.size() && isIdentChar(s[q]))
        ++q;
      StringRef word = StringRef(s).slice(afterParams, q);
      if (word == "const" || word == "noexcept" || word == "override" ||
          word == "final")
        afterParams = skipSpace(s, q);
      else
        break;
    }
    if (afterParams < s.size() && s[afterParams] == '{') {
      size_t end = matchBracket(s, afterParams);
      functions.push_back({name.str(), &src, afterParams, end, i});
      i = end;
      continue;
    }
    i = j;
  }
  return functions;
}

const StringSet<> &containerNames() {
  static const StringSet<> names = {
      "vector",   "deque",          "list",          "forward_list",
      "map",      "multimap",       "set",           "multiset",
      "unordered_map", "unordered_multimap", "unordered_set",
      "unordered_multiset", "string", "wstring",     "queue",
      "priority_queue", "stack",    "basic_string",  "function",
      "shared_ptr", "unique_ptr"};
  return names;
}

bool isFloatLiteral(StringRef token) {
  if (token.empty() || !(isDigit(token.front()) ||
                         (token.front() == '.' && token.size() > 1)))
    return false;
  if (token.starts_with_insensitive("0x") || token.starts_with_insensitive("0b"))
    return token.contains('.') || token.contains_insensitive('p');
  return token.contains('.') || token.contains_insensitive('e');
}

class Checker {
public:
  Checker(ArrayRef<SourceFile> files, StringRef top) : top(top) {
    for (const SourceFile &file : files)
      sources.push_back(clean(file));
    for (const CleanSource &src : sources)
      for (Function &f : findFunctions(src))
        functions.push_back(f);
    for (auto [index, f] : llvm::enumerate(functions))
      byName[f.name].push_back(index);
  }

  std::vector<SynthViolation> run() {
    auto it = byName.find(top);
    if (it == byName.end()) {
      violations.push_back({sources.empty() ? "" : sources.front().name, 0,
                            top.str(),
                            "the top function is not defined in the sources"});
      return violations;
    }
    // Depth-first over the call graph: colour 1 = on the stack.
    std::vector<int> colour(functions.size(), 0);
    std::function<void(size_t)> visit = [&](size_t f) {
      colour[f] = 1;
      checkBody(functions[f]);
      for (auto [callee, offset] : calls(functions[f])) {
        if (colour[callee] == 1) {
          report(functions[f], offset,
                 "recursion: calls '" + functions[callee].name +
                     "', which is already active (a call cycle)");
          continue;
        }
        if (colour[callee] == 0)
          visit(callee);
      }
      colour[f] = 2;
    };
    for (size_t f : it->second)
      visit(f);
    return violations;
  }

private:
  void report(const Function &f, size_t offset, const std::string &message) {
    violations.push_back(
        {f.source->name, f.source->lineOf(offset), f.name, message});
  }

  /// Callees defined in the sources, with the offset of each call.
  std::vector<std::pair<size_t, size_t>> calls(const Function &f) {
    std::vector<std::pair<size_t, size_t>> result;
    const std::string &s = f.source->code;
    std::vector<Token> tokens = tokenize(s, f.bodyBegin, f.bodyEnd);
    for (size_t t = 0; t + 1 < tokens.size(); ++t) {
      if (tokens[t + 1].text != "(" || !isIdentChar(tokens[t].text.front()))
        continue;
      auto it = byName.find(tokens[t].text);
      if (it == byName.end())
        continue;
      for (size_t callee : it->second)
        result.push_back({callee, tokens[t].offset});
    }
    return result;
  }

  /// Checks the function from the start of the line that names it (return
  /// and parameter types) to the end of its body.
  void checkBody(const Function &f) {
    const std::string &s = f.source->code;
    size_t begin = s.rfind('\n', f.nameOffset);
    begin = begin == std::string::npos ? 0 : begin + 1;
    std::vector<Token> tokens = tokenize(s, begin, f.bodyEnd);
    for (size_t t = 0; t < tokens.size(); ++t) {
      StringRef tok = tokens[t].text;
      size_t off = tokens[t].offset;
      StringRef next = t + 1 < tokens.size() ? tokens[t + 1].text : "";
      StringRef prev = t > 0 ? tokens[t - 1].text : "";
      if (tok == "new" || tok == "delete")
        report(f, off, "heap: '" + tok.str() + "' is not synthesizable");
      else if ((tok == "malloc" || tok == "calloc" || tok == "realloc" ||
                tok == "free") &&
               next == "(" && prev != "." && prev != "->")
        report(f, off, "heap: '" + tok.str() + "' is not synthesizable");
      else if (tok == "std" && next == "::" && t + 2 < tokens.size() &&
               containerNames().contains(tokens[t + 2].text))
        report(f, off,
               "standard container 'std::" + tokens[t + 2].text.str() +
                   "' is not synthesizable");
      else if (tok == "float" || tok == "double")
        report(f, off, "floating point: '" + tok.str() +
                           "' (float conversion belongs in the testbench)");
      else if (isFloatLiteral(tok))
        report(f, off, "floating point: literal '" + tok.str() + "'");
      else if (tok == "for" && next == "(")
        checkFor(f, tokens[t + 1].offset);
      else if (tok == "while" && next == "(" && !endsDoLoop(f, off))
        checkLoopBody(f, off, matchBracket(s, tokens[t + 1].offset),
                      "'while' loop without a constant bound");
      else if (tok == "do")
        checkLoopBody(f, off, off + 2, "'do' loop without a constant bound");
    }
  }

  /// True when the `while` at `offset` closes a do { } while (...);
  bool endsDoLoop(const Function &f, size_t offset) {
    const std::string &s = f.source->code;
    size_t i = offset;
    while (i > f.bodyBegin && isSpace(s[i - 1]))
      --i;
    return i > f.bodyBegin && s[i - 1] == '}' && doBlockEnds.count(i);
  }

  /// Whether the loop body starting after `headerEnd` has a constant
  /// LOOP_TRIPCOUNT max before any nested loop.
  bool hasTripCount(const Function &f, size_t headerEnd, size_t *bodyEnd) {
    const std::string &s = f.source->code;
    size_t b = skipSpace(s, headerEnd);
    if (b >= s.size() || s[b] != '{') {
      *bodyEnd = s.find(';', b);
      return false;
    }
    *bodyEnd = matchBracket(s, b);
    StringRef body = StringRef(f.source->withPragmas).slice(b, *bodyEnd);
    size_t pragma = body.find("LOOP_TRIPCOUNT");
    if (pragma == StringRef::npos)
      return false;
    // A nested loop before the pragma means the pragma is not ours.
    for (const Token &tok : tokenize(s, b + 1, b + pragma))
      if (tok.text == "for" || tok.text == "while" || tok.text == "do")
        return false;
    StringRef line = body.drop_front(pragma).take_until(
        [](char c) { return c == '\n'; });
    size_t max = line.find("max");
    if (max == StringRef::npos)
      return false;
    StringRef value = line.drop_front(max + 3).ltrim();
    if (!value.consume_front("="))
      return false;
    value = value.ltrim().take_while([](char c) { return isDigit(c); });
    return !value.empty();
  }

  void checkLoopBody(const Function &f, size_t keyword, size_t headerEnd,
                     StringRef what) {
    size_t bodyEnd = 0;
    bool ok = hasTripCount(f, headerEnd, &bodyEnd);
    if (f.source->code.compare(keyword, 2, "do") == 0)
      doBlockEnds.insert(bodyEnd);
    if (!ok)
      report(f, keyword,
             "unbounded loop: " + what.str() +
                 " and no '#pragma HLS LOOP_TRIPCOUNT max=N'");
  }

  void checkFor(const Function &f, size_t open) {
    const std::string &s = f.source->code;
    size_t close = matchBracket(s, open);
    StringRef header = StringRef(s).slice(open + 1, close - 1);
    SmallVector<StringRef> parts;
    header.split(parts, ';');
    bool constant = false;
    if (parts.size() == 3) {
      StringRef cond = parts[1].trim();
      // `i < 94`, `i <= 7`, `i != 12`, `i > 0`: a literal bound.
      for (StringRef op : {"<=", ">=", "!=", "<", ">"}) {
        size_t at = cond.find(op);
        if (at == StringRef::npos)
          continue;
        StringRef rhs = cond.drop_front(at + op.size()).trim();
        StringRef digits = rhs.take_while([](char c) { return isDigit(c); });
        StringRef suffix = rhs.drop_front(digits.size());
        constant = !digits.empty() &&
                   llvm::all_of(suffix, [](char c) {
                     return c == 'u' || c == 'U' || c == 'l' || c == 'L';
                   });
        break;
      }
    }
    if (constant)
      return;
    size_t bodyEnd = 0;
    if (!hasTripCount(f, close, &bodyEnd))
      report(f, open,
             "unbounded loop: the bound of 'for (" + header.trim().str() +
                 ")' is not an integer constant and the body has no "
                 "'#pragma HLS LOOP_TRIPCOUNT max=N'");
  }

  StringRef top;
  std::vector<CleanSource> sources;
  std::vector<Function> functions;
  StringMap<std::vector<size_t>> byName;
  std::vector<SynthViolation> violations;
  llvm::DenseSet<size_t> doBlockEnds;
};

} // namespace

std::vector<SynthViolation> checkSynthesizable(ArrayRef<SourceFile> sources,
                                               StringRef top) {
  Checker checker(sources, top);
  return checker.run();
}

} // namespace qrcnn::hls
