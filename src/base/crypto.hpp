// The legacy CGV endpoint wants every parameter as Base64 of AES-256-CBC/PKCS7 ciphertext under a
// fixed, public key and IV (cgv-api.md section 1). Fixed IV means equal plain values give equal
// strings, which is why captured values could be copied around.
#pragma once

#include <string>
#include <string_view>

namespace alimi {

// Base64(AES-256-CBC-PKCS7(plain)) with CGV's legacy key and IV.
std::string cgv_legacy_encrypt(std::string_view plain);

// Lowercase hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

} // namespace alimi
