// An event relayed by another node (model/event_json.hpp): whatever arrives on a
// NATS subject. Properties: an accepted event re-encodes to JSON that reads back
// as the same event (type, kind, resource, encoding); every error is clean text.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/event_json.hpp"
#include "property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto event = chorus::event_from_json(json);
  if (!event) {
    chorus::fuzz::expect_clean(event.error().message, "the error");
    return 0;
  }
  const std::string encoded = (*event)->to_json();
  chorus::fuzz::expect_json(encoded, "the re-encoded event");
  auto again = chorus::event_from_json(encoded);
  if (!again) chorus::fuzz::broken("an encoded event reads back: " + again.error().message, encoded);
  chorus::fuzz::expect((*again)->type() == (*event)->type() &&
                           (*again)->kind() == (*event)->kind() &&
                           (*again)->resource_id() == (*event)->resource_id() &&
                           (*again)->to_json() == encoded,
                       "read, encode, read gives the same event", encoded);
  return 0;
}
