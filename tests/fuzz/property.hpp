#pragma once
// What the fuzz targets assert. A broken property prints what broke and aborts, which
// libFuzzer reports as a crash and saves the input for; nothing is ever thrown.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "model/result.hpp"
#include "transport/websocket_frame.hpp"

namespace chorus::fuzz {

// Printable, and short enough to read: a failing input may be megabytes.
inline std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < 300; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  if (text.size() > 300) out += "...(" + std::to_string(text.size()) + " bytes)";
  return out + "\"";
}

[[noreturn]] inline void broken(std::string_view property, std::string_view detail = {}) {
  std::fprintf(stderr, "\n*** property broken: %.*s\n    %s\n", static_cast<int>(property.size()),
               property.data(), quoted(detail).c_str());
  std::abort();
}

inline void expect(bool holds, std::string_view property, std::string_view detail = {}) {
  if (!holds) broken(property, detail);
}

inline bool is_utf8(std::string_view text) {
  return websocket::is_valid_utf8(text);
}

// Text the code stores and later emits: well-formed UTF-8 without NUL (issue 13).
inline void expect_clean(std::string_view text, std::string_view what) {
  expect(is_utf8(text), std::string(what) + " is valid UTF-8", text);
  expect(text.find('\0') == std::string_view::npos, std::string(what) + " holds no NUL", text);
}

// A whole JSON document in valid UTF-8, as every body the server sends must be.
inline void expect_json(std::string_view text, std::string_view what) {
  expect(is_utf8(text), std::string(what) + " is valid UTF-8", text);
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (document.HasParseError()) {
    broken(std::string(what) + " is valid JSON (" +
               rapidjson::GetParseError_En(document.GetParseError()) + ")",
           text);
  }
}

// Errors reach clients in JSON bodies and close reasons: they must be clean text.
inline void expect_clean_error(const Error& error, std::string_view what) {
  expect_clean(error.field, std::string(what) + ": the error's field");
  expect_clean(error.message, std::string(what) + ": the error's message");
}

}  // namespace chorus::fuzz
