#pragma once
// Text: an immutable string shared by reference. Copying one copies a pointer and
// bumps a count, so the thousand legs of one groupcall hold their caller's address
// once instead of a thousand times, and a leg's snapshot, copied at every state
// change, copies no characters. Empty text allocates nothing.

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace chorus {

class Text {
 public:
  Text() noexcept = default;
  Text(std::string_view text);  // NOLINT: implicit, as std::string is
  Text(const std::string& text) : Text(std::string_view(text)) {}
  Text(const char* text) : Text(std::string_view(text)) {}
  Text(const Text& other) noexcept : block_(other.block_) { retain(); }
  Text(Text&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  Text& operator=(const Text& other) noexcept;
  Text& operator=(Text&& other) noexcept;
  ~Text() { release(); }

  std::string_view view() const noexcept {
    return block_ ? std::string_view(block_->chars(), block_->size) : std::string_view();
  }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: implicit
  std::string str() const { return std::string(view()); }
  const char* data() const noexcept { return view().data(); }
  std::size_t size() const noexcept { return block_ ? block_->size : 0; }
  bool empty() const noexcept { return block_ == nullptr; }

  friend bool operator==(const Text& a, const Text& b) noexcept {
    return a.block_ == b.block_ || a.view() == b.view();
  }
  friend bool operator==(const Text& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const Text& a, const std::string& b) noexcept { return a.view() == b; }
  friend bool operator==(const Text& a, const char* b) noexcept { return a.view() == b; }
  template <class T>
  friend bool operator==(const T& a, const Text& b) noexcept {
    return b == a;
  }
  template <class T>
  friend bool operator!=(const Text& a, const T& b) noexcept {
    return !(a == b);
  }
  template <class T>
  friend bool operator!=(const T& a, const Text& b) noexcept {
    return !(b == a);
  }
  friend bool operator!=(const Text& a, const Text& b) noexcept { return !(a == b); }

 private:
  // The count and the length, followed by the characters (not NUL-terminated).
  struct Block {
    std::atomic<std::uint32_t> references;
    std::uint32_t size;
    const char* chars() const noexcept { return reinterpret_cast<const char*>(this + 1); }
  };

  void retain() const noexcept {
    if (block_) block_->references.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept;

  Block* block_ = nullptr;
};

std::ostream& operator<<(std::ostream& out, const Text& text);

}  // namespace chorus
