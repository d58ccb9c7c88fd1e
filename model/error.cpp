#include "model/error.hpp"

#include <utility>

namespace chorus {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::limit_exceeded:
      return "limit_exceeded";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::elsewhere:
      return "elsewhere";
  }
  return "";
}

Error Error::invalid(std::string field, std::string rule) {
  // Without a field there is nothing to prefix; the rule is the whole sentence.
  std::string message = field.empty() ? std::move(rule) : field + ": " + rule;
  return Error{ErrorCode::invalid_argument, std::move(field), std::move(message)};
}

Error Error::not_found(std::string what) {
  return Error{ErrorCode::not_found, "", std::move(what) + " not found"};
}

Error Error::conflict(std::string message) {
  return Error{ErrorCode::conflict, "", std::move(message)};
}

Error Error::limit(std::string field, std::string message) {
  return Error{ErrorCode::limit_exceeded, std::move(field), std::move(message)};
}

Error Error::unavailable(std::string message) {
  return Error{ErrorCode::unavailable, "", std::move(message)};
}

Error Error::elsewhere(std::string what) {
  return Error{ErrorCode::elsewhere, "", what + " is live on another node of the cluster"};
}

}  // namespace chorus
