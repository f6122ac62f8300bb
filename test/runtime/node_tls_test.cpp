// Nodes over TLS (kintsugi::use_tls): the certificates are made at build time
// by make_test_certificates.sh; "nodes-ca" signs the node's and this
// program's, "stranger-ca" a stranger's.

#include <string>
#include <vector>

#include "kintsugi/node.hpp"
#include "remote_fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace kintsugi::test::process;
using namespace std::chrono_literals;

namespace {

std::string file(const std::string& name) {
  return std::string{TEST_CERTIFICATES} + "/" + name;
}

tls_options signed_by(const std::string& authority, const std::string& name) {
  tls_options x;
  x.certificate = file(name + ".pem");
  x.key = file(name + ".key");
  x.authority = file(authority + ".pem");
  return x;
}

// The command line of a node that serves over TLS as `name`.
std::vector<std::string> serving_as(const std::string& authority, const std::string& name) {
  auto x = signed_by(authority, name);
  return {x.certificate, x.key, x.authority};
}

remote_options over_tls(std::vector<node_address> nodes) {
  auto options = on(std::move(nodes));
  options.tls = true;
  return options;
}

bool mentions(const caf::error& err, const std::string& what) {
  return render(err).find(what) != std::string::npos;
}

struct tls_fixture : remote_fixture {
  tls_fixture()
    : remote_fixture([](caf::actor_system_config& cfg) {
        auto err = use_tls(cfg, signed_by("nodes-ca", "supervisor"));
        BOOST_REQUIRE_MESSAGE(!err, render(err));
      }) {
  }

  // A start in `where` with `options` fails as unreachable; `a` spawned
  // nothing for it and serves on: a start over TLS is its first spawn.
  void refused_by(test_node& a, caf::actor_system& where, remote_options options) {
    auto refused = start_supervisor(where, flags(), {remote("x", std::move(options))});
    BOOST_REQUIRE(!refused);
    BOOST_TEST(mentions(refused.error(), "node_unreachable"), render(refused.error()));
    BOOST_TEST(a.program().count("spawned") == 0u);
    auto sup = start({remote("x", over_tls({a.address()}))});
    a.await("spawned", 1);
    BOOST_TEST(a.program().count("spawned") == 1u);
    stop_and_wait(sup);
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(node_tls, tls_fixture)

BOOST_AUTO_TEST_CASE(a_child_on_a_tls_node_runs_there_and_is_restarted_there) {
  test_node a{0, serving_as("nodes-ca", "node")};
  auto sup = start({remote("tally", over_tls({a.address()}))});
  crash_and_see_it_restarted_in(sup, "tally", a.pid());
  stop_and_wait(sup);
  a.await("ended", 2);
}

BOOST_AUTO_TEST_CASE(a_peer_without_tls_is_refused_and_nothing_is_spawned) {
  test_node a{0, serving_as("nodes-ca", "node")};
  refused_by(a, sys, on({a.address()}));
}

BOOST_AUTO_TEST_CASE(certificates_of_another_authority_are_refused_both_ways) {
  // A node whose certificate the supervisor's authority did not sign.
  test_node stranger{0, serving_as("stranger-ca", "stranger")};
  auto refused = start_supervisor(sys, flags(), {remote("x", over_tls({stranger.address()}))});
  BOOST_REQUIRE(!refused);
  BOOST_TEST(mentions(refused.error(), "node_unreachable"), render(refused.error()));
  BOOST_TEST(stranger.program().count("spawned") == 0u);
  // A supervising program whose certificate the node's authority did not
  // sign, though it trusts the node.
  test_node a{0, serving_as("nodes-ca", "node")};
  caf::actor_system_config other_cfg;
  remote_fixture::prepare(other_cfg);
  auto files = signed_by("stranger-ca", "stranger");
  files.authority = file("nodes-ca.pem");
  auto err = use_tls(other_cfg, files);
  BOOST_REQUIRE_MESSAGE(!err, render(err));
  caf::actor_system other{other_cfg};
  refused_by(a, other, over_tls({a.address()}));
}

BOOST_AUTO_TEST_CASE(use_tls_checks_its_files_and_changes_nothing_when_they_fail) {
  auto refused = [](tls_options x, const std::string& what) {
    caf::actor_system_config cfg;
    auto err = use_tls(cfg, x);
    BOOST_TEST(err == errc::invalid_spec, render(err));
    BOOST_TEST(mentions(err, what), render(err));
    BOOST_TEST(cfg.openssl_certificate.empty());
  };
  auto good = signed_by("nodes-ca", "supervisor");
  auto x = good;
  x.key.clear();
  refused(x, "needs a certificate, a key and an authority");
  x = good;
  x.certificate = file("no-such.pem");
  refused(x, "no-such.pem");
  x = good;
  x.key = file("node.key");
  refused(x, "node.key");
  x = good;
  x.authority = file("missing-ca.pem");
  refused(x, "missing-ca.pem");
  x = good;
  x.key = file("supervisor-encrypted.key");
  refused(x, "supervisor-encrypted.key");
  x.passphrase = "not it";
  refused(x, "supervisor-encrypted.key");
  x.passphrase = "open sesame";
  caf::actor_system_config cfg;
  auto err = use_tls(cfg, x);
  BOOST_TEST(!err, render(err));
  BOOST_TEST(cfg.openssl_key == x.key);
}

BOOST_FIXTURE_TEST_CASE(tls_without_use_tls_is_an_invalid_spec, remote_fixture) {
  auto options = on({{"127.0.0.1", 1}});
  options.tls = true;
  auto sup = start_supervisor(sys, flags(), {remote("x", options)});
  BOOST_REQUIRE(!sup);
  BOOST_TEST(mentions(sup.error(), "invalid_spec"), render(sup.error()));
  BOOST_TEST(mentions(sup.error(), "use_tls"), render(sup.error()));
  node_options node;
  node.secret = node_secret;
  node.tls = true;
  auto port = serve_node(sys, node);
  BOOST_REQUIRE(!port);
  BOOST_TEST(port.error() == errc::invalid_spec, render(port.error()));
}

BOOST_AUTO_TEST_SUITE_END()
