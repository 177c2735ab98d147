#pragma once
// Test certificates made in-process with OpenSSL (no openssl CLI, no fixed files that expire):
// a CA, leaf certificates it signs (server: SAN localhost + 127.0.0.1 + ::1; client), and a
// second, untrusted CA. Keys are P-256. Everything is written as PEM into a directory.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace rr::test {

class TestCert {
public:
    TestCert() = default;
    TestCert(const TestCert&) = delete;
    TestCert& operator=(const TestCert&) = delete;
    TestCert(TestCert&& o) noexcept : key_(o.key_), cert_(o.cert_) {
        o.key_ = nullptr, o.cert_ = nullptr;
    }
    ~TestCert() {
        if (cert_) X509_free(cert_);
        if (key_) EVP_PKEY_free(key_);
    }

    /// A self-signed CA.
    static TestCert ca(const std::string& cn) { return make(cn, nullptr, true, false, false); }
    /// A server leaf for localhost / 127.0.0.1 / ::1, signed by `issuer`.
    static TestCert server(const std::string& cn, const TestCert& issuer) {
        return make(cn, &issuer, false, true, false);
    }
    /// A client leaf (extendedKeyUsage clientAuth), signed by `issuer`.
    static TestCert client(const std::string& cn, const TestCert& issuer) {
        return make(cn, &issuer, false, false, true);
    }

    void write(const std::filesystem::path& cert_file,
               const std::filesystem::path& key_file) const {
        FILE* f = std::fopen(cert_file.c_str(), "w");
        if (!f) throw std::runtime_error("cannot write " + cert_file.string());
        PEM_write_X509(f, cert_);
        std::fclose(f);
        f = std::fopen(key_file.c_str(), "w");
        if (!f) throw std::runtime_error("cannot write " + key_file.string());
        PEM_write_PrivateKey(f, key_, nullptr, nullptr, 0, nullptr, nullptr);
        std::fclose(f);
    }

    X509* cert() const { return cert_; }
    EVP_PKEY* key() const { return key_; }

private:
    static void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        if (!ext) throw std::runtime_error("bad extension");
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    }

    static TestCert make(const std::string& cn, const TestCert* issuer, bool is_ca, bool server,
                         bool client) {
        TestCert c;
        c.key_ = EVP_EC_gen("P-256");
        c.cert_ = X509_new();
        if (!c.key_ || !c.cert_) throw std::runtime_error("keygen failed");
        X509_set_version(c.cert_, 2);
        static long serial = 1;
        ASN1_INTEGER_set(X509_get_serialNumber(c.cert_), serial++);
        X509_gmtime_adj(X509_getm_notBefore(c.cert_), -3600);
        X509_gmtime_adj(X509_getm_notAfter(c.cert_), 7 * 24 * 3600);
        X509_set_pubkey(c.cert_, c.key_);
        X509_NAME* name = X509_get_subject_name(c.cert_);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
        X509* issuer_cert = issuer ? issuer->cert_ : c.cert_;
        X509_set_issuer_name(c.cert_, X509_get_subject_name(issuer_cert));
        add_ext(c.cert_, issuer_cert, NID_basic_constraints,
                is_ca ? "critical,CA:TRUE" : "CA:FALSE");
        add_ext(c.cert_, issuer_cert, NID_subject_key_identifier, "hash");
        if (is_ca) add_ext(c.cert_, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
        if (server) {
            add_ext(c.cert_, issuer_cert, NID_subject_alt_name,
                    "DNS:localhost,IP:127.0.0.1,IP:::1");
            add_ext(c.cert_, issuer_cert, NID_ext_key_usage, "serverAuth");
        }
        if (client) add_ext(c.cert_, issuer_cert, NID_ext_key_usage, "clientAuth");
        if (!X509_sign(c.cert_, issuer ? issuer->key_ : c.key_, EVP_sha256())) {
            throw std::runtime_error("sign failed");
        }
        return c;
    }

    EVP_PKEY* key_ = nullptr;
    X509* cert_ = nullptr;
};

/// The files a TLS test needs, written into `dir`: ca.pem, server.pem/server.key,
/// client.pem/client.key (signed by ca), other-ca.pem, stranger.pem/stranger.key (a client
/// certificate signed by other-ca, i.e. untrusted).
inline void write_test_pki(const std::filesystem::path& dir) {
    const TestCert ca = TestCert::ca("rr test CA");
    ca.write(dir / "ca.pem", dir / "ca.key");
    TestCert::server("localhost", ca).write(dir / "server.pem", dir / "server.key");
    TestCert::client("rr test client", ca).write(dir / "client.pem", dir / "client.key");
    const TestCert other = TestCert::ca("other CA");
    other.write(dir / "other-ca.pem", dir / "other-ca.key");
    TestCert::client("stranger", other).write(dir / "stranger.pem", dir / "stranger.key");
}

}  // namespace rr::test
