#pragma once
// Well-formed UTF-8 (RFC 3629): every text Chorus stores or emits must be, so that
// a JSON body or a WebSocket text frame built from it is valid for every reader.

#include <string_view>

namespace chorus {

// No overlongs, no surrogates, nothing above U+10FFFF, nothing cut short.
bool is_valid_utf8(std::string_view text);

}  // namespace chorus
