#include "actors/dialable.hpp"

namespace chorus {

namespace {

Status can_dial_target(const LegDriver& driver, const DialTarget& target, const std::string& field);

Status can_dial_plan(const LegDriver& driver, const DialPlan& plan, const std::string& field) {
  for (const auto& target : plan.targets) {
    if (auto status = can_dial_target(driver, target, field); !status) return status;
  }
  if (plan.failover && plan.failover->target) {
    return can_dial_target(driver, *plan.failover->target, field);
  }
  return {};
}

Status can_dial_target(const LegDriver& driver, const DialTarget& target,
                       const std::string& field) {
  if (target.nested) return can_dial_plan(driver, *target.nested, field);
  return driver.can_dial(target.address, field);
}

}  // namespace

Status can_dial(const LegDriver& driver, const DialPlan& plan) {
  for (std::size_t i = 0; i < plan.targets.size(); ++i) {
    auto field = "destinations[" + std::to_string(i) + "]";
    if (auto status = can_dial_target(driver, plan.targets[i], field); !status) return status;
  }
  if (plan.failover && plan.failover->target) {
    return can_dial_target(driver, *plan.failover->target, "failover");
  }
  return {};
}

}  // namespace chorus
