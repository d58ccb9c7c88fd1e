#pragma once
// The bodies of Chorus's Yeastar dialect, in Yeastar's envelope (../shared/reference/004):
// {"errcode":0,"errmsg":"SUCCESS","data":...} on success, {"errcode":N,"errmsg":"..."}
// on failure. Ring groups inside are Ring_Group_Detail objects (model/ring_group_json).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/ring_group.hpp"
#include "transport/dialects/yeastar/yeastar_errors.hpp"

namespace chorus::yeastar {

// {"errcode":0,"errmsg":"SUCCESS"}: an answer with nothing to return (delete).
std::string success_json();
// data is one Ring_Group_Detail (get, create, update).
std::string success_json(const RingGroup& group);
// data is an array of them (query).
std::string success_json(const std::vector<RingGroup>& groups);
// A page of a list: Yeastar's list answers add total_number, every item on every page.
std::string list_json(const std::vector<RingGroup>& page, std::size_t total_number);
// {"errcode":N,"errmsg":"..."}.
std::string failure_json(const Failure& failure);

}  // namespace chorus::yeastar
