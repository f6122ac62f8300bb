#define BOOST_TEST_MODULE kintsugi
#include <boost/test/unit_test.hpp>
