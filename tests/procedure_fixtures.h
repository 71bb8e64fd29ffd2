// Small procedures for unit tests: every step kind, hooks, a loop and a wait.
#pragma once

#include <string>

namespace siaga::test {

// A valid procedure; `{EXTRA}` can be replaced to inject a step or field.
inline const std::string kMiniProcedure = R"lua(
return sop {
  id = "uji/mini", revision = 1, instansi = "uji", zona_waktu = "WIB",
  identitas = { nama = "Prosedur Uji" },
  pelaksana = {
    staf  = { label = "Staf", kolom = 1 },
    kabid = { label = "Kepala Bidang", kolom = 2 },
    pelapor = { label = "Pelapor", jenis = "pelapor" },
  },
  kasus = { status_laporan = { enum = { "terbuka", "ditutup" }, awal = "terbuka" } },
  on_open = function(ctx) ctx:note("dibuka: " .. ctx.case.title) end,
  langkah = {
    task "terima" {
      no = 1, kegiatan = "Menerima laporan", pelaksana = "staf", waktu = "2 jam", next = "periksa",
      guard = function(ctx)
        if ctx.case.fields.blokir then return false, "laporan diblokir" end
        return true
      end,
      on_complete = function(ctx) ctx:set("diterima", true) end,
      on_warning = function(ctx) ctx:note("hampir terlambat") end,
      on_breach = function(ctx) ctx:notify { to = "kabid", template = "terlambat", tlp = "AMBER" } end,
    },
    decision "periksa" {
      no = 2, pelaksana = { "kabid", inferred = true }, waktu = "1-2 jam",
      branches = { { "ulang", next = "terima" }, { "ok", next = "beritahu", set = { status_laporan = "ditutup" } } },
    },
    automatic "beritahu" {
      run = function(ctx) ctx:notify { to = "pelapor", template = "selesai", tlp = "GREEN" } end,
      next = "tunggu",
    },
    wait "tunggu" { waktu = "5 hari", timeout = "selesai", on = { lanjutan = "periksa" } },
    finish "selesai" { hasil = "beres" },{EXTRA}
  },
}
)lua";

inline std::string MiniWith(const std::string& extra) {
  std::string s = kMiniProcedure;
  s.replace(s.find("{EXTRA}"), 7, extra);
  return s;
}

inline std::string Mini() { return MiniWith(""); }

}  // namespace siaga::test
