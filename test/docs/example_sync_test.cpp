// The code examples the README, docs/ and the public headers show are the
// ones examples_test.cpp compiles: none shown that is not compiled there, and
// none compiled there that is no longer shown.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

namespace fs = std::filesystem;

namespace {

struct example {
  std::string file; // relative to the source folder
  std::string code; // without whitespace and #include lines
  std::string first_line;
};

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string trim_left(const std::string& s) {
  auto first = s.find_first_not_of(" \t");
  return first == std::string::npos ? std::string{} : s.substr(first);
}

std::string normalize(const std::vector<std::string>& lines) {
  std::string out;
  for (auto& line : lines) {
    if (starts_with(trim_left(line), "#include"))
      continue;
    for (char c : line)
      if (!std::isspace(static_cast<unsigned char>(c)))
        out += c;
  }
  return out;
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in{file};
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// The ```cpp blocks of a Markdown file, or of a header's /// comments.
std::vector<example> shown_in(const fs::path& file, const std::string& name) {
  bool header = file.extension() == ".hpp";
  std::vector<example> out;
  std::vector<std::string> block;
  bool inside = false;
  for (auto line : lines_of(file)) {
    if (header) {
      auto text = trim_left(line);
      if (!starts_with(text, "///")) {
        inside = false;
        continue;
      }
      line = text.substr(starts_with(text, "/// ") ? 4 : 3);
    }
    auto fence = trim_left(line);
    if (!inside && fence == "```cpp") {
      inside = true;
      block.clear();
    } else if (inside && fence == "```") {
      inside = false;
      out.push_back({name, normalize(block), block.empty() ? "" : block.front()});
    } else if (inside) {
      block.push_back(line);
    }
  }
  return out;
}

// The blocks between "// example: FILE..." and "// end of example".
std::vector<example> compiled_in(const fs::path& file) {
  std::vector<example> out;
  std::vector<std::string> names;
  std::vector<std::string> block;
  bool inside = false;
  for (auto& line : lines_of(file)) {
    if (!inside && starts_with(line, "// example: ")) {
      inside = true;
      block.clear();
      names.clear();
      std::string rest = line.substr(12);
      for (std::size_t pos = 0; pos < rest.size();) {
        auto end = std::min(rest.find(' ', pos), rest.size());
        if (end > pos)
          names.push_back(rest.substr(pos, end - pos));
        pos = end + 1;
      }
    } else if (inside && line == "// end of example") {
      inside = false;
      for (auto& name : names)
        out.push_back({name, normalize(block), block.empty() ? "" : block.front()});
    } else if (inside) {
      block.push_back(line);
    }
  }
  return out;
}

const fs::path source_dir{KINTSUGI_SOURCE_DIR};

std::string name_of(const fs::path& p) {
  return p.lexically_relative(source_dir).generic_string();
}

std::vector<example> all_shown() {
  std::vector<example> out = shown_in(source_dir / "README.md", "README.md");
  for (auto folder : {"runtime", "strategies", "ets", "web", "docs", "examples"})
    for (auto& entry : fs::recursive_directory_iterator(source_dir / folder)) {
      auto ext = entry.path().extension();
      if (entry.is_regular_file() && (ext == ".hpp" || ext == ".md")) {
        auto found = shown_in(entry.path(), name_of(entry.path()));
        out.insert(out.end(), found.begin(), found.end());
      }
    }
  return out;
}

std::vector<example> all_compiled() {
  std::vector<example> out;
  for (auto& entry : fs::recursive_directory_iterator(source_dir / "test"))
    if (entry.is_regular_file() && entry.path().extension() == ".cpp") {
      auto found = compiled_in(entry.path());
      out.insert(out.end(), found.begin(), found.end());
    }
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(example_sync)

BOOST_AUTO_TEST_CASE(every_example_shown_is_compiled_and_every_compiled_one_is_shown) {
  auto shown = all_shown();
  auto compiled = all_compiled();
  // The README alone shows six; the headers more. Finding none means the
  // scan is broken, not that all is well.
  BOOST_TEST_REQUIRE(shown.size() >= 20u);
  for (auto& x : shown) {
    auto match = std::find_if(compiled.begin(), compiled.end(), [&](const example& y) {
      return y.file == x.file && y.code == x.code;
    });
    if (match == compiled.end())
      BOOST_ERROR(x.file << " shows an example that no test compiles (it begins: " << x.first_line
                         << ")");
    else
      compiled.erase(match);
  }
  for (auto& y : compiled)
    BOOST_ERROR("a test compiles an example "
                << y.file << " no longer shows (it begins: " << y.first_line << ")");
}

BOOST_AUTO_TEST_SUITE_END()
