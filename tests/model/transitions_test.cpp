#include "model/transitions.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace chorus {
namespace {

constexpr CallStatus call_states[] = {CallStatus::dialing,     CallStatus::ringing,
                                      CallStatus::progressing, CallStatus::terminating,
                                      CallStatus::canceling,   CallStatus::hangup};
constexpr GroupcallStatus groupcall_states[] = {
    GroupcallStatus::progressing, GroupcallStatus::hangingup, GroupcallStatus::hangup};

// The graph in transitions.hpp, spelled out edge by edge.
const std::set<std::pair<CallStatus, CallStatus>> call_edges = {
    {CallStatus::dialing, CallStatus::ringing},
    {CallStatus::dialing, CallStatus::progressing},
    {CallStatus::dialing, CallStatus::canceling},
    {CallStatus::dialing, CallStatus::hangup},
    {CallStatus::ringing, CallStatus::progressing},
    {CallStatus::ringing, CallStatus::canceling},
    {CallStatus::ringing, CallStatus::hangup},
    {CallStatus::progressing, CallStatus::terminating},
    {CallStatus::progressing, CallStatus::hangup},
    {CallStatus::terminating, CallStatus::hangup},
    {CallStatus::canceling, CallStatus::hangup},
};

const std::set<std::pair<GroupcallStatus, GroupcallStatus>> groupcall_edges = {
    {GroupcallStatus::progressing, GroupcallStatus::hangingup},
    {GroupcallStatus::progressing, GroupcallStatus::hangup},
    {GroupcallStatus::hangingup, GroupcallStatus::hangup},
};

TEST(Transitions, CallMatrixIsExactlyTheGraph) {
  int allowed = 0;
  for (CallStatus from : call_states) {
    for (CallStatus to : call_states) {
      const bool expected = call_edges.count({from, to}) == 1;
      const std::string pair = std::string(to_string(from)) + " -> " + std::string(to_string(to));
      EXPECT_EQ(call_transition_allowed(from, to), expected) << pair;
      const Status status = check_transition(from, to);
      EXPECT_EQ(status.ok(), expected) << pair;
      if (expected) {
        ++allowed;
        continue;
      }
      EXPECT_EQ(status.error().code, ErrorCode::conflict) << pair;
      EXPECT_EQ(status.error().message, "call status cannot move from " +
                                            std::string(to_string(from)) + " to " +
                                            std::string(to_string(to)));
    }
  }
  EXPECT_EQ(allowed, 11);
}

TEST(Transitions, GroupcallMatrixIsExactlyTheGraph) {
  int allowed = 0;
  for (GroupcallStatus from : groupcall_states) {
    for (GroupcallStatus to : groupcall_states) {
      const bool expected = groupcall_edges.count({from, to}) == 1;
      const std::string pair = std::string(to_string(from)) + " -> " + std::string(to_string(to));
      EXPECT_EQ(groupcall_transition_allowed(from, to), expected) << pair;
      const Status status = check_transition(from, to);
      EXPECT_EQ(status.ok(), expected) << pair;
      if (expected) {
        ++allowed;
        continue;
      }
      EXPECT_EQ(status.error().code, ErrorCode::conflict) << pair;
      EXPECT_EQ(status.error().message, "groupcall status cannot move from " +
                                            std::string(to_string(from)) + " to " +
                                            std::string(to_string(to)));
    }
  }
  EXPECT_EQ(allowed, 3);
}

TEST(Transitions, ExampleMessages) {
  EXPECT_EQ(check_transition(CallStatus::ringing, CallStatus::dialing).error().message,
            "call status cannot move from ringing to dialing");
  EXPECT_EQ(check_transition(GroupcallStatus::hangup, GroupcallStatus::hangup).error().message,
            "groupcall status cannot move from hangup to hangup");
}

TEST(Transitions, OnlyHangupIsFinal) {
  for (CallStatus s : call_states) EXPECT_EQ(is_final(s), s == CallStatus::hangup);
  for (GroupcallStatus s : groupcall_states) EXPECT_EQ(is_final(s), s == GroupcallStatus::hangup);
}

}  // namespace
}  // namespace chorus
