#pragma once
// The engine's error value: what was wrong, which field, and a sentence for humans.
// Every refusal the engine makes (bad input, unknown resource, limits) is one of these,
// so the REST layer can answer {"error":"<code>","message":"..."} without guessing.

#include <string>
#include <string_view>

namespace chorus {

enum class ErrorCode {
  invalid_argument,  // input broke a rule; `field` names where
  not_found,         // no such resource for this customer
  conflict,          // the resource's state does not allow the request
  limit_exceeded,    // a configured engine limit was hit
  unavailable,       // the engine is stopping or not running
  elsewhere,         // the resource is live on another node of its cluster
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::invalid_argument;
  std::string field;    // JSON path of the offending field, "" when not about a field
  std::string message;  // names the field and the rule it broke

  static Error invalid(std::string field, std::string rule);
  static Error not_found(std::string what);
  static Error conflict(std::string message);
  static Error limit(std::string field, std::string message);
  static Error unavailable(std::string message);
  // `what` ("groupcall") is live on another node: the operation goes to that node.
  static Error elsewhere(std::string what);
};

}  // namespace chorus
