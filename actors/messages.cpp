#include "actors/messages.hpp"

#include <caf/actor_system_config.hpp>

namespace chorus {

std::string_view to_string(LeaveCause cause) {
  static constexpr std::string_view names[] = {"kicked", "call_ended", "conference_ended"};
  return names[static_cast<std::size_t>(cause)];
}

void announce_message_types(caf::actor_system_config& config) {
  config.add_message_type<Uuid>("chorus::Uuid")
      .add_message_type<LegReport>("chorus::LegReport")
      .add_message_type<LegCause>("chorus::LegCause")
      .add_message_type<ResourceKind>("chorus::ResourceKind")
      .add_message_type<HangupReason>("chorus::HangupReason")
      .add_message_type<GroupcallTimer>("chorus::GroupcallTimer")
      .add_message_type<BridgeReport>("chorus::BridgeReport")
      .add_message_type<LeaveCause>("chorus::LeaveCause")
      .add_message_type<SeatAnswer>("chorus::SeatAnswer")
      .add_message_type<ConferenceUpdate>("chorus::ConferenceUpdate")
      .add_message_type<conference_actor>("chorus::conference_actor")
      .add_message_type<conference_roll_actor>("chorus::conference_roll_actor")
      .add_message_type<PeerSeatAnswer>("chorus::PeerSeatAnswer")
      .add_message_type<ConferenceReply>("chorus::ConferenceReply")
      .add_message_type<ConferencecallReply>("chorus::ConferencecallReply")
      .add_message_type<CallReply>("chorus::CallReply")
      .add_message_type<GroupcallReply>("chorus::GroupcallReply")
      .add_message_type<EventPtr>("chorus::EventPtr");
}

}  // namespace chorus
