#include "tests/support/chorusd_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#ifndef CHORUSD_PATH
#error "CHORUSD_PATH must name the chorusd executable"
#endif

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

constexpr char listening_marker[] = "chorusd listening on http://127.0.0.1:";
constexpr char key_marker[] = "development key: ";
constexpr char customer_marker[] = "(customer ";

// A test that gives no --data-dir (or --store) gets a database of its own.
bool names_its_store(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& a) { return a == "--data-dir" || a == "--store"; });
}

// The text from `begin` up to the next `end` character.
std::string until(const std::string& text, std::size_t begin, char end) {
  return text.substr(begin, text.find(end, begin) - begin);
}

}  // namespace

std::string chorusd_path() {
  const char* under_test = std::getenv("CHORUSD_UNDER_TEST");
  return under_test && *under_test ? under_test : CHORUSD_PATH;
}

ChorusdProcess::ChorusdProcess(std::vector<std::string> args, bool wait_listening) {
  start(std::move(args));
  if (!wait_listening) return;
  try {
    await_listening();
  } catch (...) {
    stop(2s);  // the destructor does not run for a constructor that throws
    throw;
  }
}

ChorusdProcess::~ChorusdProcess() {
  // A test that waited for the end itself has judged it; any other end (a crash
  // seen by alive() included) must be a clean exit after SIGTERM.
  bool judged = judged_;
  auto status = stop();
  if (!judged && expect_clean_exit_) {
    EXPECT_TRUE(status.clean()) << "chorusd " << status.to_string() << "\nstderr:\n"
                                << err_->text();
  }
}

std::vector<std::string> ChorusdProcess::on_free_port(const std::vector<std::string>& flags) {
  std::vector<std::string> args{"--listen", "127.0.0.1:0"};
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

void ChorusdProcess::start(std::vector<std::string> args) {
  ChildProcess::Launch launch;
  launch.argv.push_back(chorusd_path());
  launch.argv.insert(launch.argv.end(), args.begin(), args.end());
  if (!names_its_store(args)) {
    data_ = std::make_unique<ScratchDir>();
    launch.argv.insert(launch.argv.end(), {"--data-dir", data_->path()});
  }
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    throw std::runtime_error("pipe2 failed");
  }
  out_ = std::make_unique<PipeReader>(out[0]);
  err_ = std::make_unique<PipeReader>(err[0]);
  launch.descriptors = {{STDOUT_FILENO, out[1]}, {STDERR_FILENO, err[1]}};
  try {
    process_ = std::make_unique<ChildProcess>(launch);
  } catch (...) {
    ::close(out[1]);
    ::close(err[1]);
    throw;
  }
  ::close(out[1]);
  ::close(err[1]);
}

void ChorusdProcess::await_listening(std::chrono::milliseconds timeout) {
  out_->wait_for_line(listening_marker, std::chrono::steady_clock::now() + timeout);
  auto text = out_->text();
  auto at = text.find(listening_marker);
  if (at == std::string::npos || text.find('\n', at) == std::string::npos) {
    ADD_FAILURE() << "chorusd did not print its listening line; stdout:\n"
                  << text << "\nstderr:\n"
                  << err_->text();
    throw std::runtime_error("chorusd did not start");
  }
  port_ = static_cast<std::uint16_t>(std::stoul(text.substr(at + sizeof listening_marker - 1)));
  auto key_at = text.find(key_marker);
  if (key_at == std::string::npos || key_at > at) return;
  auto begin = key_at + sizeof key_marker - 1;
  dev_key_ = until(text, begin, ' ');
  auto customer_at = text.find(customer_marker, begin);
  if (customer_at != std::string::npos) {
    dev_customer_ = until(text, customer_at + sizeof customer_marker - 1, ')');
  }
}

ExitStatus ChorusdProcess::ended(ExitStatus status) {
  judged_ = true;
  out_->join();
  err_->join();
  return status;
}

std::optional<ExitStatus> ChorusdProcess::wait(std::chrono::milliseconds timeout) {
  auto status = process_->wait(timeout);
  if (status) return ended(*status);
  return std::nullopt;
}

ExitStatus ChorusdProcess::stop(std::chrono::milliseconds grace) {
  return ended(process_->stop(grace));
}

CompletedRun run_chorusd(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  ChorusdProcess process(std::move(args), false);
  process.expect_clean_exit(false);
  CompletedRun run;
  if (auto s = process.wait(timeout)) {
    run.status = *s;
  } else {
    run.status = process.stop(1s);
    run.status.timed_out = true;
  }
  run.out = process.out();
  run.err = process.err();
  return run;
}

}  // namespace chorus::test
