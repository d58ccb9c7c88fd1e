#include "model/missed_call.hpp"

namespace chorus {

bool MissedCall::operator==(const MissedCall& o) const {
  return id == o.id && customer_id == o.customer_id && extension_id == o.extension_id &&
         ring_group_id == o.ring_group_id && groupcall_id == o.groupcall_id &&
         master_call_id == o.master_call_id && source == o.source && tm_create == o.tm_create;
}

}  // namespace chorus
