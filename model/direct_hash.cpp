#include "model/direct_hash.hpp"

#include "model/uuid.hpp"

namespace chorus {

std::string direct_hash_from(const std::array<std::uint8_t, 16>& random_bytes) {
  constexpr char hex_digits[] = "0123456789abcdef";
  std::string hash;
  hash.reserve(direct_hash_size);
  for (const std::uint8_t byte : random_bytes) {
    hash += hex_digits[byte >> 4];
    hash += hex_digits[byte & 0x0f];
  }
  return hash;
}

std::string generate_direct_hash() {
  return direct_hash_from(Uuid::generate().bytes());
}

}  // namespace chorus
