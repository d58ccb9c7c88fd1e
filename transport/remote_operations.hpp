#pragma once
// Operations on a resource another node of the cluster runs (hang it up, delete
// it, kick a participant): the REST API hands such a request, as received, to
// this port, which has the node that runs the resource answer it, and gives back
// that answer (status and JSON body), or nothing when no node answered in time.
// The REST API owns the port; transport/cluster implements it over NATS.

#include <functional>
#include <optional>
#include <string>

#include "model/uuid.hpp"
#include "transport/http_server.hpp"

namespace chorus {

struct ForwardedAnswer {
  unsigned status = 0;
  std::string body;  // JSON
};

class RemoteOperations {
 public:
  virtual ~RemoteOperations() = default;
  // Safe from any thread; `answer` is called once, from any thread.
  virtual void forward(const Uuid& customer_id, const HttpRequest& request,
                       std::function<void(std::optional<ForwardedAnswer>)> answer) = 0;
};

}  // namespace chorus
