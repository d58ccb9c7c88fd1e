#include "transport/dialects/yeastar/yeastar_errors.hpp"

#include <utility>

namespace chorus::yeastar {

namespace {

struct ErrcodeName {
  Errcode code;
  std::string_view name;
};
constexpr ErrcodeName errcode_names[] = {
    {Errcode::success, "SUCCESS"},
    {Errcode::access_token_missing, "ACCESS_TOKEN_MISSING"},
    {Errcode::access_token_invalid, "ACCESS_TOKEN_INVALID"},
    {Errcode::method_not_allowed, "METHOD_NOT_ALLOWED"},
    {Errcode::no_such_api, "NO_SUCH_API"},
    {Errcode::malformed_body, "MALFORMED_BODY"},
    {Errcode::invalid_parameter, "INVALID_PARAMETER"},
    {Errcode::not_found, "NOT_FOUND"},
    {Errcode::conflict, "CONFLICT"},
    {Errcode::limit_exceeded, "LIMIT_EXCEEDED"},
    {Errcode::unavailable, "UNAVAILABLE"},
    {Errcode::internal_error, "INTERNAL_ERROR"},
};

// What each engine error answers.
struct EngineMeaning {
  ErrorCode engine;
  Errcode errcode;
};
constexpr EngineMeaning engine_meanings[] = {
    {ErrorCode::invalid_argument, Errcode::invalid_parameter},
    {ErrorCode::not_found, Errcode::not_found},
    {ErrorCode::conflict, Errcode::conflict},
    {ErrorCode::limit_exceeded, Errcode::limit_exceeded},
    {ErrorCode::unavailable, Errcode::unavailable},
    {ErrorCode::elsewhere, Errcode::unavailable},  // no node of the cluster answered
};

}  // namespace

std::string_view name_of(Errcode code) {
  for (const auto& entry : errcode_names) {
    if (entry.code == code) return entry.name;
  }
  return "UNKNOWN";
}

Failure failure_of(const Error& error) {
  // The codecs name the whole document "body" when it is not JSON or not an object.
  if (error.code == ErrorCode::invalid_argument && error.field == "body") {
    return {Errcode::malformed_body, error.message};
  }
  for (const auto& meaning : engine_meanings) {
    if (meaning.engine == error.code) return {meaning.errcode, error.message};
  }
  return {Errcode::internal_error, error.message};
}

}  // namespace chorus::yeastar
