#pragma once
// What each engine error answers over HTTP: its status and the error envelope's
// reason. One table for the REST API and the APIO dialect, which answer in the same
// envelope, so an engine error reads alike on both.

#include <string_view>

#include <boost/beast/http/status.hpp>

#include "model/error.hpp"

namespace chorus {

struct ErrorMeaning {
  ErrorCode code;
  boost::beast::http::status status;
  std::string_view reason;
};

inline constexpr ErrorMeaning error_meanings[] = {
    {ErrorCode::invalid_argument, boost::beast::http::status::bad_request, "INVALID_ARGUMENT"},
    {ErrorCode::not_found, boost::beast::http::status::not_found, "NOT_FOUND"},
    {ErrorCode::conflict, boost::beast::http::status::conflict, "CONFLICT"},
    {ErrorCode::limit_exceeded, boost::beast::http::status::bad_request, "LIMIT_EXCEEDED"},
    {ErrorCode::unavailable, boost::beast::http::status::service_unavailable, "UNAVAILABLE"},
    // Answered only when the operation could not go to that node (no node answered).
    {ErrorCode::elsewhere, boost::beast::http::status::service_unavailable, "OWNER_UNREACHABLE"},
};

// What a failure no table row covers answers (an exception, a code added later).
inline constexpr ErrorMeaning internal_error{
    ErrorCode::unavailable, boost::beast::http::status::internal_server_error, "INTERNAL_ERROR"};

inline const ErrorMeaning& meaning_of(ErrorCode code) {
  for (const ErrorMeaning& m : error_meanings) {
    if (m.code == code) return m;
  }
  return internal_error;
}

}  // namespace chorus
