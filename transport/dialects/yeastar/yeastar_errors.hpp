#pragma once
// The errcodes of Chorus's Yeastar dialect. Yeastar's envelope is
// {"errcode":0,"errmsg":"SUCCESS",...}; the reference document defines errcode 0 only,
// so every non-zero code here is Chorus's extension, one per kind of refusal, listed
// once (the table in yeastar_errors.cpp, reproduced in the README). errmsg says what
// was wrong in a sentence that names the field or parameter.

#include <string>
#include <string_view>

#include "model/error.hpp"

namespace chorus::yeastar {

enum class Errcode : int {
  success = 0,
  access_token_missing = 10001,  // no access_token parameter
  access_token_invalid = 10002,  // not a key chorusd knows
  method_not_allowed = 10003,    // GET for a POST endpoint or the reverse
  no_such_api = 10004,           // a path under /openapi/ that is no endpoint
  malformed_body = 10005,        // not JSON, not an object, or not application/json
  invalid_parameter = 10006,     // a field or query parameter broke a rule
  not_found = 10007,             // no such ring group for this customer (or what it names)
  conflict = 10008,              // the number is taken
  limit_exceeded = 10009,        // a configured limit was hit
  unavailable = 10010,           // the store cannot be written, or chorusd is stopping
  internal_error = 10011,
};

// The code's name in upper snake case ("INVALID_PARAMETER"), for logs and the README.
std::string_view name_of(Errcode code);

// A refusal as the envelope carries it.
struct Failure {
  Errcode errcode;
  std::string errmsg;
};

// An engine or codec error as Yeastar's envelope answers it: its code's errcode, with
// an invalid "body" (the document as a whole) as malformed_body; errmsg is its message.
Failure failure_of(const Error& error);

}  // namespace chorus::yeastar
