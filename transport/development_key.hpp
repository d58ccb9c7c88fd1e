#pragma once
// The key chorusd makes up when it starts on loopback without one: "dev-" and 32 hex
// digits, 128 bits from the kernel's CSPRNG. Not std::random_device (what it draws from
// is implementation-defined) and not a seeded PRNG (the seed would bound the key space).
// Header-only so that the chorusd tests can unit-test it without the REST library.

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <fstream>
#include <stdexcept>
#include <string>

namespace chorus {

// Fills `bytes` from the kernel's CSPRNG; false if it cannot. getrandom(2) blocks only
// until the pool is first initialised, at boot; /dev/urandom stands in where the call is
// missing (old kernels, seccomp filters that refuse it).
inline bool fill_from_kernel_random(unsigned char* bytes, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    auto n = ::getrandom(bytes + got, size - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got == size) return true;
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  return urandom.read(reinterpret_cast<char*>(bytes), static_cast<std::streamsize>(size)).good();
}

// A fresh development key. Throws std::runtime_error if the kernel gives no random bytes.
inline std::string development_key() {
  std::array<unsigned char, 16> bits;  // 128
  if (!fill_from_kernel_random(bits.data(), bits.size())) {
    throw std::runtime_error("no random bytes from getrandom(2) or /dev/urandom");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string key = "dev-";
  for (auto byte : bits) {
    key.push_back(hex[byte >> 4]);
    key.push_back(hex[byte & 0xf]);
  }
  return key;
}

}  // namespace chorus
