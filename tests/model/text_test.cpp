// Text: the shared, immutable string behind every address field.

#include "model/text.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>

namespace chorus {
namespace {

TEST(Text, EmptyTextIsEmptyAndEqualToEmptyStrings) {
  Text text;
  EXPECT_TRUE(text.empty());
  EXPECT_EQ(text.size(), 0u);
  EXPECT_EQ(text, "");
  EXPECT_EQ(text, std::string());
  EXPECT_EQ(Text(""), text);
  EXPECT_TRUE(Text(std::string()).empty());
}

TEST(Text, HoldsItsBytesIncludingEmbeddedNulAndHighBytes) {
  const std::string bytes("a\0b\xff", 4);
  Text text(bytes);
  EXPECT_EQ(text.size(), 4u);
  EXPECT_EQ(text.view(), bytes);
  EXPECT_EQ(text.str(), bytes);
}

TEST(Text, CopiesShareTheSameCharacters) {
  Text original("sip:alice@example.com;answer=1500");
  Text copy = original;
  EXPECT_EQ(copy, original);
  // Shared, not copied: both views point at the same bytes.
  EXPECT_EQ(copy.data(), original.data());
  Text assigned;
  assigned = copy;
  EXPECT_EQ(assigned.data(), original.data());
}

TEST(Text, OutlivesTheTextItWasCopiedFrom) {
  Text copy;
  {
    Text original(std::string(1000, 'x'));
    copy = original;
  }
  EXPECT_EQ(copy, std::string(1000, 'x'));
}

TEST(Text, MoveLeavesTheSourceEmpty) {
  Text a("+15551234567");
  Text b(std::move(a));
  EXPECT_EQ(b, "+15551234567");
  EXPECT_TRUE(a.empty());  // NOLINT: the moved-from state is specified
  Text c;
  c = std::move(b);
  EXPECT_EQ(c, "+15551234567");
  EXPECT_TRUE(b.empty());  // NOLINT
}

TEST(Text, SelfAssignmentKeepsTheText) {
  Text a("alice");
  Text& same = a;
  a = same;
  EXPECT_EQ(a, "alice");
  a = std::move(same);
  EXPECT_EQ(a, "alice");
}

TEST(Text, ComparesWithEveryStringKindBothWays) {
  Text text("bob");
  EXPECT_TRUE(text == "bob");
  EXPECT_TRUE("bob" == text);
  EXPECT_TRUE(text == std::string("bob"));
  EXPECT_TRUE(std::string("bob") == text);
  EXPECT_TRUE(text == std::string_view("bob"));
  EXPECT_TRUE(text != "bobby");
  EXPECT_TRUE("bobby" != text);
  EXPECT_TRUE(Text("a") != Text("b"));
  EXPECT_FALSE(Text("a") != Text("a"));
}

TEST(Text, PrintsItsCharacters) {
  std::ostringstream out;
  out << Text("carol");
  EXPECT_EQ(out.str(), "carol");
}

}  // namespace
}  // namespace chorus
