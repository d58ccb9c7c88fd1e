#include "transport/sip/sip_inactive_answer.hpp"

#include <string>

#include <gtest/gtest.h>

#include "model/field_limits.hpp"

namespace chorus {
namespace {

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SipInactiveAnswer, HoldsEveryStreamWithTheFirstFormat) {
  std::string offer =
      "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 96 0\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:96 opus/48000/2\r\n"
      "m=video 6002 RTP/AVP 97\r\na=rtpmap:97 H264/90000\r\n";
  auto answer = sip_inactive_answer(offer, "127.0.0.1");
  EXPECT_EQ(answer,
            "v=0\r\no=chorus 0 0 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio 9 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\na=inactive\r\n"
            "m=video 9 RTP/AVP 97\r\na=rtpmap:97 H264/90000\r\na=inactive\r\n");
}

TEST(SipInactiveAnswer, AcceptsBareLineFeedsAndIpv6) {
  auto answer = sip_inactive_answer("v=0\nm=audio 4000 RTP/AVP 8\n", "[::1]");
  EXPECT_NE(answer.find("c=IN IP6 ::1\r\n"), std::string::npos);
  EXPECT_NE(answer.find("m=audio 9 RTP/AVP 8\r\na=inactive\r\n"), std::string::npos);
}

TEST(SipInactiveAnswer, RejectsAnUnreadableStreamButKeepsItsPlace) {
  auto answer = sip_inactive_answer("m=audio\r\nm=audio 1 RTP/AVP 0\r\n", "127.0.0.1");
  EXPECT_NE(answer.find("m=audio 0 RTP/AVP 0\r\nm=audio 9 RTP/AVP 0\r\na=inactive\r\n"),
            std::string::npos);
}

TEST(SipInactiveAnswer, GarbageGivesAWellFormedSessionWithoutMedia) {
  std::string garbage("\0\xff\r\n\r\nm=\x01\x02 x y\r\n", 16);
  auto answer = sip_inactive_answer(garbage, "127.0.0.1");
  EXPECT_EQ(answer.rfind("v=0\r\n", 0), 0U);
  for (char c : answer) {
    auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u == '\r' || u == '\n' || (u >= 0x20 && u < 0x7f)) << int(u);
  }
  EXPECT_EQ(sip_inactive_answer("", "127.0.0.1").find("m="), std::string::npos);
}

TEST(SipInactiveAnswer, ReadsNoMoreThanTheSdpLimit) {
  std::string line = "m=audio 1 RTP/AVP 0\r\n";
  std::string offer;
  while (offer.size() < 2 * field_limits::sdp) offer += line;
  auto answer = sip_inactive_answer(offer, "127.0.0.1");
  EXPECT_EQ(count(answer, "a=inactive"), field_limits::sdp / line.size());
}

}  // namespace
}  // namespace chorus
