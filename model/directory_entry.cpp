#include "model/directory_entry.hpp"

namespace chorus {

bool Agent::operator==(const Agent& o) const {
  return id == o.id && customer_id == o.customer_id && name == o.name && addresses == o.addresses &&
         ring_method == o.ring_method && tm_create == o.tm_create && tm_update == o.tm_update &&
         tm_delete == o.tm_delete;
}

bool Extension::operator==(const Extension& o) const {
  return id == o.id && customer_id == o.customer_id && name == o.name && extension == o.extension &&
         contacts == o.contacts && tm_create == o.tm_create && tm_update == o.tm_update &&
         tm_delete == o.tm_delete;
}

}  // namespace chorus
