// Paging through 250 groupcalls (and their 250 calls) 100 at a time: every item
// exactly once, newest first, with next_page_token leading from page to page (as
// VoIPbin: set on every page that is not empty) and "" on the empty page that ends
// the walk. page_token also takes VoIPbin's RFC 3339 form of the same instant.

#include <gtest/gtest.h>

#include <algorithm>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

class Pagination : public ApiTest {
 protected:
  std::string encoded(std::string token) {
    for (std::size_t at = token.find(' '); at != std::string::npos; at = token.find(' ', at)) {
      token.replace(at, 1, "%20");
    }
    return token;
  }

  struct Walk {
    std::vector<std::string> ids;
    std::vector<std::string> created;  // tm_create of each, in order
    std::vector<std::size_t> page_sizes;
  };

  Walk walk(const std::string& path, std::size_t page_size) {
    Walk w;
    std::string token;
    for (int page = 0; page < 100; ++page) {
      auto target = path + "?page_size=" + std::to_string(page_size);
      if (!token.empty()) target += "&page_token=" + encoded(token);
      auto list = ok(a->get(target));
      auto ids = ids_of(list);
      w.page_sizes.push_back(ids.size());
      w.ids.insert(w.ids.end(), ids.begin(), ids.end());
      for (auto& item : list["result"].GetArray()) w.created.push_back(str(item, "tm_create"));
      EXPECT_TRUE(list.HasMember("next_page_token")) << "every page carries next_page_token";
      token = str(list, "next_page_token");
      if (!ids.empty()) {
        EXPECT_FALSE(token.empty()) << "a page that is not empty leads on";
        EXPECT_EQ(token, w.created.back()) << "the token is the last item's tm_create";
      }
      if (token.empty()) break;
    }
    return w;
  }
};

TEST_F(Pagination, WalksEveryGroupcallAndCallExactlyOnceNewestFirst) {
  std::vector<std::string> groupcalls, calls;
  for (int i = 0; i < 250; ++i) {
    auto gc =
        create_groupcall(*a, groupcall_body({endpoint("p" + std::to_string(i) + "@sim;busy=0")}));
    groupcalls.push_back(str(gc, "id"));
    calls.push_back(strings(gc, "call_ids").at(0));
  }
  // Another customer's groupcalls, created in between, never show up.
  create_groupcall(*b, groupcall_body({endpoint("b@sim;busy=0")}));
  std::reverse(groupcalls.begin(), groupcalls.end());
  std::reverse(calls.begin(), calls.end());

  for (auto& [path, expected] :
       {std::pair{"/v1.0/groupcalls", groupcalls}, std::pair{"/v1.0/calls", calls}}) {
    SCOPED_TRACE(path);
    auto w = walk(path, 100);
    EXPECT_EQ(w.page_sizes, (std::vector<std::size_t>{100, 100, 50, 0}));
    EXPECT_EQ(w.ids, expected);  // each exactly once, newest first
    std::set<std::string> unique(w.ids.begin(), w.ids.end());
    EXPECT_EQ(unique.size(), 250u);
    for (std::size_t i = 1; i < w.created.size(); ++i) {
      EXPECT_LT(w.created[i], w.created[i - 1]) << "not strictly newest first at " << i;
    }
    // Other page sizes walk the same list.
    EXPECT_EQ(walk(path, 7).ids, expected);
    auto exact = walk(path, 50);
    EXPECT_EQ(exact.ids, expected);
    // 250 = 5 x 50: the sixth page is empty and ends the walk.
    EXPECT_EQ(exact.page_sizes, (std::vector<std::size_t>{50, 50, 50, 50, 50, 0}));
  }

  // Without page_size a page holds 100.
  auto first = ok(a->get("/v1.0/groupcalls"));
  EXPECT_EQ(ids_of(first).size(), 100u);
  EXPECT_EQ(str(first, "next_page_token"), str(first["result"][99], "tm_create"));
  // The token works written with '+' for the space as well.
  auto token = str(first, "next_page_token");
  token.replace(token.find(' '), 1, "+");
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls?page_token=" + token))).front(), groupcalls[100]);
  // VoIPbin's current form of the same instant leads to the same page.
  auto rfc3339 = str(first, "next_page_token");
  rfc3339[10] = 'T';
  rfc3339 += 'Z';
  EXPECT_EQ(ids_of(ok(a->get("/v1.0/groupcalls?page_token=" + rfc3339))),
            ids_of(ok(a->get("/v1.0/groupcalls?page_token=" + token))));
  for (auto* bad : {"2020-04-18T03:22:17.995000", "2020-04-18X03:22:17.995000Z",
                    "2020-04-18T03:22:17Z", "2020-13-18T03:22:17.995000Z"}) {
    auto refused = a->get(std::string("/v1.0/groupcalls?page_token=") + bad);
    EXPECT_EQ(refused.status, 400u) << bad;
    EXPECT_NE(refused.body.find("page_token"), std::string::npos) << refused.body;
  }
}

TEST_F(Pagination, DeletedGroupcallsAreSkipped) {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(str(create_groupcall(*a, groupcall_body({endpoint("x@sim;busy=0")})), "id"));
  }
  for (auto& id : ids) await_groupcall(*a, id, has_status("hangup"));
  ASSERT_EQ(a->del("/v1.0/groupcalls/" + ids[1]).status, 200u);
  ASSERT_EQ(a->del("/v1.0/groupcalls/" + ids[4]).status, 200u);
  auto w = walk("/v1.0/groupcalls", 2);
  EXPECT_EQ(w.ids, (std::vector<std::string>{ids[5], ids[3], ids[2], ids[0]}));
}

}  // namespace
}  // namespace chorus::test
