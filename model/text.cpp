#include "model/text.hpp"

#include <cstring>
#include <limits>
#include <new>
#include <ostream>
#include <stdexcept>

namespace chorus {

Text::Text(std::string_view text) {
  if (text.empty()) return;
  // Inputs are bounded far below this; the check keeps the 32-bit length honest.
  if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("chorus::Text: longer than 4 GiB");
  }
  void* memory = ::operator new(sizeof(Block) + text.size());
  block_ = new (memory) Block{{1}, static_cast<std::uint32_t>(text.size())};
  std::memcpy(block_ + 1, text.data(), text.size());
}

Text& Text::operator=(const Text& other) noexcept {
  Block* incoming = other.block_;  // read first: `other` may be this very text
  other.retain();
  release();
  block_ = incoming;
  return *this;
}

Text& Text::operator=(Text&& other) noexcept {
  if (this != &other) {
    release();
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

void Text::release() noexcept {
  if (block_ && block_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    ::operator delete(block_);
  }
  block_ = nullptr;
}

std::ostream& operator<<(std::ostream& out, const Text& text) {
  return out << text.view();
}

}  // namespace chorus
