// Subscription topics (model/topic). Properties: an accepted topic's text parses back
// to the same topic (parse(format(x)) == x) and is canonical (formatting it again gives
// the same text), and matches the events it names; a refusal of UTF-8 input is clean
// text (the gateway sends it back to the client).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/topic.hpp"
#include "property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chorus::fuzz::expect;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto topic = chorus::Topic::parse(text);
  if (!topic) {
    if (chorus::fuzz::is_utf8(text)) chorus::fuzz::expect_clean_error(topic.error(), "a topic");
    return 0;
  }
  std::string formatted = topic->to_string();
  auto again = chorus::Topic::parse(formatted);
  expect(again && *again == *topic, "parse(format(topic)) == topic", formatted);
  expect(again->to_string() == formatted, "a formatted topic is canonical", formatted);
  expect(formatted.size() == text.size(), "formatting keeps the topic's length", text);
  // A topic matches what it names and nothing of another customer.
  chorus::Uuid id = topic->resource_id().value_or(chorus::Uuid::generate());
  std::string resource = topic->resource().empty() ? "call" : topic->resource();
  expect(topic->matches(topic->customer_id(), resource, id), "a topic matches what it names");
  chorus::Uuid other = chorus::Uuid::generate();
  expect(other == topic->customer_id() || !topic->matches(other, resource, id),
         "a topic never matches another customer");
  return 0;
}
