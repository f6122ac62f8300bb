// TLS between nodes: use_tls, and the middleman actor a node connection goes
// through. See kintsugi/node.hpp.

#include <cstring>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "kintsugi/error.hpp"
#include "kintsugi/node.hpp"
#include "node_protocol.hpp"

namespace kintsugi {

namespace detail {

namespace {

using ssl_context = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

// OpenSSL's reason for the last failure on this thread.
std::string openssl_reason() {
  auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "no reason given";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

int give_passphrase(char* buf, int size, int, void* passphrase) {
  auto& x = *static_cast<const std::string*>(passphrase);
  if (size <= 0 || x.size() >= static_cast<std::size_t>(size))
    return 0;
  std::memcpy(buf, x.data(), x.size());
  return static_cast<int>(x.size());
}

// Loads the files as CAF's session will, so that a file CAF could not use is
// an error here and not an exception in its network thread.
caf::error try_files(const tls_options& x) {
  ERR_clear_error();
  ssl_context ctx{SSL_CTX_new(TLS_method()), SSL_CTX_free};
  if (!ctx)
    return make_error(errc::invalid_spec, "TLS: no OpenSSL context: " + openssl_reason());
  auto fail = [](const std::string& what, const std::string& file) {
    return make_error(errc::invalid_spec,
                      fmt::format("TLS: cannot use {} \"{}\": {}", what, file, openssl_reason()));
  };
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), x.certificate.c_str()) != 1)
    return fail("certificate", x.certificate);
  // Always our callback: OpenSSL's own would prompt on the terminal for an
  // encrypted key given without a passphrase.
  SSL_CTX_set_default_passwd_cb(ctx.get(), give_passphrase);
  SSL_CTX_set_default_passwd_cb_userdata(ctx.get(), const_cast<std::string*>(&x.passphrase));
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), x.key.c_str(), SSL_FILETYPE_PEM) != 1)
    return fail("key", x.key);
  // OpenSSL checks that the key matches the certificate as it loads it.
  if (SSL_CTX_load_verify_locations(ctx.get(), x.authority.c_str(), nullptr) != 1)
    return fail("authority", x.authority);
  return {};
}

} // namespace

caf::expected<caf::io::middleman_actor> node_transport(caf::actor_system& sys, bool tls) {
  if (!tls)
    return sys.middleman().actor_handle();
  if (!sys.has_openssl_manager())
    return make_error(errc::invalid_spec,
                      "TLS between nodes needs kintsugi::use_tls(cfg, ...) before the actor "
                      "system is made");
  return sys.openssl_manager().actor_handle();
}

} // namespace detail

caf::error use_tls(caf::actor_system_config& cfg, const tls_options& options) {
  if (options.certificate.empty() || options.key.empty() || options.authority.empty())
    return make_error(errc::invalid_spec, "TLS needs a certificate, a key and an authority");
  if (auto err = detail::try_files(options))
    return err;
  cfg.openssl_certificate = options.certificate;
  cfg.openssl_key = options.key;
  cfg.openssl_passphrase = options.passphrase;
  cfg.openssl_cafile = options.authority;
  cfg.openssl_capath.clear();
  cfg.load<caf::openssl::manager>();
  return {};
}

} // namespace kintsugi
