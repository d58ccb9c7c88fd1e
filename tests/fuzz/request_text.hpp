#pragma once
// An HTTP request written as fuzz input, in a form the mutator keeps readable:
//   METHOD TARGET\n
//   Name: value\n      (any number of header lines)
//   \n
//   body...
// Only what Beast's parser would let through reaches the handlers: a method and header
// names made of token characters, a target of visible characters, header values
// without CR, LF or NUL. Anything else gives nullopt.

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/verb.hpp>

#include "transport/http_server.hpp"

namespace chorus::fuzz {

inline bool is_token(std::string_view text) {
  constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
  if (text.empty()) return false;
  for (char c : text) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && specials.find(c) == std::string_view::npos) return false;
  }
  return true;
}

inline bool is_target(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return false;
  }
  return true;
}

inline bool is_field_value(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return false;
  }
  return true;
}

// The next line of `text` (without its "\n"), removed from `text`.
inline std::string_view take_line(std::string_view& text) {
  auto end = text.find('\n');
  auto line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

inline std::optional<HttpRequest> request_from_text(std::string_view text) {
  std::string_view start = take_line(text);
  auto space = start.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view method = start.substr(0, space), target = start.substr(space + 1);
  if (!is_token(method) || !is_target(target)) return std::nullopt;
  HttpRequest request;
  request.version(11);
  auto verb = boost::beast::http::string_to_verb(method);
  if (verb == boost::beast::http::verb::unknown) {
    request.method_string(method);
  } else {
    request.method(verb);
  }
  request.target(target);
  while (!text.empty()) {
    std::string_view line = take_line(text);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view name = line.substr(0, colon), value = line.substr(colon + 1);
    // The parser trims the optional whitespace around a value.
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (!is_token(name) || !is_field_value(value)) return std::nullopt;
    request.insert(name, value);
  }
  request.body() = std::string(text);
  request.prepare_payload();
  return request;
}

}  // namespace chorus::fuzz
