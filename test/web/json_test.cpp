// The observer server's JSON (web/src/json.hpp): what it writes, and the
// strict parser for what browsers send, with hostile input.

#include <string>

#include <boost/test/unit_test.hpp>

#include "kintsugi/web/json.hpp"

using namespace kintsugi::web;

BOOST_AUTO_TEST_SUITE(json)

BOOST_AUTO_TEST_CASE(the_writer_escapes_and_separates) {
  json_writer w;
  w.begin_object()
    .key("name")
    .value("a \"quoted\"\n<tab>\t\x01")
    .key("n")
    .value(uint64_t{42})
    .key("neg")
    .value(-7)
    .key("list")
    .begin_array()
    .value(true)
    .null()
    .begin_object()
    .end_object()
    .end_array()
    .end_object();
  BOOST_TEST(
    w.str()
    == R"({"name":"a \"quoted\"\n\u003ctab>\t\u0001","n":42,"neg":-7,"list":[true,null,{}]})");
}

BOOST_AUTO_TEST_CASE(what_the_writer_writes_the_parser_reads) {
  json_writer w;
  w.begin_object().key("op").value("kill").key("actor").value(uint64_t{123}).end_object();
  auto x = parse_json(w.str());
  BOOST_REQUIRE(x);
  BOOST_REQUIRE(x->string_member("op"));
  BOOST_TEST(*x->string_member("op") == "kill");
  BOOST_TEST((x->count_member("actor") == uint64_t{123}));
  BOOST_TEST(!x->string_member("actor"));
  BOOST_TEST(!x->count_member("op"));
  BOOST_TEST(!x->count_member("missing"));
}

BOOST_AUTO_TEST_CASE(escapes_and_surrogates_become_utf8) {
  auto x = parse_json(R"({"s":"\u00e9\ud83d\ude00\/\\"})");
  BOOST_REQUIRE(x);
  BOOST_TEST(*x->string_member("s") == "\xc3\xa9\xf0\x9f\x98\x80/\\");
}

BOOST_AUTO_TEST_CASE(counts_are_whole_non_negative_and_exact) {
  for (auto text : {R"({"n":-1})", R"({"n":1.5})", R"({"n":1e300})", R"({"n":"1"})"}) {
    auto x = parse_json(text);
    BOOST_REQUIRE(x);
    BOOST_TEST(!x->count_member("n"), text);
  }
  BOOST_TEST((parse_json(R"({"n":2e3})")->count_member("n") == uint64_t{2000}));
}

BOOST_AUTO_TEST_CASE(malformed_input_is_an_error_that_says_where) {
  for (auto text : {"",
                    "{",
                    "}",
                    "{\"a\"}",
                    "{\"a\":}",
                    "{\"a\":1,}",
                    "[1,]",
                    "[1 2]",
                    "01",
                    "-",
                    "1.",
                    "1e",
                    "\"unterminated",
                    "\"bad \\x escape\"",
                    "\"\\ud800\"",
                    "\"\\udc00\"",
                    "\"\\u12\"",
                    "nul",
                    "tru",
                    "{} {}",
                    "{\"a\":1,\"a\":2}",
                    "\"tab\there\"",
                    "{'a':1}",
                    "NaN"}) {
    auto x = parse_json(text);
    BOOST_TEST(!x, "accepted: " << text);
    if (!x)
      BOOST_TEST(kintsugi::web::parse_json(text).error().context().size() > 0u);
  }
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
  std::string deep(10000, '[');
  BOOST_TEST(!parse_json(deep));
  std::string ok = std::string(16, '[') + std::string(16, ']');
  BOOST_TEST(static_cast<bool>(parse_json(ok)));
  std::string too_deep = std::string(18, '[') + std::string(18, ']');
  BOOST_TEST(!parse_json(too_deep));
}

BOOST_AUTO_TEST_SUITE_END()
