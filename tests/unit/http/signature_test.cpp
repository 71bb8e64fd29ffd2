#include <catch2/catch.hpp>

#include "http/signature.h"

using namespace siaga;

TEST_CASE("HMAC-SHA256 matches the RFC 4231 test vector", "[signature]") {
  // RFC 4231 test case 2.
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("Siaga signatures need the right secret, body and a timestamp inside the window", "[signature]") {
  const std::string body = R"({"a":1})";
  const UnixSeconds now = 1796000000;
  const std::string ts = std::to_string(now - 10);
  const std::string sig = "sha256=" + HmacSha256Hex("s3cret", ts + "." + body);
  CHECK(VerifySiagaSignature("s3cret", ts, sig, body, now).ok());
  CHECK(VerifySiagaSignature("s3cret", ts, HmacSha256Hex("s3cret", ts + "." + body), body, now).ok());  // bare hex too

  auto wrong_body = VerifySiagaSignature("s3cret", ts, sig, R"({"a":2})", now);
  CHECK(wrong_body.code() == StatusCode::kPermissionDenied);
  CHECK(wrong_body.field() == "X-Siaga-Signature");
  CHECK_FALSE(VerifySiagaSignature("other", ts, sig, body, now).ok());
  auto replayed = VerifySiagaSignature("s3cret", ts, sig, body, now + 400);
  CHECK(replayed.field() == "X-Siaga-Timestamp");
  CHECK_THAT(replayed.message(), Catch::Contains("replay window"));
  CHECK_FALSE(VerifySiagaSignature("s3cret", "", sig, body, now).ok());
  CHECK_FALSE(VerifySiagaSignature("s3cret", ts + "x", sig, body, now).ok());
  CHECK_FALSE(VerifySiagaSignature("s3cret", ts, "", body, now).ok());
}

TEST_CASE("GitHub-style signatures cover the body", "[signature]") {
  const std::string body = "payload";
  CHECK(VerifyGithubSignature("k", "sha256=" + HmacSha256Hex("k", body), body).ok());
  CHECK_FALSE(VerifyGithubSignature("k", "sha256=" + HmacSha256Hex("k", body), body + " ").ok());
  CHECK_FALSE(VerifyGithubSignature("k", "", body).ok());
}

TEST_CASE("constant-time comparison compares whole strings", "[signature]") {
  CHECK(ConstantTimeEqual("abc", "abc"));
  CHECK_FALSE(ConstantTimeEqual("abc", "abd"));
  CHECK_FALSE(ConstantTimeEqual("abc", "abcd"));
}
