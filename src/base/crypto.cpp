#include "crypto.hpp"

#include "secret_text.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace alimi {

namespace {

constexpr std::string_view k_key = "VBA1NUS6T8UID2I6OBF7158899CT4F3C";

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
struct CipherFree {
    void operator()(EVP_CIPHER *c) const { EVP_CIPHER_free(c); }
};

// Fetched once: with EVP_aes_256_cbc() OpenSSL 3 looks the implementation up again on every
// init, and a plain-code target encrypts six parameters.
const EVP_CIPHER *aes_256_cbc() {
    static const std::unique_ptr<EVP_CIPHER, CipherFree> cipher(
        EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr));
    return cipher.get();
}

const unsigned char *bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char *>(s.data());
}

} // namespace

std::string cgv_legacy_encrypt(std::string_view plain) {
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    std::string out(plain.size() + 16, '\0'); // PKCS7 adds at most one block
    int len1 = 0, len2 = 0;
    auto *dst = reinterpret_cast<unsigned char *>(out.data());
    // The IV is the key's first 16 bytes.
    const EVP_CIPHER *aes = aes_256_cbc();
    if (!ctx || !aes ||
        EVP_EncryptInit_ex(ctx.get(), aes, nullptr, bytes(k_key), bytes(k_key)) != 1 ||
        EVP_EncryptUpdate(ctx.get(), dst, &len1, bytes(plain), static_cast<int>(plain.size())) !=
            1 ||
        EVP_EncryptFinal_ex(ctx.get(), dst + len1, &len2) != 1)
        throw std::runtime_error("AES encryption failed (OpenSSL)");
    out.resize(static_cast<std::size_t>(len1 + len2));
    return base64_encode(out);
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed (OpenSSL)");
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += k_hex[digest[i] >> 4];
        out += k_hex[digest[i] & 15];
    }
    return out;
}

} // namespace alimi
