#pragma once
// A conference's direct_hash: a random token that names one conference, as 32
// lower-case hex digits of 16 random bytes. The model does no I/O, so the bytes come
// from the caller; generate_direct_hash() takes them from Uuid::generate().

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace chorus {

inline constexpr std::size_t direct_hash_size = 32;  // characters

std::string direct_hash_from(const std::array<std::uint8_t, 16>& random_bytes);

// From the per-thread generator behind Uuid::generate(): 122 random bits, so two
// conferences practically never share one, but it is not a secret. A caller that
// wants a token nobody can predict passes bytes from the OS to direct_hash_from().
std::string generate_direct_hash();

}  // namespace chorus
