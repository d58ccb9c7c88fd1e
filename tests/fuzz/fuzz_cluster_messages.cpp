// What another node of a cluster sends over NATS, read as hostile: a forwarded
// operation (transport/cluster/operation_messages.hpp), its answer, a directory
// change (directory_sharing.hpp), and a conference's request, a seat's answer and
// an acknowledgement (conference_messages.hpp), picked by the first byte; the rest
// is the message. Properties: an accepted request is an operation on a /v1.0/ path
// and re-encodes to a request that reads back the same; an accepted answer has a
// status from 200 to 599; an accepted directory change or conference request
// re-encodes to one that reads back the same; an accepted seat's answer is the
// participant asked for, or an error; every error is clean text.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "property.hpp"
#include "transport/cluster/conference_messages.hpp"
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

void check_conference_request(std::string_view text) {
  auto request = chorus::decode_conference_request(text);
  if (!request) return chorus::fuzz::expect_clean(request.error().message, "the error");
  const std::string again = chorus::encode_conference_request(*request);
  auto back = chorus::decode_conference_request(again);
  chorus::fuzz::expect(back.ok() && chorus::encode_conference_request(*back) == again,
                       "encode, decode gives the same conference request", again);
}

// The seat the corpus's answers were asked for.
const chorus::RemoteSeat asked{*chorus::Uuid::parse("5e4a0e3e-2b7b-4f3c-9d5a-1c2e3f4a5b6c"),
                               *chorus::Uuid::parse("0b2f6c1a-8d3e-4f5a-9b6c-7d8e9f0a1b2c"),
                               *chorus::Uuid::parse("c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"),
                               *chorus::Uuid::parse("9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")};

void check_seat_answer(std::string_view text) {
  auto answer = chorus::decode_seat_answer(text, asked);
  if (!answer) return chorus::fuzz::expect_clean(answer.error().message, "the error");
  const auto& participant = answer->participant;
  if (!participant) return;  // a refusal the asking node passes on: any engine error
  chorus::fuzz::expect(participant->id == asked.conferencecall_id &&
                           participant->conference_id == asked.conference_id &&
                           participant->reference_id == asked.call_id &&
                           participant->customer_id == asked.customer_id,
                       "an accepted seat is the participant asked for", text);
}

void check_ack(std::string_view text) {
  auto ack = chorus::decode_ack(text);
  if (!ack) chorus::fuzz::expect_clean(ack.error().message, "the error");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Indexed by the first byte: '0' (48) to '5' pick 0 to 5, as the corpus has them.
  static constexpr void (*checks[])(std::string_view) = {
      check_request,     check_answer, check_directory_change, check_conference_request,
      check_seat_answer, check_ack};
  checks[data[0] % std::size(checks)](text);
  return 0;
}
