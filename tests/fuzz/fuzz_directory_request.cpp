// POST/PUT /v1.0/agents and /v1.0/extensions bodies (agent_from_request,
// extension_from_request). The first byte picks the body kind (even: agent, odd:
// extension), the rest is the body. Properties: nothing is accepted that the
// validator refuses; an accepted body's resource, encoded as the API returns it,
// decodes as a request to the same resource; every error is clean text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "accepted_value.hpp"
#include "model/json.hpp"
#include "property.hpp"
#include "transport/rest_json.hpp"

namespace {

const chorus::Uuid customer = *chorus::Uuid::parse("7f3c9a52-1d4e-4b8a-9c6f-0e2d5b7a8c91");

// Decodes `body` with `decode`; when accepted, checks it with `expect_valid` and that
// the resource as the API answers it (to_json) is itself a body for the same resource.
template <class Resource>
void check(std::string_view body,
           chorus::Result<Resource> (*decode)(std::string_view, const chorus::Uuid&),
           void (*expect_valid)(const Resource&), std::string_view kind) {
  auto resource = decode(body, customer);
  if (!resource) {
    chorus::fuzz::expect_clean_error(resource.error(), std::string("a refused ") + kind.data());
    return;
  }
  expect_valid(*resource);
  chorus::fuzz::expect(resource->customer_id == customer, "the resource is the caller's");
  std::string encoded = chorus::to_json(*resource);
  chorus::fuzz::expect_json(encoded, std::string("an accepted ") + kind.data());
  auto again = decode(encoded, customer);
  if (!again) {
    chorus::fuzz::broken(std::string("the API's own ") + kind.data() +
                             " is a body that decodes: " + again.error().message,
                         encoded);
  }
  chorus::fuzz::expect(chorus::to_json(*again) == encoded,
                       "decode, encode, decode gives the same encoding", encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    check<chorus::Agent>(body, &chorus::agent_from_request, &chorus::fuzz::expect_valid_agent,
                         "agent");
  } else {
    check<chorus::Extension>(body, &chorus::extension_from_request,
                             &chorus::fuzz::expect_valid_extension, "extension");
  }
  return 0;
}
