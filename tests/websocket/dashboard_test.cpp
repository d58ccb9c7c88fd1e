// The live dashboard (GET /) in a real browser: Debian's headless chromium opens
// http://127.0.0.1:<port>/?token=<key>, the page loads what is live over REST and
// connects to /v1.0/ws, and the groupcalls and conferences the test creates over
// REST, before the page opens or after, appear with their legs and participants
// and current statuses. The test reads the page's DOM, checks no script error
// happened, and leaves a screenshot in the build directory (dashboard.png) for
// people to look at.
//
// Not skipped when chromium is missing: it fails, saying so.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "headless_chromium.hpp"
#include "ws_test_support.hpp"

#ifndef CHORUS_TEST_ARTIFACT_DIR
#define CHORUS_TEST_ARTIFACT_DIR "."
#endif

namespace chorus::wstest {
namespace {

// One start tag of the dumped DOM: its name, attributes and where it is.
struct Tag {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::size_t at = 0;
  std::string attribute(const std::string& name) const {
    auto i = attributes.find(name);
    return i == attributes.end() ? std::string() : i->second;
  }
};

// The start tags of `html` (serialised by the browser: attributes double-quoted).
std::vector<Tag> start_tags(const std::string& html) {
  std::vector<Tag> tags;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    auto end = html.find('>', i);
    if (end == std::string::npos) break;
    if (i + 1 < html.size() && std::isalpha(static_cast<unsigned char>(html[i + 1]))) {
      Tag tag;
      tag.at = i;
      std::size_t p = i + 1;
      while (p < end && !std::isspace(static_cast<unsigned char>(html[p]))) tag.name += html[p++];
      while (p < end) {
        while (p < end && std::isspace(static_cast<unsigned char>(html[p]))) ++p;
        std::string name;
        while (p < end && html[p] != '=' && !std::isspace(static_cast<unsigned char>(html[p]))) {
          name += html[p++];
        }
        std::string value;
        if (p < end && html[p] == '=' && p + 1 < end && html[p + 1] == '"') {
          auto close = html.find('"', p + 2);
          value = html.substr(p + 2, close - p - 2);
          p = close + 1;
          // A quoted value may hold '>': the tag ends after it.
          if (close > end) end = html.find('>', close);
        }
        if (!name.empty()) tag.attributes[name] = value;
      }
      tags.push_back(std::move(tag));
    }
    i = end + 1;
  }
  return tags;
}

// A groupcall as the page shows it: its element and its legs' elements.
struct ShownGroupcall {
  bool found = false;
  Tag element;
  std::map<std::string, Tag> legs;  // call id -> element
  std::string html;                 // its part of the page
};

ShownGroupcall shown(const std::string& html, const std::string& id) {
  ShownGroupcall out;
  auto tags = start_tags(html);
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (tags[i].attribute("data-groupcall-id") != id) continue;
    out.found = true;
    out.element = tags[i];
    std::size_t end = html.size();
    for (std::size_t j = i + 1; j < tags.size(); ++j) {
      if (!tags[j].attribute("data-groupcall-id").empty()) {
        end = tags[j].at;
        break;
      }
      auto call = tags[j].attribute("data-call-id");
      if (!call.empty()) out.legs[call] = tags[j];
    }
    out.html = html.substr(tags[i].at, end - tags[i].at);
    break;
  }
  return out;
}

std::string selector_for(const std::string& id) {
  return "document.querySelector('[data-groupcall-id=\"" + id + "\"]')";
}

std::string leg_status_is(const std::string& call_id, const std::string& status) {
  return "(document.querySelector('[data-call-id=\"" + call_id +
         "\"]') || {dataset: {}}).dataset.status === '" + status + "'";
}

std::string conference_selector(const std::string& id) {
  return "document.querySelector('[data-conference-id=\"" + id + "\"]')";
}

std::string participant_status_is(const std::string& conferencecall_id, const std::string& status) {
  return "(document.querySelector('[data-conferencecall-id=\"" + conferencecall_id +
         "\"]') || {dataset: {}}).dataset.status === '" + status + "'";
}

std::string counter_is(const std::string& id, int value) {
  return "document.getElementById('" + id + "').textContent === '" + std::to_string(value) + "'";
}

// A REST answer's snapshot, read as an event's data.
Frame snapshot(const HttpResponse& answer) {
  return parse_frame(R"({"type":"snapshot","data":)" + answer.body + "}");
}

// Polls GET `path` every 20 ms until its status is `status`; whether it came.
bool rest_status_becomes(std::uint16_t port, const std::string& path, const std::string& status,
                         std::chrono::milliseconds timeout = 10s) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto answer = http_request(port, "GET", path, "", bearer(key_a));
    if (answer.status == 200 && snapshot(answer).status == status) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

void expect_chromium() {
  ASSERT_EQ(::access(chromium_path().c_str(), X_OK), 0)
      << chromium_path()
      << " is missing: the dashboard test needs Debian's chromium (apt-get install chromium; "
         ".ci/install-deps installs it)";
}

// Opens the dashboard with A's key and waits until it says it is connected (its
// REST preload done); the session, or empty.
std::string open_dashboard(HeadlessChromium& chromium, std::uint16_t port) {
  auto session =
      chromium.open_page("http://127.0.0.1:" + std::to_string(port) + "/?token=" + key_a);
  EXPECT_FALSE(session.empty()) << "chromium did not open the page\n" << chromium.log_text();
  if (session.empty()) return session;
  bool connected = chromium.wait_for(
      session,
      "document.getElementById('connection').textContent === 'connected as customer " + customer_a +
          "'",
      60s);
  EXPECT_TRUE(connected) << "the page did not connect; it shows:\n"
                         << chromium.dump_dom(session) << "\nchromium's log:\n"
                         << chromium.log_text();
  return connected ? session : std::string();
}

void expect_no_script_error(const HeadlessChromium& chromium) {
  auto errors = chromium.events("Runtime.exceptionThrown");
  EXPECT_TRUE(errors.empty()) << errors.front();
}

TEST(Dashboard, ShowsLiveGroupcallsAndTheirLegsFromEvents) {
  ASSERT_NO_FATAL_FAILURE(expect_chromium());
  Chorusd chorusd;
  auto port = chorusd.port();
  // The page itself, over plain HTTP: self-contained HTML (no external resources).
  auto page = http_request(port, "GET", "/");
  ASSERT_EQ(page.status, 200u);
  EXPECT_NE(page.body.find("<title>Chorus"), std::string::npos);
  EXPECT_EQ(page.body.find("src=\"http"), std::string::npos) << "an external script";
  EXPECT_EQ(page.body.find("href=\"http"), std::string::npos) << "an external stylesheet";
  auto who = http_request(port, "GET", "/v1.0/customer?token=" + key_a);
  ASSERT_EQ(who.status, 200u);
  EXPECT_EQ(who.body, R"({"id":")" + customer_a + R"("})");

  HeadlessChromium chromium;
  auto session =
      chromium.open_page("http://127.0.0.1:" + std::to_string(port) + "/?token=" + key_a);
  ASSERT_FALSE(session.empty()) << "chromium did not open the page\n" << chromium.log_text();
  ASSERT_TRUE(chromium.wait_for(
      session,
      "document.getElementById('connection').textContent === 'connected as customer " + customer_a +
          "'",
      60s))
      << "the page did not connect; it shows:\n"
      << chromium.dump_dom(session) << "\nchromium's log:\n"
      << chromium.log_text();

  // The page subscribes right after connecting: groupcalls created from now on
  // show. Until one does, the subscription may still be on its way.
  bool live = false;
  for (int attempt = 0; attempt < 20 && !live; ++attempt) {
    auto probe = create_groupcall(port, key_a, {"probe@sim;answer=10;hangup=10"});
    live = chromium.wait_for(session, selector_for(probe.id), 1s);
  }
  ASSERT_TRUE(live) << "no groupcall ever showed:\n" << chromium.dump_dom(session);

  // One that rings on (two legs, ringing for 30 s), one answered by its first leg.
  auto ringing = create_groupcall(port, key_a, {"x@sim;ring=100", "y@sim;ring=150"}, 30);
  auto answered = create_groupcall(
      port, key_a, {"alice@sim;ring=50;answer=250;hangup=60000", "bob@sim;ring=50"}, 30);
  ASSERT_EQ(ringing.call_ids.size(), 2u);
  ASSERT_EQ(answered.call_ids.size(), 2u);
  ASSERT_TRUE(chromium.wait_for(session,
                                leg_status_is(ringing.call_ids[0], "ringing") + " && " +
                                    leg_status_is(ringing.call_ids[1], "ringing") + " && " +
                                    leg_status_is(answered.call_ids[0], "progressing") + " && " +
                                    leg_status_is(answered.call_ids[1], "hangup"),
                                10s))
      << chromium.dump_dom(session);

  // For people: what it looks like, with a groupcall ringing and one answered
  // (after the page's 250 ms counter refresh).
  std::this_thread::sleep_for(400ms);
  auto png = chromium.screenshot(session);
  std::string artifact = std::string(CHORUS_TEST_ARTIFACT_DIR) + "/dashboard.png";
  {
    std::ofstream out(artifact, std::ios::binary | std::ios::trunc);
    out << png;
  }
  EXPECT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << "not a PNG";

  // The DOM, as --dump-dom would print it.
  auto dom = chromium.dump_dom(session);
  auto r = shown(dom, ringing.id);
  ASSERT_TRUE(r.found) << dom;
  EXPECT_EQ(r.element.name, "article");
  EXPECT_EQ(r.element.attribute("data-status"), "progressing");
  EXPECT_NE(r.element.attribute("class").find("s-progressing"), std::string::npos);
  ASSERT_EQ(r.legs.size(), 2u) << r.html;
  for (auto& call : ringing.call_ids) {
    ASSERT_TRUE(r.legs.count(call)) << call << " missing from " << r.html;
    EXPECT_EQ(r.legs[call].attribute("data-status"), "ringing") << r.html;
  }
  EXPECT_NE(r.html.find(">x@sim;ring=100<"), std::string::npos) << "leg target not shown";
  EXPECT_EQ(r.html.find("answered by"), std::string::npos) << r.html;

  auto a = shown(dom, answered.id);
  ASSERT_TRUE(a.found) << dom;
  EXPECT_EQ(a.element.attribute("data-status"), "progressing");
  ASSERT_EQ(a.legs.size(), 2u) << a.html;
  EXPECT_EQ(a.legs[answered.call_ids[0]].attribute("data-status"), "progressing");
  EXPECT_EQ(a.legs[answered.call_ids[1]].attribute("data-status"), "hangup");
  // Who answered, and why the other leg ended.
  EXPECT_NE(a.html.find("answered by " + answered.call_ids[0].substr(0, 8)), std::string::npos)
      << a.html;
  EXPECT_NE(a.html.find("target winner"), std::string::npos) << a.html;
  EXPECT_NE(a.html.find(">cancel<"), std::string::npos) << a.html;
  // Coloured by status: a card's left border takes its status colour while the
  // card stays white, so its text (ids, the winner in green) stays readable.
  auto style = [&](const std::string& id, const std::string& property) {
    return chromium.evaluate(session, "getComputedStyle(" + selector_for(id) + ")." + property)
        .value_or("?");
  };
  EXPECT_EQ(style(answered.id, "borderLeftColor"), "\"rgb(46, 125, 50)\"");
  for (auto& id : {answered.id, ringing.id}) {
    EXPECT_EQ(style(id, "backgroundColor"), "\"rgb(255, 255, 255)\"") << "card of " << id;
  }
  // The newest groupcall is on top.
  EXPECT_LT(dom.find("data-groupcall-id=\"" + answered.id),
            dom.find("data-groupcall-id=\"" + ringing.id));

  // Hung up over REST: the page follows to the end.
  auto hangup =
      http_request(port, "POST", "/v1.0/groupcalls/" + ringing.id + "/hangup", "", bearer(key_a));
  ASSERT_EQ(hangup.status, 200u) << hangup.body;
  ASSERT_TRUE(chromium.wait_for(session,
                                selector_for(ringing.id) + ".dataset.status === 'hangup' && " +
                                    leg_status_is(ringing.call_ids[0], "hangup") + " && " +
                                    leg_status_is(ringing.call_ids[1], "hangup"),
                                10s))
      << chromium.dump_dom(session);
  // Counters: only the answered groupcall is live, with one live leg; nothing dropped.
  ASSERT_TRUE(chromium.wait_for(session,
                                "document.getElementById('live-groupcalls').textContent === '1' && "
                                "document.getElementById('live-legs').textContent === '1'",
                                3s))
      << chromium.dump_dom(session);
  EXPECT_EQ(style(ringing.id, "borderLeftColor"), "\"rgb(117, 117, 117)\"");
  EXPECT_EQ(style(ringing.id, "backgroundColor"), "\"rgb(255, 255, 255)\"");
  dom = chromium.dump_dom(session);
  EXPECT_NE(dom.find(R"(<b id="dropped">0</b>)"), std::string::npos);
  EXPECT_EQ(dom.find(R"(<b id="events">0</b>)"), std::string::npos);
  // And no script error on the way.
  expect_no_script_error(chromium);
}

// Opened late, the page still shows what was live before it: it reads REST before
// it takes events. A groupcall that already ended is not shown.
TEST(Dashboard, ShowsGroupcallsThatStartedBeforeThePageOpened) {
  ASSERT_NO_FATAL_FAILURE(expect_chromium());
  Chorusd chorusd;
  auto port = chorusd.port();
  auto ringing = create_groupcall(port, key_a, {"early@sim;ring=5", "late@sim;ring=5"}, 60);
  auto ended = create_groupcall(port, key_a, {"gone@sim;busy=5"});
  ASSERT_EQ(ringing.call_ids.size(), 2u);
  // Both legs ring and the other groupcall is over: from now on neither changes
  // until the test acts, so the page can learn of them from REST only.
  for (auto& call : ringing.call_ids) {
    ASSERT_TRUE(rest_status_becomes(port, "/v1.0/calls/" + call, "ringing"));
  }
  ASSERT_TRUE(rest_status_becomes(port, "/v1.0/groupcalls/" + ended.id, "hangup"));

  HeadlessChromium chromium;
  auto session = open_dashboard(chromium, port);
  ASSERT_FALSE(session.empty());
  ASSERT_TRUE(chromium.wait_for(session,
                                selector_for(ringing.id) + " && " +
                                    leg_status_is(ringing.call_ids[0], "ringing") + " && " +
                                    leg_status_is(ringing.call_ids[1], "ringing"),
                                5s))
      << "the groupcall that started before the page opened is not shown:\n"
      << chromium.dump_dom(session);
  ASSERT_TRUE(chromium.wait_for(
      session, counter_is("live-groupcalls", 1) + " && " + counter_is("live-legs", 2), 3s))
      << chromium.dump_dom(session);
  auto dom = chromium.dump_dom(session);
  auto r = shown(dom, ringing.id);
  ASSERT_TRUE(r.found) << dom;
  EXPECT_EQ(r.element.attribute("data-status"), "progressing");
  EXPECT_EQ(r.legs.size(), 2u) << r.html;
  EXPECT_NE(r.html.find(">early@sim;ring=5<"), std::string::npos) << r.html;
  EXPECT_FALSE(shown(dom, ended.id).found) << "an ended groupcall is shown:\n" << dom;
  EXPECT_NE(dom.find(R"(<b id="events">0</b>)"), std::string::npos) << "no event came yet";

  // Events take over from the preloaded snapshot.
  auto hangup =
      http_request(port, "POST", "/v1.0/groupcalls/" + ringing.id + "/hangup", "", bearer(key_a));
  ASSERT_EQ(hangup.status, 200u) << hangup.body;
  ASSERT_TRUE(chromium.wait_for(session,
                                selector_for(ringing.id) + ".dataset.status === 'hangup' && " +
                                    leg_status_is(ringing.call_ids[0], "hangup") + " && " +
                                    leg_status_is(ringing.call_ids[1], "hangup") + " && " +
                                    counter_is("live-groupcalls", 0) + " && " +
                                    counter_is("live-legs", 0),
                                10s))
      << chromium.dump_dom(session);
  expect_no_script_error(chromium);
}

// POST /v1.0/conferences; its snapshot.
Frame create_conference(std::uint16_t port, const std::string& name, int max_participants) {
  auto answer = http_request(port, "POST", "/v1.0/conferences",
                             R"({"name":)" + test::quoted(name) +
                                 R"(,"type":"conference","max_participants":)" +
                                 std::to_string(max_participants) + "}",
                             bearer(key_a));
  EXPECT_EQ(answer.status, 200u) << answer.error << answer.body;
  return snapshot(answer);
}

// A call answered at once (a groupcall's one leg), joined to `conference`; the
// conferencecall's id and the call's id.
std::pair<std::string, std::string> join_answered_call(std::uint16_t port,
                                                       const std::string& conference) {
  auto groupcall = create_groupcall(port, key_a, {"guest@sim;answer=0"});
  EXPECT_EQ(groupcall.call_ids.size(), 1u);
  if (groupcall.call_ids.empty()) return {};
  auto call = groupcall.call_ids[0];
  EXPECT_TRUE(rest_status_becomes(port, "/v1.0/calls/" + call, "progressing"));
  auto answer = http_request(port, "POST", "/v1.0/conferencecalls",
                             R"({"conference_id":")" + conference +
                                 R"(","reference_type":"call","reference_id":")" + call + R"("})",
                             bearer(key_a));
  EXPECT_EQ(answer.status, 200u) << answer.error << answer.body;
  return {snapshot(answer).id, call};
}

// Conferences beside groupcalls: one live before the page opened (from REST) and
// one created after (from events), each with a participant joining, and the
// counters. A kicked participant shows it left; a deleted conference leaves the page.
TEST(Dashboard, ShowsConferencesAndTheirParticipants) {
  ASSERT_NO_FATAL_FAILURE(expect_chromium());
  Chorusd chorusd;
  auto port = chorusd.port();
  auto before = create_conference(port, "Standup", 5);
  ASSERT_FALSE(before.id.empty());
  auto [early, early_call] = join_answered_call(port, before.id);
  ASSERT_FALSE(early.empty());
  ASSERT_TRUE(rest_status_becomes(port, "/v1.0/conferencecalls/" + early, "joined"));

  HeadlessChromium chromium;
  auto session = open_dashboard(chromium, port);
  ASSERT_FALSE(session.empty());
  ASSERT_TRUE(chromium.wait_for(
      session,
      conference_selector(before.id) + " && " + participant_status_is(early, "joined") + " && " +
          counter_is("live-conferences", 1) + " && " + counter_is("participants", 1),
      5s))
      << "the conference that started before the page opened is not shown:\n"
      << chromium.dump_dom(session);
  auto card = [&](const std::string& id) {
    auto value = chromium.evaluate(session, conference_selector(id) + ".textContent");
    return value.value_or("");
  };
  auto text = card(before.id);
  EXPECT_NE(text.find("Standup"), std::string::npos) << text;
  EXPECT_NE(text.find("1 participant"), std::string::npos) << text;
  EXPECT_NE(text.find("max 5"), std::string::npos) << text;
  EXPECT_NE(text.find(early_call), std::string::npos) << "the participant's call id: " << text;

  // One created while the page watches, and a participant joining it.
  auto after = create_conference(port, "Retro", 0);
  ASSERT_FALSE(after.id.empty());
  ASSERT_TRUE(chromium.wait_for(
      session, conference_selector(after.id) + " && " + counter_is("live-conferences", 2), 5s))
      << chromium.dump_dom(session);
  auto [late, late_call] = join_answered_call(port, after.id);
  ASSERT_FALSE(late.empty());
  ASSERT_TRUE(chromium.wait_for(
      session, participant_status_is(late, "joined") + " && " + counter_is("participants", 2), 10s))
      << chromium.dump_dom(session);
  text = card(after.id);
  EXPECT_NE(text.find("Retro"), std::string::npos) << text;
  EXPECT_NE(text.find(late_call), std::string::npos) << text;
  EXPECT_EQ(text.find("max"), std::string::npos) << "no maximum: " << text;
  EXPECT_EQ(chromium.evaluate(session, "document.querySelector('[data-conferencecall-id=\"" + late +
                                           "\"]').dataset.referenceId"),
            "\"" + late_call + "\"");
  // For people: two conferences with a participant each.
  std::this_thread::sleep_for(400ms);  // the page's 250 ms counter refresh
  {
    std::ofstream out(std::string(CHORUS_TEST_ARTIFACT_DIR) + "/dashboard-conferences.png",
                      std::ios::binary | std::ios::trunc);
    out << chromium.screenshot(session);
  }
  // The newest conference is on top.
  auto dom = chromium.dump_dom(session);
  EXPECT_LT(dom.find("data-conference-id=\"" + after.id),
            dom.find("data-conference-id=\"" + before.id));

  // Kicked: the participant's row shows it left, and it no longer counts.
  auto kicked = http_request(port, "DELETE", "/v1.0/conferencecalls/" + early, "", bearer(key_a));
  ASSERT_EQ(kicked.status, 200u) << kicked.body;
  ASSERT_TRUE(chromium.wait_for(
      session, participant_status_is(early, "leaved") + " && " + counter_is("participants", 1),
      10s))
      << chromium.dump_dom(session);
  // Deleted: the card goes, and its participant with it.
  auto deleted = http_request(port, "DELETE", "/v1.0/conferences/" + after.id, "", bearer(key_a));
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  ASSERT_TRUE(chromium.wait_for(session,
                                "!" + conference_selector(after.id) + " && " +
                                    counter_is("live-conferences", 1) + " && " +
                                    counter_is("participants", 0),
                                10s))
      << chromium.dump_dom(session);
  expect_no_script_error(chromium);
}

}  // namespace
}  // namespace chorus::wstest
