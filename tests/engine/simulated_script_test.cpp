// parse_simulated_script: what a simulated destination's target says it does.

#include <gtest/gtest.h>

#include "printers.hpp"
#include "transport/simulated/simulated_script.hpp"

namespace chorus {
namespace {

using std::chrono::milliseconds;

TEST(SimulatedScript, FullScript) {
  auto s = parse_simulated_script("alice@sim;ring=200;answer=1500;hangup=60000");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->ring, milliseconds(200));
  ASSERT_TRUE(s->outcome.has_value());
  EXPECT_EQ(*s->outcome, LegReport::answered);
  EXPECT_EQ(s->outcome_after, milliseconds(1500));
  ASSERT_TRUE(s->hangup_after.has_value());
  EXPECT_EQ(*s->hangup_after, milliseconds(60000));
}

TEST(SimulatedScript, NoParametersRingsForever) {
  auto s = parse_simulated_script("bob@sim");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->ring, milliseconds(0));
  EXPECT_FALSE(s->outcome.has_value());
  EXPECT_FALSE(s->hangup_after.has_value());
}

TEST(SimulatedScript, EachOutcome) {
  const std::pair<const char*, LegReport> cases[] = {{"answer", LegReport::answered},
                                                     {"busy", LegReport::busy},
                                                     {"reject", LegReport::rejected},
                                                     {"fail", LegReport::failed},
                                                     {"noanswer", LegReport::no_answer}};
  for (auto& [name, report] : cases) {
    auto s = parse_simulated_script(std::string("x@sim;") + name + "=7");
    ASSERT_TRUE(s.ok()) << name;
    ASSERT_TRUE(s->outcome.has_value()) << name;
    EXPECT_EQ(*s->outcome, report) << name;
    EXPECT_EQ(s->outcome_after, milliseconds(7)) << name;
  }
}

// Found by fuzz_simulated_script: any long long was accepted, and the driver's
// milliseconds overflowed on their way to the timer's clock (undefined behaviour; in
// practice a deadline in the past, so the outcome came at once).
TEST(SimulatedScript, DelaysAreAtMostADay) {
  auto longest = parse_simulated_script("x@sim;ring=86400000;answer=86400000;hangup=86400000");
  ASSERT_TRUE(longest.ok()) << longest.error().message;
  EXPECT_EQ(longest->outcome_after, max_simulated_delay);
  for (auto* target : {"x@sim;ring=86400001", "x@sim;answer=9223372036854775807",
                       "x@sim;hangup=10000000000000", "x@sim;busy=99999999999999999999"}) {
    auto s = parse_simulated_script(target);
    ASSERT_FALSE(s.ok()) << target;
    EXPECT_NE(s.error().message.find("up to 86400000"), std::string::npos) << s.error().message;
  }
}

TEST(SimulatedScript, BadValueIsAnErrorNamingTheParameter) {
  for (auto* target : {"x@sim;ring=abc", "x@sim;busy=-1", "x@sim;answer=", "x@sim;hangup=1.5",
                       "x@sim;answer=10ms", "x@sim;noanswer"}) {
    auto s = parse_simulated_script(target);
    ASSERT_FALSE(s.ok()) << target;
    EXPECT_EQ(s.error().code, ErrorCode::invalid_argument) << target;
    std::string name = target;
    name = name.substr(name.find(';') + 1);
    name = name.substr(0, name.find('='));
    EXPECT_NE(s.error().field.find(name), std::string::npos)
        << target << ": field " << s.error().field;
    EXPECT_NE(s.error().message.find(name), std::string::npos)
        << target << ": message " << s.error().message;
  }
}

TEST(SimulatedScript, TwoOutcomesAreRefused) {
  auto s = parse_simulated_script("x@sim;answer=10;busy=20");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().field.find("busy"), std::string::npos) << s.error().field;
  EXPECT_NE(s.error().message.find("one outcome"), std::string::npos) << s.error().message;
  EXPECT_FALSE(parse_simulated_script("x@sim;fail=1;fail=2").ok());
}

TEST(SimulatedScript, UnknownParametersAreIgnored) {
  auto s = parse_simulated_script("x@sim;transport=tcp;lr;answer=5;color=blue;=;;hangup=9");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(s->outcome.has_value());
  EXPECT_EQ(*s->outcome, LegReport::answered);
  EXPECT_EQ(s->outcome_after, milliseconds(5));
  EXPECT_EQ(s->hangup_after, milliseconds(9));
  // The user part is not a parameter, even when it looks like one.
  auto t = parse_simulated_script("answer=abc@sim;ring=3");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->ring, milliseconds(3));
  EXPECT_FALSE(t->outcome.has_value());
}

}  // namespace
}  // namespace chorus
