-- Site settings for Dinas Komunikasi dan Informatika Kabupaten Trenggalek: time zone and office hours for working-time deadlines.
-- Office hours follow Perpres 21/2023 (37.5 hours a week from 07.30 local time); the Ramadan
-- split is each agency's own (32.5 hours a week from 08.00). Edit to match the agency's decree.
return instansi {
  id         = "kab-trenggalek",
  nama       = "Dinas Komunikasi dan Informatika Kabupaten Trenggalek",
  zona_waktu = "WIB",
  kalender   = "nasional",
  cuti_bersama_libur = true,   -- cuti bersama stops working-time clocks (DESIGN.md §11.2)
  jam_kerja = {
    senin_kamis = { "07:30-12:00", "13:00-16:00" },
    jumat       = { "07:30-11:30", "13:00-16:30" },
  },
  jam_kerja_ramadan = {
    senin_kamis = { "08:00-12:00", "12:30-15:00" },
    jumat       = { "08:00-11:30", "12:30-15:30" },
  },
  libur_lokal = {},
  layanan_24_jam = {},         -- roles that work round the clock, e.g. { "helpdesk" }
}
