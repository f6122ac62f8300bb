# cmake -DINPUT=file -DOUTPUT=file.cpp -DNAMESPACE=ns -DNAME=name -P embed.cmake
# Writes a C++ file that defines `const std::string_view ns::name`, holding
# INPUT's bytes: how pages are compiled into a program.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x..',){16})" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed.cmake.
#include <string_view>

namespace {
const char bytes[] = {
  ${bytes}'\\0'};
} // namespace

namespace ${NAMESPACE} {
extern const std::string_view ${NAME};
const std::string_view ${NAME}{bytes, sizeof bytes - 1};
} // namespace ${NAMESPACE}
")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
