#include "transport/ws_write_batch.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace chorus {
namespace {

// A connected pair of stream sockets; the batch writes to `writer`.
struct SocketPair {
  SocketPair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    writer = fds[0];
    reader = fds[1];
    ::fcntl(reader, F_SETFL, ::fcntl(reader, F_GETFL) | O_NONBLOCK);
  }
  ~SocketPair() {
    ::close(writer);
    ::close(reader);
  }
  std::string read_all() const {
    std::string text;
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(reader, chunk, sizeof chunk)) > 0) text.append(chunk, n);
    return text;
  }
  int writer;
  int reader;
};

EventPtr an_event() {
  return std::make_shared<Event>(EventType::call_created, std::make_shared<const Call>());
}

std::string joined(const std::vector<boost::asio::const_buffer>& buffers) {
  std::string text;
  for (auto& b : buffers) text.append(static_cast<const char*>(b.data()), b.size());
  return text;
}

// own "a", shared "SHARED-1", own "bc", shared "S2", own "d".
void fill(WsWriteBatch& batch, const std::string& one, const std::string& two, EventPtr event) {
  batch.own() += "a";
  batch.share(one, event);
  batch.own() += "bc";
  batch.share(two, event);
  batch.own() += "d";
}

TEST(WsWriteBatch, GathersOwnAndSharedBytesInOrderInOneWrite) {
  SocketPair pair;
  std::string one = "SHARED-1", two = "S2";
  WsWriteBatch batch;
  fill(batch, one, two, an_event());
  EXPECT_EQ(batch.size(), 14u);
  boost::system::error_code ec;
  EXPECT_EQ(batch.write_some(pair.writer, ec), 14u);
  EXPECT_FALSE(ec);
  EXPECT_EQ(pair.read_all(), "aSHARED-1bcS2d");
}

TEST(WsWriteBatch, HoldsItsEventsUntilCleared) {
  std::string one = "x", two = "y";
  auto event = an_event();
  WsWriteBatch batch;
  fill(batch, one, two, event);
  EXPECT_EQ(event.use_count(), 3);
  batch.clear(1024);
  EXPECT_EQ(event.use_count(), 1);
  EXPECT_TRUE(batch.empty());
}

TEST(WsWriteBatch, TheRestAfterAnyPartialWriteIsTheRemainingBytes) {
  std::string one = "SHARED-1", two = "S2", whole = "aSHARED-1bcS2d";
  for (std::size_t sent = 0; sent <= whole.size(); ++sent) {
    WsWriteBatch batch;
    fill(batch, one, two, an_event());
    EXPECT_EQ(joined(batch.rest(sent)), whole.substr(sent)) << "after " << sent << " bytes";
  }
}

TEST(WsWriteBatch, AWriteTakesAtMostTheIovecsTheKernelAllows) {
  SocketPair pair;
  std::string shared = "S";
  auto event = an_event();
  WsWriteBatch batch;
  std::string whole;
  for (int i = 0; i < 1500; ++i) {  // 3,000 pieces
    batch.own() += "o";
    batch.share(shared, event);
    whole += "oS";
  }
  boost::system::error_code ec;
  auto sent = batch.write_some(pair.writer, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(sent, 1024u);
  EXPECT_EQ(joined(batch.rest(sent)), whole.substr(sent));
  EXPECT_EQ(pair.read_all(), whole.substr(0, sent));
}

TEST(WsWriteBatch, AClosedPeerIsAnError) {
  SocketPair pair;
  ::close(pair.reader);
  pair.reader = ::socket(AF_UNIX, SOCK_STREAM, 0);  // for the destructor
  std::string shared = "S";
  WsWriteBatch batch;
  batch.own() += "o";
  batch.share(shared, an_event());
  boost::system::error_code ec;
  EXPECT_EQ(batch.write_some(pair.writer, ec), 0u);
  EXPECT_EQ(ec, boost::system::errc::broken_pipe);
}

}  // namespace
}  // namespace chorus
