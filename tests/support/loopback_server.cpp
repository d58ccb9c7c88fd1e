#include "tests/support/loopback_server.hpp"

#include <string.h>

#include <stdexcept>
#include <utility>

#include "tests/support/free_port.hpp"
#include "tests/support/logged_child.hpp"

namespace chorus::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int port_attempts = 5;

bool log_closed(const std::string&, bool closed) {
  return closed;
}

std::string seconds(std::chrono::seconds time) {
  return std::to_string(time.count()) + " s";
}

}  // namespace

LoopbackServer::LoopbackServer(Program program) : program_(std::move(program)) {}

LoopbackServer::~LoopbackServer() {
  shut_down();
}

void LoopbackServer::start() {
  if (running()) return;
  const bool restart = port_ != 0;  // clients already know this port: keep it
  for (int attempt = 0; attempt < port_attempts; ++attempt) {
    if (!restart) port_ = free_loopback_port();
    if (try_start()) return;
    if (restart) {
      throw std::runtime_error(program_.name + " cannot listen again on port " +
                               std::to_string(port_) + ": another process has it\n" + log());
    }
  }
  throw std::runtime_error(program_.name + " found no free loopback port in " +
                           std::to_string(port_attempts) + " attempts:\n" + log());
}

bool LoopbackServer::try_start() {
  auto child = launch_logged(program_.arguments(port_), program_.directory, program_.user);
  log_ = std::move(child.log);
  process_ = std::move(child.process);
  // Ready, or ended: the log pipe closes once the server (and all it forked) has.
  log_->wait_for_line(program_.ready_line, Clock::now() + program_.ready_time);
  auto text = log_->text();
  if (text.find(program_.ready_line) != std::string::npos) return true;
  // Closed now, or not: the deadline has passed, so this only looks.
  const bool ended = log_->wait_for(Clock::now(), log_closed);
  kill();
  if (text.find(program_.port_taken) != std::string::npos) return false;
  throw std::runtime_error(program_.name + " " +
                           (ended ? std::string("ended before it was ready")
                                  : "was not ready within " + seconds(program_.ready_time)) +
                           " on port " + std::to_string(port_) + "; its log:\n" + log());
}

void LoopbackServer::stop() {
  if (!process_) return;
  process_->signal(program_.stop_signal);
  if (!process_->wait(program_.shutdown_time)) {
    kill();
    throw std::runtime_error(
        program_.name + " did not stop within " + seconds(program_.shutdown_time) + " of SIG" +
        ::sigabbrev_np(program_.stop_signal) + " and was killed; its log:\n" + log());
  }
  forget_process();
}

void LoopbackServer::kill() {
  if (!process_) return;
  if (process_->running()) {
    if (program_.kill_descendants) program_.kill_descendants(process_->pid());
    process_->kill();
  }
  forget_process();
}

void LoopbackServer::shut_down() noexcept {
  try {
    stop();
  } catch (...) {
    kill();  // cannot throw from here on: it only signals and waits
  }
}

bool LoopbackServer::running() {
  return process_ && process_->running();
}

std::string LoopbackServer::log() const {
  return log_ ? log_->text() : std::string();
}

void LoopbackServer::forget_process() {
  // Its end closes the pipe; the reader then holds the whole log. Children that
  // outlive the server (PostgreSQL's, after a crash) follow it within moments.
  if (log_->wait_for(Clock::now() + program_.last_exit_time, log_closed)) log_->join();
  process_.reset();
}

}  // namespace chorus::test
