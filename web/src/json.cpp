#include "kintsugi/web/json.hpp"

#include <cmath>
#include <cstdlib>

#include <caf/sec.hpp>

#include <fmt/core.h>

namespace kintsugi::web {

// -- writer ---------------------------------------------------------------------

void json_writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_member_.empty()) {
    if (has_member_.back())
      out_ += ',';
    has_member_.back() = true;
  }
}

json_writer& json_writer::open(char bracket) {
  separate();
  out_ += bracket;
  has_member_.push_back(false);
  return *this;
}

json_writer& json_writer::close(char bracket) {
  out_ += bracket;
  has_member_.pop_back();
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

json_writer& json_writer::key(std::string_view x) {
  value(x);
  out_ += ':';
  after_key_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view x) {
  separate();
  out_ += '"';
  for (unsigned char c : x) {
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        // Control characters escaped; "<" too, so that no text can close a
        // script element if a page ever inlines the JSON.
        if (c < 0x20 || c == '<')
          out_ += fmt::format("\\u{:04x}", c);
        else
          out_ += static_cast<char>(c);
    }
  }
  out_ += '"';
  return *this;
}

json_writer& json_writer::value(uint64_t x) {
  separate();
  out_ += std::to_string(x);
  return *this;
}

json_writer& json_writer::value(int64_t x) {
  separate();
  out_ += std::to_string(x);
  return *this;
}

json_writer& json_writer::value(bool x) {
  separate();
  out_ += x ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  separate();
  out_ += "null";
  return *this;
}

// -- value ----------------------------------------------------------------------

const std::string* json_value::string_member(const std::string& name) const {
  auto obj = as_object();
  if (!obj)
    return nullptr;
  auto i = obj->find(name);
  return i == obj->end() ? nullptr : std::get_if<std::string>(&i->second.data);
}

std::optional<uint64_t> json_value::count_member(const std::string& name) const {
  auto obj = as_object();
  if (!obj)
    return std::nullopt;
  auto i = obj->find(name);
  if (i == obj->end())
    return std::nullopt;
  auto x = std::get_if<double>(&i->second.data);
  if (!x || *x < 0 || *x > 9007199254740992.0 || std::floor(*x) != *x)
    return std::nullopt;
  return static_cast<uint64_t>(*x);
}

// -- parser ---------------------------------------------------------------------

namespace {

class parser {
public:
  parser(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {
  }

  caf::expected<json_value> run() {
    json_value result;
    if (!parse_value(result, 0))
      return fail();
    skip_space();
    if (pos_ != text_.size()) {
      why_ = "text after the value";
      return fail();
    }
    return result;
  }

private:
  caf::error fail() const {
    return caf::make_error(caf::sec::invalid_argument,
                           fmt::format("malformed JSON at byte {}: {}", pos_, why_));
  }

  bool refuse(const char* why) {
    why_ = why;
    return false;
  }

  void skip_space() {
    while (
      pos_ < text_.size()
      && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word)
      return refuse("unknown literal");
    pos_ += word.size();
    return true;
  }

  bool parse_value(json_value& out, std::size_t depth) {
    if (depth > max_depth_)
      return refuse("nested too deep");
    skip_space();
    if (pos_ == text_.size())
      return refuse("unexpected end");
    switch (text_[pos_]) {
      case '{':
        return parse_object(out, depth);
      case '[':
        return parse_array(out, depth);
      case '"': {
        std::string x;
        if (!parse_string(x))
          return false;
        out.data = std::move(x);
        return true;
      }
      case 't':
        out.data = true;
        return literal("true");
      case 'f':
        out.data = false;
        return literal("false");
      case 'n':
        out.data = nullptr;
        return literal("null");
      default:
        return parse_number(out);
    }
  }

  // The items of an object or an array, from its opening bracket to `close`:
  // `item` parses one; a comma between two, none after the last.
  template <class Item>
  bool parse_items(char close, const char* expected, Item item) {
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
      return true;
    }
    for (;;) {
      if (!item())
        return false;
      skip_space();
      if (pos_ == text_.size())
        return refuse("unexpected end");
      if (text_[pos_] == close) {
        ++pos_;
        return true;
      }
      if (text_[pos_] != ',')
        return refuse(expected);
      ++pos_;
    }
  }

  bool parse_object(json_value& out, std::size_t depth) {
    json_value::object members;
    auto ok = parse_items('}', "expected ',' or '}'", [&] {
      skip_space();
      if (pos_ == text_.size() || text_[pos_] != '"')
        return refuse("expected a member name");
      std::string name;
      if (!parse_string(name))
        return false;
      skip_space();
      if (pos_ == text_.size() || text_[pos_] != ':')
        return refuse("expected ':'");
      ++pos_;
      json_value x;
      if (!parse_value(x, depth + 1))
        return false;
      if (!members.emplace(std::move(name), std::move(x)).second)
        return refuse("a member name twice");
      return true;
    });
    if (ok)
      out.data = std::move(members);
    return ok;
  }

  bool parse_array(json_value& out, std::size_t depth) {
    json_value::array items;
    auto ok = parse_items(']', "expected ',' or ']'", [&] {
      json_value x;
      if (!parse_value(x, depth + 1))
        return false;
      items.push_back(std::move(x));
      return true;
    });
    if (ok)
      out.data = std::move(items);
    return ok;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  }

  bool parse_hex4(uint32_t& x) {
    if (text_.size() - pos_ < 4)
      return refuse("short \\u escape");
    x = 0;
    for (int i = 0; i < 4; ++i) {
      auto d = hex(text_[pos_++]);
      if (d < 0)
        return refuse("bad \\u escape");
      x = x * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool parse_string(std::string& out) {
    ++pos_;
    for (;;) {
      if (pos_ == text_.size())
        return refuse("unterminated string");
      auto c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"')
        return true;
      if (c < 0x20)
        return refuse("control character in a string");
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (pos_ == text_.size())
        return refuse("unterminated escape");
      switch (text_[pos_++]) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!parse_hex4(cp))
            return false;
          if (cp >= 0xd800 && cp < 0xdc00) {
            uint32_t low = 0;
            if (text_.substr(pos_, 2) != "\\u")
              return refuse("lone surrogate");
            pos_ += 2;
            if (!parse_hex4(low) || low < 0xdc00 || low >= 0xe000)
              return refuse("lone surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return refuse("lone surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return refuse("unknown escape");
      }
    }
  }

  bool parse_number(json_value& out) {
    // JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    auto start = pos_;
    auto digits = [&] {
      auto from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9')
        ++pos_;
      return pos_ - from;
    };
    if (pos_ < text_.size() && text_[pos_] == '-')
      ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0')
      ++pos_;
    else if (digits() == 0)
      return refuse("expected a value");
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0)
        return refuse("expected digits after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-'))
        ++pos_;
      if (digits() == 0)
        return refuse("expected digits in the exponent");
    }
    std::string number{text_.substr(start, pos_ - start)};
    out.data = std::strtod(number.c_str(), nullptr);
    return true;
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
  const char* why_ = "";
};

} // namespace

caf::expected<json_value> parse_json(std::string_view text, std::size_t max_depth) {
  return parser{text, max_depth}.run();
}

} // namespace kintsugi::web
