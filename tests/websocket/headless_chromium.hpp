#pragma once
// Headless chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: commands on its fd 3, answers and events on its fd 4,
// each message JSON ended by a NUL), so a test can wait in real time for a page
// fed by live WebSocket events, read its DOM and take a screenshot. No port is
// opened. (--dump-dom with --virtual-time-budget cannot wait for events: an idle
// page's virtual time runs out in a moment of real time.)

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/support/child_process.hpp"

namespace chorus::wstest {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline std::string chromium_path() {
  if (const char* path = std::getenv("CHORUS_CHROMIUM")) return path;
  return "/usr/bin/chromium";
}

inline std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  value.Accept(w);
  return buffer.GetString();
}

class HeadlessChromium {
 public:
  struct Answer {
    bool ok = false;   // a "result" came (not an "error", not a timeout)
    std::string json;  // the whole answer
    rapidjson::Document doc;
    const rapidjson::Value& result() const { return doc["result"]; }
  };

  explicit HeadlessChromium(const std::string& window_size = "1200,800") {
    // A write to the pipe of a chromium that died must fail, not kill the test.
    ::signal(SIGPIPE, SIG_IGN);
    char pattern[] = "/tmp/chorus-chromium-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    profile_ = pattern;
    std::vector<std::string> args{chromium_path(),
                                  "--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--disable-dev-shm-usage",
                                  "--disable-quic",
                                  "--no-first-run",
                                  "--no-default-browser-check",
                                  "--disable-background-networking",
                                  "--disable-component-update",
                                  "--disable-sync",
                                  "--disable-extensions",
                                  "--mute-audio",
                                  "--hide-scrollbars",
                                  "--window-size=" + window_size,
                                  "--user-data-dir=" + profile_,
                                  "--remote-debugging-pipe",
                                  "about:blank"};
    start(args);
  }
  ~HeadlessChromium() {
    if (process_) {
      send("Browser.close", "{}");
      if (!process_->wait(10s)) process_->kill();
    }
    stop_ = true;
    if (reader_.joinable()) reader_.join();
    if (to_browser_ >= 0) ::close(to_browser_);
    if (from_browser_ >= 0) ::close(from_browser_);
    std::error_code ignored;
    std::filesystem::remove_all(profile_, ignored);
  }
  HeadlessChromium(const HeadlessChromium&) = delete;
  HeadlessChromium& operator=(const HeadlessChromium&) = delete;

  // What chromium wrote to stdout and stderr (its log file).
  std::string log_text() const {
    std::string text;
    if (FILE* f = std::fopen((profile_ + "/chromium.log").c_str(), "r")) {
      char chunk[4096];
      std::size_t n;
      while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) text.append(chunk, n);
      std::fclose(f);
    }
    return text.size() > 4000 ? "..." + text.substr(text.size() - 4000) : text;
  }

  // Sends a command (params: a JSON object) and waits for its answer.
  Answer call(const std::string& method, const std::string& params = "{}",
              const std::string& session = "",
              std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto id = send(method, params, session);
    Answer answer;
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return answers_.count(id) || closed_; }) ||
        !answers_.count(id)) {
      answer.json = closed_ ? "chromium closed its pipe" : "no answer in time";
      return answer;
    }
    answer.json = std::move(answers_[id]);
    answers_.erase(id);
    lock.unlock();
    answer.doc.Parse(answer.json.c_str());
    answer.ok =
        !answer.doc.HasParseError() && answer.doc.IsObject() && answer.doc.HasMember("result");
    return answer;
  }

  // Opens a page and attaches to it; its session id (empty on failure).
  std::string open_page(const std::string& url) {
    auto target = call("Target.createTarget", R"({"url":"about:blank"})");
    if (!target.ok) return {};
    std::string id = target.result()["targetId"].GetString();
    auto attached = call("Target.attachToTarget", R"({"targetId":")" + id + R"(","flatten":true})");
    if (!attached.ok) return {};
    std::string session = attached.result()["sessionId"].GetString();
    call("Runtime.enable", "{}", session);
    call("Page.enable", "{}", session);
    rapidjson::Document params(rapidjson::kObjectType);
    params.AddMember("url", rapidjson::Value(url.c_str(), params.GetAllocator()),
                     params.GetAllocator());
    if (!call("Page.navigate", to_json(params), session).ok) return {};
    return session;
  }

  // Evaluates `expression` in the page; its value as JSON text (nullopt on error).
  std::optional<std::string> evaluate(const std::string& session, const std::string& expression) {
    rapidjson::Document params(rapidjson::kObjectType);
    auto& a = params.GetAllocator();
    params.AddMember("expression", rapidjson::Value(expression.c_str(), a), a);
    params.AddMember("returnByValue", true, a);
    auto answer = call("Runtime.evaluate", to_json(params), session);
    if (!answer.ok) return std::nullopt;
    auto& result = answer.result();
    if (result.HasMember("exceptionDetails")) return std::nullopt;
    if (!result.HasMember("result") || !result["result"].HasMember("value")) return std::nullopt;
    return to_json(result["result"]["value"]);
  }

  // Polls `expression` until it is true or the timeout passes.
  bool wait_for(const std::string& session, const std::string& expression,
                std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (evaluate(session, "Boolean(" + expression + ")") == std::string("true")) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // The page's whole DOM as HTML, as --dump-dom prints it.
  std::string dump_dom(const std::string& session) {
    auto value = evaluate(session, "document.documentElement.outerHTML");
    if (!value) return {};
    rapidjson::Document doc;
    doc.Parse(value->c_str());
    return doc.IsString() ? doc.GetString() : std::string();
  }

  // A PNG screenshot of the page, decoded.
  std::string screenshot(const std::string& session) {
    auto answer = call("Page.captureScreenshot", R"({"format":"png"})", session);
    if (!answer.ok || !answer.result().HasMember("data")) return {};
    return base64_decode(answer.result()["data"].GetString());
  }

  // The events chromium sent whose method is `method` (e.g. Runtime.exceptionThrown).
  std::vector<std::string> events(const std::string& method) const {
    std::lock_guard<std::mutex> guard(mutex_);
    std::vector<std::string> out;
    for (auto& [m, json] : events_) {
      if (m == method) out.push_back(json);
    }
    return out;
  }

 private:
  static std::string base64_decode(const std::string& in) {
    auto value = [](char c) -> int {
      if (c >= 'A' && c <= 'Z') return c - 'A';
      if (c >= 'a' && c <= 'z') return c - 'a' + 26;
      if (c >= '0' && c <= '9') return c - '0' + 52;
      if (c == '+') return 62;
      if (c == '/') return 63;
      return -1;
    };
    std::string out;
    int bits = 0, buffer = 0;
    for (char c : in) {
      int v = value(c);
      if (v < 0) continue;
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((buffer >> bits) & 0xff));
      }
    }
    return out;
  }

  int send(const std::string& method, const std::string& params, const std::string& session = "") {
    int id;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      id = ++next_id_;
    }
    std::string message =
        R"({"id":)" + std::to_string(id) + R"(,"method":")" + method + R"(","params":)" + params;
    if (!session.empty()) message += R"(,"sessionId":")" + session + "\"";
    message += "}";
    message.push_back('\0');
    std::size_t sent = 0;
    while (sent < message.size()) {
      auto n = ::write(to_browser_, message.data() + sent, message.size() - sent);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    return id;
  }

  void read_loop() {
    std::string pending;
    char chunk[65536];
    while (!stop_) {
      // Polled, so that a chromium child still holding the pipe cannot keep us.
      pollfd p{from_browser_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      auto n = ::read(from_browser_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      pending.append(chunk, static_cast<std::size_t>(n));
      std::size_t end;
      while ((end = pending.find('\0')) != std::string::npos) {
        std::string message = pending.substr(0, end);
        pending.erase(0, end + 1);
        rapidjson::Document doc;
        doc.Parse(message.c_str());
        if (doc.HasParseError() || !doc.IsObject()) continue;
        std::lock_guard<std::mutex> guard(mutex_);
        if (doc.HasMember("id") && doc["id"].IsInt()) {
          answers_[doc["id"].GetInt()] = std::move(message);
        } else if (doc.HasMember("method") && doc["method"].IsString()) {
          events_.emplace_back(doc["method"].GetString(), std::move(message));
        }
        changed_.notify_all();
      }
    }
    std::lock_guard<std::mutex> guard(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  void start(std::vector<std::string> args) {
    if (::access(args[0].c_str(), X_OK) != 0) {
      throw std::runtime_error(args[0] +
                               " is not installed (or not executable): the dashboard test needs "
                               "Debian's chromium; .ci/install-deps installs it");
    }
    int commands[2], answers[2];
    if (::pipe2(commands, O_CLOEXEC) != 0 || ::pipe2(answers, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    int log = ::open((profile_ + "/chromium.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                     0644);
    if (log < 0) throw std::runtime_error("cannot create chromium's log file");
    // Its DevTools pipe on its descriptors 3 (commands) and 4 (answers).
    try {
      process_ = std::make_unique<test::ChildProcess>(test::ChildProcess::Launch{
          std::move(args),
          "",
          {{3, commands[0]}, {4, answers[1]}, {STDOUT_FILENO, log}, {STDERR_FILENO, log}}});
    } catch (...) {
      for (int fd : {commands[0], commands[1], answers[0], answers[1], log}) ::close(fd);
      throw;
    }
    ::close(commands[0]);
    ::close(answers[1]);
    ::close(log);
    to_browser_ = commands[1];
    from_browser_ = answers[0];
    reader_ = std::thread([this] { read_loop(); });
  }

  std::string profile_;
  std::unique_ptr<test::ChildProcess> process_;
  int to_browser_ = -1;
  int from_browser_ = -1;
  std::atomic<bool> stop_{false};
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<int, std::string> answers_;
  std::vector<std::pair<std::string, std::string>> events_;
  int next_id_ = 0;
  bool closed_ = false;
};

}  // namespace chorus::wstest
