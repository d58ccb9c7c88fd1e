// What another node of a cluster sends over NATS, read as hostile: a forwarded
// operation (transport/cluster/operation_messages.hpp), its answer, and a
// directory change (directory_sharing.hpp), picked by the first byte; the rest is
// the message. Properties: an accepted request is an operation on a /v1.0/ path
// and re-encodes to a request that reads back the same; an accepted answer has a
// status from 200 to 599; an accepted directory change re-encodes to one that
// reads back the same; every error is clean text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "property.hpp"
#include "transport/cluster/directory_sharing.hpp"
#include "transport/cluster/operation_messages.hpp"

namespace {

namespace http = boost::beast::http;

void check_request(std::string_view text) {
  auto request = chorus::decode_request(text);
  if (!request) return chorus::fuzz::expect_clean(request.error().message, "the error");
  const auto method = request->request.method();
  chorus::fuzz::expect(
      method == http::verb::post || method == http::verb::put || method == http::verb::delete_,
      "a forwarded request is an operation", text);
  std::string_view target(request->request.target().data(), request->request.target().size());
  chorus::fuzz::expect(target.rfind("/v1.0/", 0) == 0 && target.find('?') == std::string::npos,
                       "a forwarded request is on a /v1.0/ path, without a query", target);
  const std::string again = chorus::encode_request(request->customer_id, request->request);
  auto back = chorus::decode_request(again);
  chorus::fuzz::expect(back.ok() && back->customer_id == request->customer_id &&
                           back->request.target() == request->request.target() &&
                           back->request.body() == request->request.body(),
                       "encode, decode gives the same request", again);
}

void check_answer(std::string_view text) {
  auto answer = chorus::decode_answer(text);
  if (!answer) return chorus::fuzz::expect_clean(answer.error().message, "the error");
  chorus::fuzz::expect(answer->status >= 200 && answer->status <= 599,
                       "an answer's status is from 200 to 599", text);
}

void check_directory_change(std::string_view text) {
  auto row = chorus::decode_directory_change(text);
  if (!row) return chorus::fuzz::expect_clean(row.error().message, "the error");
  auto again = chorus::encode_directory_change(*row);
  if (!again) chorus::fuzz::broken("an accepted change is a directory entry", text);
  auto back = chorus::decode_directory_change(*again);
  chorus::fuzz::expect(back.ok() && chorus::encode_directory_change(*back) == again,
                       "decode, encode, decode gives the same change", *again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      check_request(text);
      break;
    case 1:
      check_answer(text);
      break;
    default:
      check_directory_change(text);
      break;
  }
  return 0;
}
