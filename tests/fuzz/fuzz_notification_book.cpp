// Fuzz target: a notification set-up file (sop/notifikasi/*.lua) through NotificationBook::LoadSource,
// and, when it loads, a plan for one notice (recipients resolved, templates rendered in the sandbox).
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "notify/notification_book.h"

using namespace siaga;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  NotificationBook book;
  auto diagnostics = book.LoadSource(std::string(fuzz::AsText(data, size)), "sop/notifikasi/fuzz.lua");
  for (const auto& d : diagnostics) FUZZ_CHECK(!d.ToString().empty());
  if (!book.configured()) return 0;
  NoticeFacts notice;
  notice.procedure_id = "kota/prosedur";
  notice.agency = "kota";
  notice.role = "pelapor";
  notice.template_name = "default";
  notice.tlp = "AMBER";
  notice.case_fields = {{"email_pelapor", "a@example.go.id"}};
  notice.facts = {{"case", 1}, {"title", "Uji"}, {"procedure", "kota/prosedur"}};
  for (const auto& p : book.Plan(notice)) FUZZ_CHECK(!p.channel.empty());
  return 0;
}
