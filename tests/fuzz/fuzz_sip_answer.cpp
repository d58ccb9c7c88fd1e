// The SDP answer the SIP driver sends in an ACK (transport/sip/sip_inactive_answer)
// is built from an offer a far end sent: anything at all. Properties: the answer is
// bounded (a few lines per m= line of a bounded offer), every line ends in CRLF,
// holds no other control character, and every media line is held inactive or
// rejected (port 0, RFC 3264) when it could not be read.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/field_limits.hpp"
#include "property.hpp"
#include "transport/sip/sip_inactive_answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chorus::fuzz::expect;
  std::string_view offer(reinterpret_cast<const char*>(data), size);
  auto answer = chorus::sip_inactive_answer(offer, "127.0.0.1");
  expect(answer.size() <= 2 * chorus::field_limits::sdp + 4096, "an answer is bounded",
         std::to_string(answer.size()));
  std::size_t media = 0, inactive = 0, rejected = 0;
  std::size_t start = 0;
  while (start < answer.size()) {
    auto end = answer.find("\r\n", start);
    expect(end != std::string::npos, "every line ends in CRLF", answer.substr(start));
    auto line = std::string_view(answer).substr(start, end - start);
    for (unsigned char c : line) {
      expect(c >= 0x20 && c != 0x7f, "a line holds no control character", line);
    }
    if (line.rfind("m=", 0) == 0) {
      ++media;
      auto port = line.find(' ');
      rejected += port != std::string_view::npos && line.substr(port, 3) == " 0 ";
    }
    inactive += line == "a=inactive";
    start = end + 2;
  }
  expect(inactive + rejected == media, "every media line is held inactive or rejected", answer);
  return 0;
}
