#pragma once
// Subscription topics: "customer_id:<customer>[:<resource>[:<resource_id>]]",
// matched as a prefix of an event's topic "customer_id:<customer>:<resource>:<id>".

#include <optional>
#include <string>
#include <string_view>

#include "model/event.hpp"
#include "model/result.hpp"
#include "model/uuid.hpp"

namespace chorus {

class Topic {
 public:
  // Resources a topic may name; later resources join this list.
  static bool is_known_resource(std::string_view resource);

  // Parses and validates; errors name `field` and the rule broken.
  static Result<Topic> parse(std::string_view text, std::string_view field = "topic");

  const Uuid& customer_id() const noexcept { return customer_id_; }
  const std::string& resource() const noexcept { return resource_; }  // "" = every resource
  const std::optional<Uuid>& resource_id() const noexcept { return resource_id_; }

  bool matches(const Event& event) const;
  bool matches(const Uuid& customer_id, std::string_view resource, const Uuid& resource_id) const;
  std::string to_string() const;

  friend bool operator==(const Topic& a, const Topic& b) {
    return a.customer_id_ == b.customer_id_ && a.resource_ == b.resource_ &&
           a.resource_id_ == b.resource_id_;
  }

 private:
  Uuid customer_id_;
  std::string resource_;
  std::optional<Uuid> resource_id_;
};

}  // namespace chorus
