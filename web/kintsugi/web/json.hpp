#pragma once

/// @file
/// JSON for what a page's socket says: a writer for what the program sends,
/// and a strict, bounded parser for what a browser sends it (the observer's
/// protocol is built on these; so can an `app`'s).
///
/// ```cpp
/// void on_text(const kintsugi::web::peer& client, const std::string& text) {
///   auto request = kintsugi::web::parse_json(text);  // bounded and strict
///   auto row = request ? request->count_member("row") : std::nullopt;
///   kintsugi::web::json_writer reply;
///   if (row)
///     reply.begin_object().key("row").value(*row).end_object();
///   else
///     reply.begin_object().key("error").value("a row, please").end_object();
///   client.send(reply.str());
/// }
/// ```

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <caf/expected.hpp>

namespace kintsugi::web {

/// Appends JSON text; the caller keeps objects and arrays balanced.
class json_writer {
public:
  json_writer& begin_object() {
    return open('{');
  }
  json_writer& end_object() {
    return close('}');
  }
  json_writer& begin_array() {
    return open('[');
  }
  json_writer& end_array() {
    return close(']');
  }
  /// The key of the next member of the current object.
  json_writer& key(std::string_view x);
  json_writer& value(std::string_view x);
  json_writer& value(const char* x) {
    return value(std::string_view{x});
  }
  json_writer& value(uint64_t x);
  json_writer& value(int64_t x);
  json_writer& value(int x) {
    return value(static_cast<int64_t>(x));
  }
  json_writer& value(bool x);
  json_writer& null();
  /// A value that is JSON text already (another writer's `str()`).
  json_writer& raw(std::string_view json);

  const std::string& str() const noexcept {
    return out_;
  }

private:
  void separate();
  json_writer& open(char bracket);
  json_writer& close(char bracket);

  std::string out_;
  // Per open object or array: whether it has a member yet.
  std::vector<bool> has_member_;
  bool after_key_ = false;
};

/// A JSON value as parsed.
struct json_value {
  using array = std::vector<json_value>;
  using object = std::map<std::string, json_value>;
  std::variant<std::nullptr_t, bool, double, std::string, array, object> data;

  const object* as_object() const {
    return std::get_if<object>(&data);
  }
  /// The member `name` of an object that is a string, or none.
  const std::string* string_member(const std::string& name) const;
  /// The member `name` of an object that is a whole number in [0, 2^53],
  /// or none.
  std::optional<uint64_t> count_member(const std::string& name) const;
};

/// Parses `text` as one JSON value, nested at most `max_depth` deep. Errors
/// (`sec::invalid_argument`) say what and where.
caf::expected<json_value> parse_json(std::string_view text, std::size_t max_depth = 16);

} // namespace kintsugi::web
