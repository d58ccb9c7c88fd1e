#include "transport/sip/sip_target.hpp"

#include <string>

#include <gtest/gtest.h>

#include "model/field_limits.hpp"

namespace chorus {
namespace {

Address address(AddressType type, std::string target, std::string target_name = {}) {
  Address a;
  a.type = type;
  a.target = target;
  a.target_name = target_name;
  return a;
}

TEST(SipTarget, SipUrisAreDialledDirectlyWithOrWithoutTheScheme) {
  auto bare = sip_destination(address(AddressType::sip, "alice@127.0.0.1:5070"), "d", "");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_EQ(bare->request_uri, "sip:alice@127.0.0.1:5070");
  EXPECT_EQ(bare->route, "");
  auto full = sip_destination(address(AddressType::sip, "sip:alice@127.0.0.1:5070;transport=tcp"),
                              "d", "sip:proxy");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->request_uri, "sip:alice@127.0.0.1:5070;transport=tcp");
  EXPECT_EQ(full->route, "");  // a SIP URI goes direct even when a proxy is set
  auto sips = sip_destination(address(AddressType::sip, "sips:bob@[::1]:5061"), "d", "");
  ASSERT_TRUE(sips);
  EXPECT_EQ(sips->request_uri, "sips:bob@[::1]:5061");
}

TEST(SipTarget, MalformedSipUrisAreRefusedNamingTheField) {
  for (std::string bad : {"", "alice", "alice@", "@host", "alice@host:0", "alice@host:70000",
                          "alice@ho st", "alice@host\r\nX-Evil: 1", "ali ce@host", "<alice@host>",
                          "alice@[zz]", "alice@host:5060x", "\"a\"@host"}) {
    auto result = sip_destination(address(AddressType::sip, bad), "destinations[1]", "");
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().field, "destinations[1].target") << bad;
  }
  std::string long_uri = "sip:" + std::string(field_limits::address_target, 'a') + "@host";
  EXPECT_FALSE(sip_destination(address(AddressType::sip, long_uri), "d", ""));
}

TEST(SipTarget, TelAndEndpointGoThroughTheProxy) {
  auto tel =
      sip_destination(address(AddressType::tel, "+15551234567"), "d", "sip:proxy.example.com:5080");
  ASSERT_TRUE(tel) << tel.error().message;
  EXPECT_EQ(tel->request_uri, "sip:+15551234567@proxy.example.com:5080");
  EXPECT_EQ(tel->route, "<sip:proxy.example.com:5080;lr>");
  auto endpoint = sip_destination(address(AddressType::endpoint, "bob@example.org"), "d",
                                  "proxy.example.com;lr");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->request_uri, "sip:bob@example.org");
  EXPECT_EQ(endpoint->route, "<sip:proxy.example.com;lr>");
  auto contact = sip_destination(address(AddressType::extension, "2001"), "d", "sip:10.0.0.1");
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->request_uri, "sip:2001@10.0.0.1");
}

TEST(SipTarget, WithoutAProxyTelAndEndpointAreRefused) {
  for (auto type : {AddressType::tel, AddressType::endpoint}) {
    auto result = sip_destination(address(type, "+15551234567"), "destinations[0]", "");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().field, "destinations[0].target");
    EXPECT_NE(result.error().message.find("--sip-outbound-proxy"), std::string::npos);
  }
}

TEST(SipTarget, ProxiedTargetsMustBeUserParts) {
  for (std::string bad : {"+1 555", "1\r\n2", "<1>", "a\"b", ""}) {
    EXPECT_FALSE(sip_destination(address(AddressType::tel, bad), "d", "sip:proxy")) << bad;
  }
}

TEST(SipTarget, TheProxyMustBeASipUri) {
  EXPECT_TRUE(sip_proxy_route("sip:proxy:5060"));
  EXPECT_EQ(*sip_proxy_route("sip:10.0.0.1;lr"), "<sip:10.0.0.1;lr>");
  for (std::string bad : {"", "sip:", "sip:pro xy", "sip:proxy?Route=x", "sip:proxy:99999"}) {
    auto result = sip_proxy_route(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_NE(result.error().message.find("--sip-outbound-proxy"), std::string::npos);
  }
}

TEST(SipTarget, FromCarriesTheSourceNumberAndQuotedName) {
  EXPECT_EQ(from_header_of(address(AddressType::tel, "+15551234", "Alice"), "10.0.0.1"),
            "\"Alice\" <sip:+15551234@10.0.0.1>");
  EXPECT_EQ(from_header_of(address(AddressType::tel, "100", R"(Al "the" \ One)"), "h"),
            R"("Al \"the\" \\ One" <sip:100@h>)");
  EXPECT_EQ(from_header_of(address(AddressType::sip, "sip:carol@example.org"), "h"),
            "<sip:carol@h>");
  EXPECT_EQ(from_header_of(address(AddressType::tel, "Bad\r\nX: y", "A\r\nB"), "h"),
            "\"AB\" <sip:anonymous@h>");
  EXPECT_EQ(from_header_of(address(AddressType::tel, ""), "h"), "<sip:anonymous@h>");
}

TEST(SipTarget, ListenIsHostAndPort) {
  auto v4 = parse_sip_listen("127.0.0.1:5062");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 5062);
  auto any = parse_sip_listen("0.0.0.0:0");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->port, 0);
  auto v6 = parse_sip_listen("[::1]:5060");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "[::1]");
  for (std::string bad : {"", "127.0.0.1", ":5060", "host:", "host:65536", "ho st:1", "h:1x"}) {
    EXPECT_FALSE(parse_sip_listen(bad)) << bad;
  }
}

}  // namespace
}  // namespace chorus
