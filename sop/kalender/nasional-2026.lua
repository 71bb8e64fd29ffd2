-- Hari libur nasional dan cuti bersama 2026 (national holidays and collective leave days).
-- Source: SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB Nomor 1497 Tahun 2025,
-- Nomor 2 Tahun 2025, Nomor 5 Tahun 2025: 17 hari libur nasional and 8 hari cuti bersama.
-- Next year: copy this file to nasional-2027.lua and fill in that year's SKB (docs/time.md).
return kalender {
  id     = "nasional",
  tahun  = 2026,
  sumber = "SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025 tentang Hari Libur Nasional dan Cuti Bersama Tahun 2026",
  libur = {
    { "2026-01-01", "Tahun Baru 2026 Masehi" },
    { "2026-01-16", "Isra Mikraj Nabi Muhammad S.A.W." },
    { "2026-02-17", "Tahun Baru Imlek 2577 Kongzili" },
    { "2026-03-19", "Hari Suci Nyepi (Tahun Baru Saka 1948)" },
    { "2026-03-21", "Idul Fitri 1447 Hijriah" },
    { "2026-03-22", "Idul Fitri 1447 Hijriah" },
    { "2026-04-03", "Wafat Yesus Kristus" },
    { "2026-04-05", "Kebangkitan Yesus Kristus (Paskah)" },
    { "2026-05-01", "Hari Buruh Internasional" },
    { "2026-05-14", "Kenaikan Yesus Kristus" },
    { "2026-05-27", "Idul Adha 1447 Hijriah" },
    { "2026-05-31", "Hari Raya Waisak 2570 BE" },
    { "2026-06-01", "Hari Lahir Pancasila" },
    { "2026-06-16", "1 Muharam Tahun Baru Islam 1448 Hijriah" },
    { "2026-08-17", "Proklamasi Kemerdekaan" },
    { "2026-08-25", "Maulid Nabi Muhammad S.A.W." },
    { "2026-12-25", "Kelahiran Yesus Kristus" },
  },
  cuti_bersama = {
    { "2026-02-16", "Cuti Bersama Tahun Baru Imlek 2577 Kongzili" },
    { "2026-03-18", "Cuti Bersama Hari Suci Nyepi" },
    { "2026-03-20", "Cuti Bersama Idul Fitri 1447 Hijriah" },
    { "2026-03-23", "Cuti Bersama Idul Fitri 1447 Hijriah" },
    { "2026-03-24", "Cuti Bersama Idul Fitri 1447 Hijriah" },
    { "2026-05-15", "Cuti Bersama Kenaikan Yesus Kristus" },
    { "2026-05-28", "Cuti Bersama Idul Adha 1447 Hijriah" },
    { "2026-12-24", "Cuti Bersama Kelahiran Yesus Kristus" },
  },
  -- Ramadan 1447 H: the day before Idul Fitri back 30 days. An estimate until the Minister of
  -- Religious Affairs fixes the start after the isbat; edit it then (open deadlines are re-read).
  ramadan = { mulai = "2026-02-19", selesai = "2026-03-20", perkiraan = true },
}
