// Groupcalls of several SIP destinations: the first answer wins and the losers are
// cancelled with "Call completed elsewhere" (asserted by their sipp), linear moves
// on after a busy, an extension's SIP contacts ring as a nested groupcall, and a
// hundred groupcalls of ten SIP legs each run at once.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "sipp_engine.hpp"

namespace chorus::test {
namespace {

// Datagrams the kernel dropped at the UDP socket bound to 127.0.0.1:port because
// its receive buffer was full (the last column of /proc/net/udp).
unsigned long udp_drops(std::uint16_t port) {
  std::ifstream table("/proc/net/udp");
  std::string line;
  char wanted[16];
  std::snprintf(wanted, sizeof wanted, "0100007F:%04X", port);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, last;
    fields >> slot >> local;
    if (local != wanted) continue;
    while (fields >> last) {
    }
    return std::stoul(last);
  }
  return 0;
}

TEST_F(SippDriverTest, RingAllOneAnswersTheOtherTwoAreCancelledAsCompletedElsewhere) {
  auto& winner = uas("uas_answer.xml", 1, 300ms);
  auto& loser_a = uas("uas_cancel_elsewhere.xml");
  auto& loser_b = uas("uas_cancel_elsewhere.xml");
  auto request =
      request_to({sip_destination(loser_a), sip_destination(winner), sip_destination(loser_b)});
  request.ring_method = RingMethod::ring_all;
  auto gc = ring(request);
  ASSERT_EQ(gc.call_ids.size(), 3u);
  auto winner_id = gc.call_ids[1];

  ASSERT_EQ(events_.await_call(winner_id, CallStatus::progressing).status, CallStatus::progressing);
  for (auto id : {gc.call_ids[0], gc.call_ids[2]}) {
    auto lost = events_.await_call_hangup(id);
    EXPECT_EQ(lost.hangup_reason, HangupReason::cancel);
    EXPECT_EQ(lost.hangup_by, HangupBy::local);
  }
  expect_sipp_ok(loser_a);
  expect_sipp_ok(loser_b);
  EXPECT_EQ(events_.await_answer_taken(gc.id).answer_call_id, winner_id);

  ASSERT_TRUE(hang_up(gc.id).ok());
  auto won = events_.await_call_hangup(winner_id);
  EXPECT_EQ(won.hangup_reason, HangupReason::normal);
  EXPECT_EQ(won.hangup_by, HangupBy::local);
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(winner);
  auto seen = events_.seen();
  for (auto id : gc.call_ids) EXPECT_EQ(seen.call_hangups[id], 1) << id.to_string();
}

TEST_F(SippDriverTest, LinearMovesOnAfterABusyToTheNextDestination) {
  auto& busy = uas("uas_busy.xml");
  auto& answer = uas("uas_answer.xml", 1, 100ms);
  auto request = request_to({sip_destination(busy), sip_destination(answer)});
  request.ring_method = RingMethod::linear;
  auto gc = ring(request);
  ASSERT_EQ(gc.call_ids.size(), 1u) << "linear dials one destination at a time";

  auto first = events_.await_call_hangup(gc.call_ids[0]);
  EXPECT_EQ(first.hangup_reason, HangupReason::busy);
  EXPECT_EQ(first.hangup_by, HangupBy::remote);
  expect_sipp_ok(busy);

  auto taken = events_.await_answer_taken(gc.id);  // the second destination answered
  auto calls = events_.calls_of(gc.id);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].destination.target.str(), answer.target());
  EXPECT_EQ(taken.answer_call_id, calls[1].id);

  ASSERT_TRUE(hang_up(gc.id).ok());
  auto second = events_.await_call_hangup(calls[1].id);
  EXPECT_EQ(second.hangup_reason, HangupReason::normal);
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(answer);
}

TEST_F(SippDriverTest, AnExtensionsSipContactsRingAsANestedGroupcall) {
  auto& desk = uas("uas_answer.xml", 1, 300ms);
  auto& mobile = uas("uas_cancel_elsewhere.xml");
  Extension extension;
  extension.customer_id = customer_;
  extension.name = "Front desk";
  extension.extension = "2001";
  extension.contacts = {sip_destination(mobile, "2001-mobile"), sip_destination(desk, "2001-desk")};
  ASSERT_TRUE(engine_->put_extension(extension).ok());

  auto gc = ring(request_to({Address{AddressType::extension, "", "2001", "", ""}}));
  ASSERT_EQ(gc.groupcall_ids.size(), 1u) << "the extension rings as a nested groupcall";
  auto nested = gc.groupcall_ids[0];

  auto taken = events_.await_answer_taken(nested);  // the desk answered
  auto calls = events_.calls_of(nested);
  ASSERT_EQ(calls.size(), 2u);
  auto desk_call = std::find_if(calls.begin(), calls.end(), [&](const Call& c) {
    return c.destination.target.str() == desk.target("2001-desk");
  });
  ASSERT_NE(desk_call, calls.end());
  EXPECT_EQ(taken.answer_call_id, desk_call->id);
  EXPECT_TRUE(events_.wait_for([&](const SipEvents::Seen& seen) {
    auto g = seen.groupcalls.find(gc.id);
    return g != seen.groupcalls.end() && g->second.answer_groupcall_id == nested;
  })) << "the parent took the nested groupcall's answer";
  for (auto& c : calls) {
    if (c.id == desk_call->id) continue;
    auto lost = events_.await_call_hangup(c.id);
    EXPECT_EQ(lost.hangup_reason, HangupReason::cancel);
  }
  expect_sipp_ok(mobile);  // Reason: "Call completed elsewhere"

  ASSERT_TRUE(hang_up(gc.id).ok());
  EXPECT_EQ(events_.await_call_hangup(desk_call->id).hangup_reason, HangupReason::normal);
  events_.await_groupcall_hangup(gc.id);
  expect_sipp_ok(desk);
}

// The first groupcall not answered, with each of its calls' state, to say why.
std::string unanswered(const SipEvents::Seen& seen, const std::vector<Groupcall>& made) {
  std::size_t missing = 0;
  std::ostringstream text;
  for (auto& gc : made) {
    auto g = seen.groupcalls.find(gc.id);
    if (g != seen.groupcalls.end() && !g->second.answer_call_id.is_zero()) continue;
    if (missing++ > 0) continue;
    text << "groupcall " << gc.id.to_string() << " was not answered; its calls:";
    for (auto& id : gc.call_ids) {
      auto c = seen.calls.find(id);
      if (c == seen.calls.end()) continue;
      text << "\n  " << c->second.destination.target.str() << ": " << to_string(c->second.status)
           << " " << to_string(c->second.hangup_reason) << " " << to_string(c->second.hangup_by);
    }
  }
  text << "\n" << missing << " of " << made.size() << " groupcalls unanswered";
  return text.str();
}

// 100 groupcalls at once, each ringing the same ten sipp UAs (one process per
// destination slot, each taking 100 calls): slot 0 answers after a pause, the nine
// others ring until their CANCEL, whose Reason each of them asserts.
TEST_F(SippDriverTest, AHundredConcurrentGroupcallsOfTenSipLegs) {
  constexpr int groupcalls = 100;
  constexpr int slots = 10;
  auto started = std::chrono::steady_clock::now();
  std::vector<SippProcess*> slot;
  slot.push_back(&uas("uas_answer.xml", groupcalls, 1000ms));
  for (int s = 1; s < slots; ++s) slot.push_back(&uas("uas_cancel_elsewhere.xml", groupcalls));

  auto drops_before = udp_drops(driver_->port());
  std::vector<Groupcall> made;
  for (int g = 0; g < groupcalls; ++g) {
    std::vector<Address> destinations;
    for (int s = 0; s < slots; ++s) {
      auto user = "g" + std::to_string(g) + "s" + std::to_string(s);
      destinations.push_back(sip_destination(*slot[s], user));
    }
    made.push_back(ring(request_to(std::move(destinations))));
    ASSERT_EQ(made.back().call_ids.size(), static_cast<std::size_t>(slots));
  }

  auto all_answered = [&](const SipEvents::Seen& seen) {
    for (auto& gc : made) {
      auto g = seen.groupcalls.find(gc.id);
      if (g == seen.groupcalls.end() || g->second.answer_call_id.is_zero()) return false;
    }
    return true;
  };
  ASSERT_TRUE(events_.wait_for(all_answered, 30s)) << unanswered(events_.seen(), made);
  for (auto& gc : made) ASSERT_TRUE(hang_up(gc.id).ok());

  auto all_ended = [&](const SipEvents::Seen& seen) {
    return seen.groupcall_hangups.size() >= made.size() &&
           seen.call_hangups.size() >= made.size() * slots;
  };
  bool ended = events_.wait_for(all_ended, 30s);
  auto drops = udp_drops(driver_->port()) - drops_before;
  std::printf(
      "[ sipp     ] %d groupcalls x %d SIP legs; datagrams the driver's socket dropped: %lu\n",
      groupcalls, slots, drops);
  RecordProperty("driver_socket_drops", std::to_string(drops).c_str());
  for (auto* sipp : slot) expect_sipp_ok(*sipp);
  {
    auto seen = events_.seen();
    ASSERT_TRUE(ended) << seen.groupcall_hangups.size() << " groupcalls and "
                       << seen.call_hangups.size() << " calls hung up, of " << made.size()
                       << " and " << made.size() * slots << "; the driver has "
                       << driver_->live_legs() << " legs up";
  }

  auto seen = events_.seen();
  for (auto& gc : made) {
    EXPECT_EQ(seen.groupcalls[gc.id].answer_call_id, gc.call_ids[0]);
    for (int s = 0; s < slots; ++s) {
      auto& call = seen.calls[gc.call_ids[s]];
      EXPECT_EQ(seen.call_hangups[call.id], 1);
      EXPECT_EQ(call.hangup_reason, s == 0 ? HangupReason::normal : HangupReason::cancel)
          << "groupcall " << gc.id.to_string() << " slot " << s;
    }
  }
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, 60s);
  RecordProperty("seconds", std::to_string(std::chrono::duration<double>(took).count()).c_str());
}

}  // namespace
}  // namespace chorus::test
