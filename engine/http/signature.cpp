#include "http/signature.h"

#include "common/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <vector>

namespace siaga {

namespace {

// "sha256=HEX" or "HEX", lower-cased.
std::string SignatureHex(const std::string& header) {
  std::string v = header.rfind("sha256=", 0) == 0 ? header.substr(7) : header;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v;
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       mac, &size);
  return HexOf(mac, size);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Status VerifySiagaSignature(const std::string& secret, const std::string& timestamp_header,
                            const std::string& signature_header, std::string_view body, UnixSeconds now,
                            int window_seconds) {
  if (timestamp_header.empty()) return PermissionDenied("X-Siaga-Timestamp header is missing").WithField("X-Siaga-Timestamp");
  if (signature_header.empty()) return PermissionDenied("X-Siaga-Signature header is missing").WithField("X-Siaga-Signature");
  std::int64_t ts = 0;
  const auto* end = timestamp_header.data() + timestamp_header.size();
  auto [ptr, ec] = std::from_chars(timestamp_header.data(), end, ts);
  if (ec != std::errc() || ptr != end)
    return PermissionDenied("X-Siaga-Timestamp must be unix seconds").WithField("X-Siaga-Timestamp");
  if (ts < now - window_seconds || ts > now + window_seconds)
    return PermissionDenied("X-Siaga-Timestamp is outside the " + std::to_string(window_seconds) + " s replay window")
        .WithField("X-Siaga-Timestamp");
  std::string signed_text = timestamp_header;
  signed_text += '.';
  signed_text.append(body.data(), body.size());
  if (!ConstantTimeEqual(HmacSha256Hex(secret, signed_text), SignatureHex(signature_header)))
    return PermissionDenied("X-Siaga-Signature does not match the body").WithField("X-Siaga-Signature");
  return Status::Ok();
}

Status VerifyGithubSignature(const std::string& secret, const std::string& signature_header, std::string_view body) {
  if (signature_header.empty()) return PermissionDenied("X-Hub-Signature-256 header is missing").WithField("X-Hub-Signature-256");
  if (!ConstantTimeEqual(HmacSha256Hex(secret, body), SignatureHex(signature_header)))
    return PermissionDenied("X-Hub-Signature-256 does not match the body").WithField("X-Hub-Signature-256");
  return Status::Ok();
}


}  // namespace siaga
