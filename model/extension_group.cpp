#include "model/extension_group.hpp"

namespace chorus {

bool ExtensionGroup::operator==(const ExtensionGroup& o) const {
  return id == o.id && customer_id == o.customer_id && name == o.name &&
         extensions == o.extensions && tm_create == o.tm_create && tm_update == o.tm_update &&
         tm_delete == o.tm_delete;
}

}  // namespace chorus
