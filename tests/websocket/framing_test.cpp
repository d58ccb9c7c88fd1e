// The gateway's own RFC 6455 framing against a real chorusd: the opening
// handshake (refusals before any upgrade, taking no slot; the accept key), client
// frames (fragments, pings, masking, UTF-8, the closing handshake), events leaving
// several per write, and what /metrics says about all of it.

#include <gtest/gtest.h>

#include <thread>

#include <boost/algorithm/string/predicate.hpp>

#include "heavy_traffic.hpp"
#include "model/uuid.hpp"

namespace chorus::wstest {
namespace {

std::string target_a() {
  return "/v1.0/ws?token=" + key_a;
}

// A handshake refusal: `status` (400, or 426 for the version), the error envelope
// with reason INVALID_ARGUMENT about `field`, and no upgrade.
void expect_refusal(const HttpResponse& r, unsigned status, const std::string& field) {
  EXPECT_FALSE(r.has_header("Sec-WebSocket-Accept")) << "a refusal is not an upgrade";
  test::expect_error(r, status, "INVALID_ARGUMENT", field, field);
}

// Sends an upgrade request with these header values and reads the whole answer.
HttpResponse answer_to(RawWsPeer& peer, RawWsPeer::Upgrade upgrade) {
  EXPECT_TRUE(peer.send_upgrade(target_a(), upgrade));
  return peer.read_response();
}

// The next frame that is not a ping (the server's keep-alive).
std::optional<RawWsPeer::Frame> next_non_ping(RawWsPeer& peer,
                                              std::chrono::milliseconds timeout = 3s) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = peer.read_frame(left);
    if (!frame || frame->opcode != 9) return frame;
  }
}

// A raw peer upgraded on A's key, or a failure.
std::unique_ptr<RawWsPeer> upgraded_peer(std::uint16_t port) {
  auto peer = std::make_unique<RawWsPeer>(port);
  EXPECT_EQ(peer->upgrade(target_a()), 101u);
  return peer;
}

// Expects the server's close frame with `code`, then the end of the stream
// (while this side has not closed anything).
void expect_closed_with(RawWsPeer& peer, unsigned code) {
  auto frame = next_non_ping(peer);
  ASSERT_TRUE(frame) << "no frame after the violation";
  EXPECT_FALSE(frame->masked);
  ASSERT_EQ(frame->opcode, 8) << "expected a close frame, got opcode " << frame->opcode << ": "
                              << frame->payload;
  EXPECT_EQ(frame->close_code(), code) << "reason: " << frame->close_reason();
  auto before = Clock::now();
  EXPECT_TRUE(peer.wait_eof(3s)) << "the server kept the connection after its close frame";
  EXPECT_LT(Clock::now() - before, 2s) << "the server should end its side at once";
}

std::vector<std::string> legs(const std::string& prefix, int count, const std::string& script) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(prefix + std::to_string(i) + "@sim;" + script);
  return out;
}

// --- The opening handshake -------------------------------------------------------

// Every frame until `groupcalls` groupcalls of `per_groupcall` legs have all
// ended, and whatever followed within 200 ms (nothing should).
template <class Client>
std::vector<Frame> collect_until_ended(Client& client, int groupcalls, int per_groupcall) {
  auto frames = collect(client, ended(groupcalls, groupcalls * per_groupcall), 8s);
  auto late = drain(client, 200ms);
  frames.insert(frames.end(), late.begin(), late.end());
  EXPECT_EQ(count_type(frames, "call_hangup"),
            static_cast<std::size_t>(groupcalls * per_groupcall));
  return frames;
}

TEST(WsFraming, HandshakeRefusalsComeBeforeTheUpgradeAndTakeNoSlot) {
  Chorusd chorusd({"--ws-max-connections", "1"});
  auto port = chorusd.port();

  for (auto version : std::vector<std::optional<std::string>>{"12", "8", std::nullopt}) {
    SCOPED_TRACE("Sec-WebSocket-Version: " + version.value_or("(none)"));
    RawWsPeer peer(port);
    RawWsPeer::Upgrade upgrade;
    upgrade.version = version;
    auto r = answer_to(peer, upgrade);
    expect_refusal(r, 426, "Sec-WebSocket-Version");
    // RFC 6455 4.4: the version the server does speak.
    EXPECT_EQ(r.header("Sec-WebSocket-Version"), "13");
    EXPECT_TRUE(peer.wait_eof(3s)) << "a refused upgrade must not leave the connection open";
  }

  for (auto key : std::vector<std::optional<std::string>>{
           std::nullopt,                // missing
           "not a websocket key",       // not base64
           "dGhlIHNhbXBsZSBub25j",      // 15 bytes
           "dGhlIHNhbXBsZSBub25jZSEh",  // 18 bytes, no padding
       }) {
    SCOPED_TRACE("Sec-WebSocket-Key: " + key.value_or("(none)"));
    RawWsPeer peer(port);
    RawWsPeer::Upgrade upgrade;
    upgrade.key = key;
    expect_refusal(answer_to(peer, upgrade), 400, "Sec-WebSocket-Key");
    EXPECT_TRUE(peer.wait_eof(3s)) << "a refused upgrade must not leave the connection open";
  }

  // None of them took the only slot: a valid client still gets it.
  EXPECT_EQ(scrape_metrics(port)["chorus_ws_connections"], 0);
  auto client = open_client(port, key_a, {topic(customer_a)});
  ASSERT_TRUE(client->is_open());
  EXPECT_EQ(scrape_metrics(port)["chorus_ws_connections"], 1);
  // With the slot taken, a bad handshake is still refused for what it is (the
  // handshake is checked before the slot is counted), and takes nothing.
  {
    RawWsPeer peer(port);
    RawWsPeer::Upgrade upgrade;
    upgrade.version = "12";
    expect_refusal(answer_to(peer, upgrade), 426, "Sec-WebSocket-Version");
  }
  {
    RawWsPeer peer(port);
    EXPECT_EQ(peer.upgrade(target_a()), 503u) << "the slot is held";
  }
  EXPECT_EQ(scrape_metrics(port)["chorus_ws_connections"], 1);
  // The connection that got the slot works.
  create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  auto frames = collect(*client, ended(1, 1), 5s);
  EXPECT_EQ(count_type(frames, "groupcall_hangup"), 1u);
}

TEST(WsFraming, TheUpgradeCarriesTheAcceptKeyOfTheKeySent) {
  Chorusd chorusd;
  auto port = chorusd.port();
  // base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), computed apart
  // from chorusd: the first is RFC 6455's own example (section 1.3).
  const std::vector<std::pair<std::string, std::string>> keys{
      {"dGhlIHNhbXBsZSBub25jZQ==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
      {"x3JJHMbDL1EzLkh9GBhXDw==", "HSmrc0sMlYUkAGmm5OPpG2HaGWk="},
      {"AAAAAAAAAAAAAAAAAAAAAA==", "ICX+Yqv66kxgM0FcWaLWlFLwTAI="},
  };
  for (auto& [key, accept] : keys) {
    SCOPED_TRACE("Sec-WebSocket-Key: " + key);
    RawWsPeer peer(port);
    RawWsPeer::Upgrade upgrade;
    upgrade.key = key;
    // Offered an extension, the server takes none (it frames with no reserved bits).
    upgrade.extra = {{"Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"}};
    ASSERT_TRUE(peer.send_upgrade(target_a(), upgrade));
    auto r = peer.read_response(5s, false);
    ASSERT_EQ(r.status, 101u);
    EXPECT_EQ(r.header("Sec-WebSocket-Accept"), accept);
    EXPECT_TRUE(boost::iequals(r.header("Upgrade"), "websocket")) << r.header("Upgrade");
    EXPECT_TRUE(boost::iequals(r.header("Connection"), "Upgrade")) << r.header("Connection");
    EXPECT_FALSE(r.has_header("Sec-WebSocket-Extensions"));
    EXPECT_FALSE(r.has_header("Content-Length")) << "a 101 has no body";
    // And the connection speaks WebSocket right after it.
    ASSERT_TRUE(peer.send_frame(topics_message("subscribe", {topic(customer_a)})));
    auto frame = next_non_ping(peer);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->opcode, 1);
    EXPECT_EQ(parse_frame(frame->payload).type, "subscribed") << frame->payload;
  }
}

TEST(WsFraming, RefusalsAndTheUpgradeCarryTheRequestsIdOrANewUuid) {
  Chorusd chorusd;
  auto port = chorusd.port();
  // The X-Request-Id a peer sends (none when empty) on an upgrade to `target`, and
  // the answer's head; a 101 has no body, a refusal's is read whole.
  auto answer_with = [port](const std::string& target, const std::string& sent) {
    RawWsPeer peer(port);
    RawWsPeer::Upgrade upgrade;
    if (!sent.empty()) upgrade.extra = {{"X-Request-Id", sent}};
    EXPECT_TRUE(peer.send_upgrade(target, upgrade));
    return peer.read_response(5s);
  };
  auto is_uuid = [](const std::string& id) { return Uuid::parse(id).has_value(); };
  const std::string keyless = "/v1.0/ws?token=wrong";

  // Echoed when safe: on a refusal (header and envelope) and on the 101.
  auto refused = answer_with(keyless, "trace-42.a");
  ASSERT_EQ(refused.status, 401u);
  EXPECT_EQ(refused.header("X-Request-Id"), "trace-42.a");
  test::expect_error_envelope(refused.body, refused.header("X-Request-Id"), 401, "UNAUTHORIZED", "",
                              "");
  auto upgraded = answer_with(target_a(), "trace-42.b");
  ASSERT_EQ(upgraded.status, 101u);
  EXPECT_EQ(upgraded.header("X-Request-Id"), "trace-42.b");

  // None sent, one unsafe (a quote) or one holding an API key: a fresh UUID instead,
  // different on every answer, and the key is never repeated.
  std::set<std::string> generated;
  for (std::string sent : {std::string(), std::string("has\"quote"), "x-" + key_a}) {
    SCOPED_TRACE("X-Request-Id: " + sent);
    auto refusal = answer_with(keyless, sent);
    ASSERT_EQ(refusal.status, 401u);
    auto id = refusal.header("X-Request-Id");
    EXPECT_TRUE(is_uuid(id)) << id;
    test::expect_error_envelope(refusal.body, id, 401, "UNAUTHORIZED", "", "");
    EXPECT_EQ(refusal.body.find(key_a), std::string::npos) << refusal.body;
    generated.insert(id);
    auto upgrade = answer_with(target_a(), sent);
    ASSERT_EQ(upgrade.status, 101u);
    EXPECT_TRUE(is_uuid(upgrade.header("X-Request-Id"))) << upgrade.header("X-Request-Id");
    generated.insert(upgrade.header("X-Request-Id"));
  }
  EXPECT_EQ(generated.size(), 6u) << "every answer gets an id of its own";

  // Every other refusal carries it too: a wrong path and a bad handshake.
  auto wrong_path = answer_with("/v1.0/websocket?token=" + key_a, "trace-42.c");
  ASSERT_EQ(wrong_path.status, 404u);
  test::expect_error_envelope(wrong_path.body, wrong_path.header("X-Request-Id"), 404,
                              "PATH_NOT_FOUND", "", "");
  EXPECT_EQ(wrong_path.header("X-Request-Id"), "trace-42.c");
  RawWsPeer peer(port);
  RawWsPeer::Upgrade old_version;
  old_version.version = "8";
  old_version.extra = {{"X-Request-Id", "trace-42.d"}};
  auto r = answer_to(peer, old_version);
  expect_refusal(r, 426, "Sec-WebSocket-Version");
  EXPECT_EQ(r.header("X-Request-Id"), "trace-42.d");
}

// --- Client frames -----------------------------------------------------------------

TEST(WsFraming, AMessageInThreeFragmentsIsAckedAsOneAndPingsBetweenThemAnswered) {
  Chorusd chorusd;
  auto port = chorusd.port();
  // A subscribe with an extra member holding U+1F600, whose four UTF-8 bytes are
  // split between the first two fragments: only the whole message is UTF-8.
  std::string message = R"({"type":"subscribe","note":"grin )"
                        "\xF0\x9F\x98\x80"
                        R"(","topics":[)" +
                        test::quoted(topic(customer_a)) + "]}";
  auto split = message.find("\xF0\x9F") + 2;
  auto second_end = split + 12;
  std::string first = message.substr(0, split), second = message.substr(split, second_end - split),
              third = message.substr(second_end);

  RawWsPeer peer(port);
  // The first fragment comes in the same write as the upgrade request.
  RawWsPeer::Upgrade upgrade;
  upgrade.trailing = RawWsPeer::frame_bytes(first, 1, false);
  ASSERT_TRUE(peer.send_upgrade(target_a(), upgrade));
  ASSERT_EQ(peer.read_response(5s, false).status, 101u);
  auto early = peer.read_frame(200ms);
  EXPECT_FALSE(early) << "nothing is answered before the message is whole (opcode " << early->opcode
                      << ": " << early->payload << ")";

  // A control frame may come between fragments: answered at once, same payload.
  static const char ping_bytes[] = "\x00\xFFping between fragments\x80";
  const std::string ping_payload(ping_bytes, sizeof ping_bytes - 1);
  ASSERT_TRUE(peer.send_frame(ping_payload, 9));
  auto pong = peer.read_frame(3s);
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->opcode, 10);
  EXPECT_TRUE(pong->fin);
  EXPECT_FALSE(pong->masked);
  EXPECT_EQ(pong->payload, ping_payload);

  ASSERT_TRUE(peer.send_frame(second, 0, false));
  std::this_thread::sleep_for(50ms);  // the fragments arrive in separate reads
  ASSERT_TRUE(peer.send_frame(third, 0, true));
  auto ack = peer.read_frame(3s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->opcode, 1);
  EXPECT_TRUE(ack->fin);
  EXPECT_FALSE(ack->masked);
  auto reply = parse_frame(ack->payload);
  EXPECT_EQ(reply.type, "subscribed") << ack->payload;
  EXPECT_EQ(reply.topics, std::vector<std::string>{topic(customer_a)}) << ack->payload;
  auto extra = peer.read_frame(300ms);
  EXPECT_FALSE(extra) << "one message, one reply; then opcode " << extra->opcode << ": "
                      << extra->payload;

  // The subscription it made delivers.
  auto gc = create_groupcall(port, key_a, {"x@sim;answer=10;hangup=10"});
  std::vector<std::string> types;
  while (types.empty() || types.back() != "groupcall_hangup") {
    auto frame = next_non_ping(peer, 5s);
    ASSERT_TRUE(frame) << "events stopped after " << types.size();
    ASSERT_EQ(frame->opcode, 1);
    auto event = parse_frame(frame->payload);
    EXPECT_EQ(event.seq.value_or(0), types.size() + 1) << frame->payload;
    types.push_back(event.type);
  }
  EXPECT_EQ(types.front(), "groupcall_created");
}

TEST(WsFraming, APingIsAnsweredByAPongWithTheSamePayload) {
  Chorusd chorusd;
  auto peer = upgraded_peer(chorusd.port());
  std::string largest(125, '\0');  // a control frame's most
  for (std::size_t i = 0; i < largest.size(); ++i) largest[i] = static_cast<char>(i * 7 + 3);
  for (auto& payload : {std::string("hello"), std::string(), largest}) {
    SCOPED_TRACE("a ping of " + std::to_string(payload.size()) + " bytes");
    ASSERT_TRUE(peer->send_frame(payload, 9));
    auto pong = peer->read_frame(3s);
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->opcode, 10);
    EXPECT_TRUE(pong->fin);
    EXPECT_FALSE(pong->masked);
    EXPECT_EQ(pong->payload, payload);
  }
  // Pings in one write with a message: each answered, in order, around the ack.
  ASSERT_TRUE(
      peer->send_bytes(RawWsPeer::frame_bytes("one", 9) +
                       RawWsPeer::frame_bytes(topics_message("subscribe", {topic(customer_a)})) +
                       RawWsPeer::frame_bytes("two", 9)));
  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i) {
    auto frame = peer->read_frame(3s);
    ASSERT_TRUE(frame) << "after " << i << " frames";
    got.push_back(std::to_string(frame->opcode) + ":" +
                  (frame->opcode == 1 ? parse_frame(frame->payload).type : frame->payload));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"10:one", "1:subscribed", "10:two"}));
}

TEST(WsFraming, AnUnmaskedFrameIsClosedWith1002AndCountedAsAProtocolError) {
  Chorusd chorusd({"--ws-max-connections", "1"});
  auto port = chorusd.port();
  auto before = scrape_metrics(port);
  EXPECT_EQ(before[ws_closed("protocol_error")], 0);
  auto peer = upgraded_peer(port);
  // A well-formed subscribe, but unmasked: it is not acted on.
  ASSERT_TRUE(peer->send_frame(topics_message("subscribe", {topic(customer_a)}), 1, true, false));
  expect_closed_with(*peer, 1002);
  auto after = scrape_metrics(port);
  EXPECT_EQ(after[ws_closed("protocol_error")], 1);
  for (auto* cause : {"too_slow", "dead_peer", "message_too_big", "flooding"}) {
    EXPECT_EQ(after[ws_closed(cause)], 0) << cause;
  }
  // Once this side closes too, the slot comes back.
  peer.reset();
  EXPECT_TRUE(connect_within(port, key_a, 2s)) << "the closed connection still holds its slot";
}

TEST(WsFraming, ATextMessageThatIsNotUtf8IsClosedWith1007) {
  Chorusd chorusd;
  auto port = chorusd.port();
  auto peer = upgraded_peer(port);
  // A subscribe whose topic ends in a byte UTF-8 never uses: were it let through,
  // the answer would be an error frame about the topic instead.
  std::string message = topics_message("subscribe", {topic(customer_a)});
  message.insert(message.size() - 3, "\xFF");
  ASSERT_TRUE(peer->send_frame(message));
  expect_closed_with(*peer, 1007);
  EXPECT_EQ(scrape_metrics(port)[ws_closed("protocol_error")], 1);

  // So is one whose last character is cut short, fragmented or not.
  auto cut = upgraded_peer(port);
  ASSERT_TRUE(cut->send_frame(R"({"type":"subscribe","x":")", 1, false));
  ASSERT_TRUE(cut->send_frame("\xE2\x82", 0, true));
  expect_closed_with(*cut, 1007);
}

TEST(WsFraming, AClientCloseIsEchoedThenTheServerEndsTheConnectionAndFreesTheSlot) {
  Chorusd chorusd({"--ws-max-connections", "1"});
  auto port = chorusd.port();
  auto peer = upgraded_peer(port);
  ASSERT_TRUE(peer->send_frame(topics_message("subscribe", {topic(customer_a)})));
  auto ack = next_non_ping(*peer);
  ASSERT_TRUE(ack);
  EXPECT_EQ(parse_frame(ack->payload).type, "subscribed");
  WsClient refused(port, with_token(key_a));
  EXPECT_EQ(refused.connect(), 503u) << "the peer holds the only slot";

  ASSERT_TRUE(peer->send_close(1000, "done"));
  auto close = next_non_ping(*peer);
  ASSERT_TRUE(close);
  EXPECT_FALSE(close->masked);
  ASSERT_EQ(close->opcode, 8);
  EXPECT_EQ(close->close_code(), 1000u);
  // The server ends the TCP connection itself (RFC 6455 7.1.1), this side still open.
  auto closed_at = Clock::now();
  EXPECT_TRUE(peer->wait_eof(3s)) << "the server kept the connection after the closing handshake";
  EXPECT_LT(Clock::now() - closed_at, 2s);
  auto next = connect_within(port, key_a, 2s);
  ASSERT_TRUE(next) << "the closed connection still holds its slot";
  // A close the client began is no close by the server.
  auto m = scrape_metrics(port);
  EXPECT_EQ(m["chorus_ws_connections"], 1);
  for (auto* cause : {"too_slow", "dead_peer", "protocol_error", "message_too_big", "flooding"}) {
    EXPECT_EQ(m[ws_closed(cause)], 0) << cause;
  }
}

// --- Batching ---------------------------------------------------------------------

TEST(WsFraming, EventsLeaveSeveralPerWrite) {
  Chorusd chorusd;
  auto port = chorusd.port();
  auto client = open_client(port, key_a, {topic(customer_a)});
  ASSERT_TRUE(client->is_open());
  auto before = scrape_metrics(port);
  EXPECT_EQ(before["chorus_ws_connections"], 1);

  // Three groupcalls of ten legs each that ring, then are busy, all at once: 33
  // events per groupcall in a few bursts.
  constexpr int groupcalls = 3, per_groupcall = 10;
  for (int g = 0; g < groupcalls; ++g) {
    auto created = create_groupcall(
        port, key_a, legs("g" + std::to_string(g) + "-", per_groupcall, "ring=20;busy=30"));
    ASSERT_EQ(created.call_ids.size(), static_cast<std::size_t>(per_groupcall)) << created.body;
  }
  auto frames = collect_until_ended(*client, groupcalls, per_groupcall);
  ASSERT_EQ(count_type(frames, "groupcall_hangup"), static_cast<std::size_t>(groupcalls));
  expect_seq_continuous(frames);
  expect_resource_order(frames, true);

  auto after = scrape_metrics(port);
  EXPECT_EQ(after["chorus_ws_connections"], 1);
  auto frames_sent = after["chorus_ws_frames_sent_total"] - before["chorus_ws_frames_sent_total"];
  auto writes = after["chorus_ws_writes_total"] - before["chorus_ws_writes_total"];
  auto bytes = after["chorus_ws_bytes_sent_total"] - before["chorus_ws_bytes_sent_total"];
  // Every frame sent meanwhile was one of these events, and is counted with its header.
  EXPECT_EQ(frames_sent, static_cast<double>(frames.size()));
  double expected_bytes = 0;
  for (auto& f : frames) {
    expected_bytes += static_cast<double>(f.raw.size() + (f.raw.size() < 126     ? 2
                                                          : f.raw.size() < 65536 ? 4
                                                                                 : 10));
  }
  EXPECT_EQ(bytes, expected_bytes);
  ASSERT_GT(writes, 0);
  EXPECT_GE(frames_sent, 3 * writes)
      << frames_sent << " frames in " << writes << " writes: events should leave several per write";
  RecordProperty("frames_per_write", std::to_string(frames_sent / writes));

  client->close();
  EXPECT_TRUE(client->closed());
  auto gone = metrics_when(
      port, [](auto& m) { return m["chorus_ws_connections"] == 0; }, 2s);
  EXPECT_EQ(gone["chorus_ws_connections"], 0);
}

TEST(WsFraming, WithNoBatchWindowEventsStillArriveWholeAndInOrder) {
  Chorusd chorusd({"--ws-batch-window-us", "0"});
  auto port = chorusd.port();
  auto client = open_client(port, key_a, {topic(customer_a)});
  auto before = scrape_metrics(port);
  constexpr int groupcalls = 4, per_groupcall = 10;
  const std::vector<std::string> scripts{"ring=10;busy=30", "ring=5;answer=20;hangup=30",
                                         "noanswer=25", "ring=15;reject=10"};
  std::vector<std::thread> creators;
  for (int g = 0; g < groupcalls; ++g) {
    creators.emplace_back([&, g] {
      create_groupcall(port, key_a, legs("w" + std::to_string(g) + "-", per_groupcall, scripts[g]));
    });
  }
  for (auto& t : creators) t.join();
  auto frames = collect_until_ended(*client, groupcalls, per_groupcall);
  ASSERT_EQ(count_type(frames, "groupcall_hangup"), static_cast<std::size_t>(groupcalls));
  EXPECT_EQ(count_type(frames, "groupcall_created"), static_cast<std::size_t>(groupcalls));
  EXPECT_EQ(count_type(frames, "call_created"),
            static_cast<std::size_t>(groupcalls * per_groupcall));
  EXPECT_EQ(count_type(frames, "events_dropped"), 0u);
  expect_seq_continuous(frames);
  EXPECT_EQ(*frames.back().seq, frames.size());
  expect_resource_order(frames, true);
  auto after = scrape_metrics(port);
  EXPECT_EQ(after["chorus_ws_frames_sent_total"] - before["chorus_ws_frames_sent_total"],
            static_cast<double>(frames.size()));
}

// --- Keep-alive in /metrics ----------------------------------------------------------

TEST(WsFraming, APeerThatAnswersNoPingIsCountedAsDead) {
  Chorusd chorusd({"--ws-ping-interval-s", "1"});
  auto port = chorusd.port();
  EXPECT_EQ(scrape_metrics(port)[ws_closed("dead_peer")], 0);
  auto dead = upgraded_peer(port);
  // Beside it, a client that answers its pings is not counted.
  auto alive = open_client(port, key_a, {topic(customer_a)});
  alive->idle(2500ms);
  EXPECT_TRUE(alive->is_open());
  ASSERT_TRUE(dead->wait_eof(3s)) << "a peer that answered no ping is still connected";
  auto m = metrics_when(
      port, [](auto& m) { return m["chorus_ws_connections"] == 1; }, 2s);
  EXPECT_EQ(m[ws_closed("dead_peer")], 1);
  EXPECT_EQ(m[ws_closed("protocol_error")], 0);
  EXPECT_EQ(m["chorus_ws_connections"], 1);
  EXPECT_TRUE(alive->is_open());
}

// --- The 1008 close of a consumer too slow ------------------------------------------

// Found with a raw peer: the 1008 close is decided while a batch is being framed,
// and used to start a second write from inside that flush, of the buffer cleared
// of the batch: the peer got two close frames and never the events_dropped note.
TEST(WsFraming, AConsumerTooSlowIsToldWhatItLostThenGetsOneCloseFrame) {
  constexpr auto full_timeout = 2000ms;
  Chorusd chorusd({"--ws-queue-events", "20", "--ws-full-timeout-ms",
                   std::to_string(full_timeout.count()), "--ws-ping-interval-s", "60"});
  auto port = chorusd.port();
  RawWsPeer slow(port, 4096);
  ASSERT_EQ(slow.upgrade(target_a()), 101u);
  ASSERT_TRUE(slow.send_frame(topics_message("subscribe", {topic(customer_a)})));
  auto ack = slow.read_frame(3s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(parse_frame(ack->payload).type, "subscribed");
  // Several MB/s of events, not read: its queue overflows within a second.
  HeavyFlood flood(port, key_a);
  auto m = metrics_when(
      port, [](auto& m) { return m["chorus_ws_events_dropped_total"] > 0; }, 5s);
  ASSERT_GT(m["chorus_ws_events_dropped_total"], 0) << "the queue never overflowed";
  // Full since about now. Read again once it has been full longer than the
  // timeout, but before the write that cannot finish is given up on (as long again).
  std::this_thread::sleep_for(full_timeout * 3 / 2);
  std::vector<RawWsPeer::Frame> frames;
  std::optional<RawWsPeer::Frame> close;
  while (!close) {
    auto frame = slow.read_frame(3s);
    ASSERT_TRUE(frame) << "no close frame after " << frames.size() << " frames";
    if (frame->opcode == 8) {
      close = frame;
    } else {
      frames.push_back(*frame);
    }
  }
  flood.stop();
  EXPECT_EQ(close->close_code(), 1008u) << close->close_reason();
  // Nothing follows our close frame (RFC 6455 5.5.1), not even another one.
  auto after = slow.read_frame(500ms);
  EXPECT_FALSE(after) << "after the close frame: opcode " << after->opcode << ", "
                      << after->payload.substr(0, 100);
  // Every frame before it an event, seq going on, the last telling what was lost.
  std::vector<Frame> events;
  for (auto& f : frames) {
    EXPECT_EQ(f.opcode, 1);
    events.push_back(parse_frame(f.payload));
    EXPECT_TRUE(events.back().seq) << f.payload.substr(0, 200);
  }
  expect_seq_continuous(events);
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events.back().is_dropped())
      << "the events dropped since the last write were not reported: last frame "
      << events.back().raw.substr(0, 200);
  EXPECT_GT(events.back().count, 0u);
  EXPECT_EQ(scrape_metrics(port)[ws_closed("too_slow")], 1);
  // It answers our close by ending the connection.
  ASSERT_TRUE(slow.send_close(1000));
  EXPECT_TRUE(slow.wait_eof(2s));
}

}  // namespace
}  // namespace chorus::wstest
