// The conference model's parsers (model/conference_json.hpp, conference_request.hpp),
// picked by the first byte; the rest is the document. Properties: a decoded
// conference or conferencecall re-encodes to JSON that decodes to the same
// encoding; a request body that is accepted passes its validator, and its data is
// in normal form (normalising it again changes nothing); every error is clean text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/conference_json.hpp"
#include "model/conference_request.hpp"
#include "property.hpp"

namespace {

const chorus::Uuid customer = *chorus::Uuid::parse("7f3c9a52-1d4e-4b8a-9c6f-0e2d5b7a8c91");

template <class T>
void round_trip(std::string_view json, chorus::Result<T> (*decode)(std::string_view)) {
  auto value = decode(json);
  if (!value) return chorus::fuzz::expect_clean_error(value.error(), "a refused document");
  std::string encoded = chorus::to_json(*value);
  chorus::fuzz::expect_json(encoded, "an encoded value");
  auto again = decode(encoded);
  if (!again) {
    chorus::fuzz::broken("an encoded value decodes: " + again.error().message, encoded);
  }
  chorus::fuzz::expect(chorus::to_json(*again) == encoded,
                       "decode, encode, decode gives the same encoding", encoded);
}

void expect_normal_data(const chorus::Text& data) {
  if (data.empty()) return;
  auto again = chorus::conference_data_from_json(std::string_view(data));
  if (!again) chorus::fuzz::broken("accepted data reads again: " + again.error().message, data);
  chorus::fuzz::expect(std::string_view(*again) == std::string_view(data),
                       "accepted data is in normal form", data);
}

template <class Request>
void request(chorus::Result<Request> parsed) {
  if (!parsed) return chorus::fuzz::expect_clean_error(parsed.error(), "a refused body");
  auto valid = chorus::validate(*parsed);
  chorus::fuzz::expect(valid.ok(), "an accepted body passes its validator",
                       valid.ok() ? "" : valid.error().message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view json(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      round_trip(json, &chorus::conference_from_json);
      break;
    case 1:
      round_trip(json, &chorus::conferencecall_from_json);
      break;
    case 2: {
      auto create = chorus::conference_create_from_json(json, customer);
      if (create) expect_normal_data(create->data);
      request(std::move(create));
      break;
    }
    case 3: {
      auto update = chorus::conference_update_from_json(json);
      if (update && update->data) expect_normal_data(*update->data);
      request(std::move(update));
      break;
    }
    default:
      request(chorus::conferencecall_join_from_json(json, customer));
      break;
  }
  return 0;
}
