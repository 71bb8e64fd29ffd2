// Webhook authentication by shared secret: HMAC-SHA256 over "timestamp.body" with a replay
// window (X-Siaga-Timestamp, X-Siaga-Signature: sha256=HEX), or GitHub's X-Hub-Signature-256 over
// the body alone, for tools that sign that way. Comparisons take constant time.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace siaga {

std::string HmacSha256Hex(std::string_view key, std::string_view data);
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// PermissionDenied (401 at the HTTP layer) naming the header at fault.
Status VerifySiagaSignature(const std::string& secret, const std::string& timestamp_header,
                            const std::string& signature_header, std::string_view body, UnixSeconds now,
                            int window_seconds = 300);
Status VerifyGithubSignature(const std::string& secret, const std::string& signature_header, std::string_view body);

}  // namespace siaga
