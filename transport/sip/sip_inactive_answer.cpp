#include "transport/sip/sip_inactive_answer.hpp"

#include <vector>

#include "model/field_limits.hpp"

namespace chorus {

namespace {

// Splits on LF, dropping a CR before it.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  while (!line.empty()) {
    auto start = line.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    auto end = line.find(' ');
    words.push_back(line.substr(0, end));
    if (end == std::string_view::npos) break;
    line.remove_prefix(end);
  }
  return words;
}

// A token we may echo: printable ASCII without spaces.
bool token(std::string_view word) {
  if (word.empty() || word.size() > 64) return false;
  for (char c : word) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

bool echoable(std::string_view line) {
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return line.size() <= 256;
}

struct Media {
  std::string_view line;                  // the offer's m= line
  std::vector<std::string_view> rtpmaps;  // a=rtpmap: lines of its section
};

std::vector<Media> media_of(const std::vector<std::string_view>& lines) {
  std::vector<Media> media;
  for (auto line : lines) {
    if (line.substr(0, 2) == "m=") {
      media.push_back(Media{line, {}});
    } else if (!media.empty() && line.substr(0, 9) == "a=rtpmap:") {
      media.back().rtpmaps.push_back(line);
    }
  }
  return media;
}

// "m=audio 9 RTP/AVP 0" and its rtpmap held inactive, or the line rejected with
// port 0 when it cannot be read (RFC 3264 keeps the count and order of m= lines).
void answer_media(std::string& out, const Media& media) {
  auto words = words_of(media.line.substr(2));
  bool readable = words.size() >= 4 && token(words[0]) && token(words[2]) && token(words[3]);
  if (!readable) {
    std::string_view kind = !words.empty() && token(words[0]) ? words[0] : "audio";
    std::string_view proto = words.size() >= 3 && token(words[2]) ? words[2] : "RTP/AVP";
    out += "m=" + std::string(kind) + " 0 " + std::string(proto) + " 0\r\n";
    return;
  }
  auto format = words[3];
  out += "m=" + std::string(words[0]) + " 9 " + std::string(words[2]) + " " + std::string(format) +
         "\r\n";
  std::string prefix = "a=rtpmap:" + std::string(format) + " ";
  for (auto rtpmap : media.rtpmaps) {
    if (rtpmap.substr(0, prefix.size()) == prefix && echoable(rtpmap)) {
      out += std::string(rtpmap) + "\r\n";
      break;
    }
  }
  out += "a=inactive\r\n";
}

}  // namespace

std::string sip_inactive_answer(std::string_view offer, std::string_view host) {
  offer = offer.substr(0, field_limits::sdp);
  bool v6 = !host.empty() && host.front() == '[';
  std::string address(host);
  if (v6) address = address.substr(1, address.size() > 2 ? address.size() - 2 : 0);
  if (address.empty() || !echoable(address)) address = v6 ? "::" : "0.0.0.0";
  std::string family = v6 ? "IP6" : "IP4";
  std::string out = "v=0\r\no=chorus 0 0 IN " + family + " " + address + "\r\ns=-\r\nc=IN " +
                    family + " " + address + "\r\nt=0 0\r\n";
  auto media = media_of(lines_of(offer));
  if (media.empty()) {
    // No m= line to answer: still a well-formed session with no media.
    return out;
  }
  for (const auto& m : media) answer_media(out, m);
  return out;
}

}  // namespace chorus
