#include "transport/sip/sip_metrics.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace chorus {
namespace {

using Direction = SipMetrics::Direction;
using Method = SipMetrics::Method;

TEST(SipMetrics, MethodNames) {
  EXPECT_EQ(SipMetrics::method_of("INVITE"), Method::invite);
  EXPECT_EQ(SipMetrics::method_of("ACK"), Method::ack);
  EXPECT_EQ(SipMetrics::method_of("CANCEL"), Method::cancel);
  EXPECT_EQ(SipMetrics::method_of("BYE"), Method::bye);
  EXPECT_EQ(SipMetrics::method_of("OPTIONS"), Method::options);
  EXPECT_EQ(SipMetrics::method_of("MESSAGE"), Method::other);
  EXPECT_EQ(SipMetrics::method_of("invite"), Method::other);  // methods are case-sensitive
  EXPECT_EQ(SipMetrics::method_of(""), Method::other);
}

TEST(SipMetrics, CountsByDirectionMethodAndCode) {
  SipMetrics metrics;
  metrics.count_request(Direction::sent, Method::invite);
  metrics.count_request(Direction::sent, Method::invite);
  metrics.count_request(Direction::received, Method::bye);
  metrics.count_response(Direction::received, 200);
  metrics.count_response(Direction::sent, 480);
  EXPECT_EQ(metrics.requests(Direction::sent, Method::invite), 2U);
  EXPECT_EQ(metrics.requests(Direction::received, Method::invite), 0U);
  EXPECT_EQ(metrics.requests(Direction::received, Method::bye), 1U);
  EXPECT_EQ(metrics.responses(Direction::received, 200), 1U);
  EXPECT_EQ(metrics.responses(Direction::sent, 200), 0U);
  EXPECT_EQ(metrics.responses(Direction::sent, 480), 1U);
}

TEST(SipMetrics, CodesOutsideSipAreIgnored) {
  SipMetrics metrics;
  for (int status : {-1, 0, 99, 700, 900, 100000}) {
    metrics.count_response(Direction::received, status);
    EXPECT_EQ(metrics.responses(Direction::received, status), 0U);
  }
  metrics.count_response(Direction::received, 100);
  metrics.count_response(Direction::received, 699);
  EXPECT_EQ(metrics.responses(Direction::received, 100), 1U);
  EXPECT_EQ(metrics.responses(Direction::received, 699), 1U);
}

TEST(SipMetrics, RendersOnlyNonZeroSeries) {
  SipMetrics metrics;
  std::ostringstream empty;
  metrics.render(empty);
  EXPECT_EQ(empty.str(), "");
  metrics.count_request(Direction::sent, Method::invite);
  metrics.count_request(Direction::sent, Method::cancel);
  metrics.count_response(Direction::received, 487);
  std::ostringstream out;
  metrics.render(out);
  EXPECT_EQ(out.str(),
            "chorus_sip_requests_total{direction=\"sent\",method=\"INVITE\"} 1\n"
            "chorus_sip_requests_total{direction=\"sent\",method=\"CANCEL\"} 1\n"
            "chorus_sip_responses_total{direction=\"received\",code=\"487\"} 1\n");
}

}  // namespace
}  // namespace chorus
