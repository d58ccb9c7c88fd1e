#include "model/conference_transitions.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace chorus {
namespace {

constexpr ConferenceStatus conference_states[] = {
    ConferenceStatus::starting, ConferenceStatus::progressing, ConferenceStatus::terminating,
    ConferenceStatus::terminated};
constexpr ConferencecallStatus conferencecall_states[] = {
    ConferencecallStatus::joining, ConferencecallStatus::joined, ConferencecallStatus::leaving,
    ConferencecallStatus::leaved};

// The graphs in conference_transitions.hpp, spelled out edge by edge.
const std::set<std::pair<ConferenceStatus, ConferenceStatus>> conference_edges = {
    {ConferenceStatus::starting, ConferenceStatus::progressing},
    {ConferenceStatus::starting, ConferenceStatus::terminating},
    {ConferenceStatus::progressing, ConferenceStatus::terminating},
    {ConferenceStatus::terminating, ConferenceStatus::terminated},
};

const std::set<std::pair<ConferencecallStatus, ConferencecallStatus>> conferencecall_edges = {
    {ConferencecallStatus::joining, ConferencecallStatus::joined},
    {ConferencecallStatus::joining, ConferencecallStatus::leaving},
    {ConferencecallStatus::joined, ConferencecallStatus::leaving},
    {ConferencecallStatus::leaving, ConferencecallStatus::leaved},
};

// Every pair: allowed exactly on the graph's edges, refused elsewhere as a conflict
// naming both states.
template <class S, std::size_t N, class Allowed>
int check_every_pair(const S (&states)[N], const std::set<std::pair<S, S>>& edges,
                     Allowed allowed_fn, const std::string& resource) {
  int allowed = 0;
  for (S from : states) {
    for (S to : states) {
      const bool expected = edges.count({from, to}) == 1;
      const std::string pair = std::string(to_string(from)) + " -> " + std::string(to_string(to));
      EXPECT_EQ(allowed_fn(from, to), expected) << pair;
      const Status status = check_transition(from, to);
      EXPECT_EQ(status.ok(), expected) << pair;
      if (status.ok()) {
        allowed += expected ? 1 : 0;
        continue;
      }
      EXPECT_EQ(status.error().code, ErrorCode::conflict) << pair;
      EXPECT_EQ(status.error().message, resource + " status cannot move from " +
                                            std::string(to_string(from)) + " to " +
                                            std::string(to_string(to)));
    }
  }
  return allowed;
}

TEST(ConferenceTransitions, ConferenceMatrixIsExactlyTheGraph) {
  EXPECT_EQ(check_every_pair(conference_states, conference_edges, conference_transition_allowed,
                             "conference"),
            4);
}

TEST(ConferenceTransitions, ConferencecallMatrixIsExactlyTheGraph) {
  EXPECT_EQ(check_every_pair(conferencecall_states, conferencecall_edges,
                             conferencecall_transition_allowed, "conferencecall"),
            4);
}

TEST(ConferenceTransitions, EveryEdgeMovesForward) {
  for (const auto& [from, to] : conference_edges) EXPECT_LT(from, to);
  for (const auto& [from, to] : conferencecall_edges) EXPECT_LT(from, to);
}

// The end is reached only through terminating and leaving, whatever the start.
TEST(ConferenceTransitions, TheEndHasOneWayIn) {
  for (ConferenceStatus from : conference_states) {
    EXPECT_EQ(conference_transition_allowed(from, ConferenceStatus::terminated),
              from == ConferenceStatus::terminating);
  }
  for (ConferencecallStatus from : conferencecall_states) {
    EXPECT_EQ(conferencecall_transition_allowed(from, ConferencecallStatus::leaved),
              from == ConferencecallStatus::leaving);
  }
}

TEST(ConferenceTransitions, OnlyTheLastStateIsFinal) {
  for (ConferenceStatus s : conference_states) {
    EXPECT_EQ(is_final(s), s == ConferenceStatus::terminated);
  }
  for (ConferencecallStatus s : conferencecall_states) {
    EXPECT_EQ(is_final(s), s == ConferencecallStatus::leaved);
  }
}

}  // namespace
}  // namespace chorus
