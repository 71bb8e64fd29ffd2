-- Site settings for Dinas Komunikasi Informatika Statistik dan Persandian Kabupaten Tanah Bumbu.
-- Office hours are the Perpres 21/2023 defaults (see kab-trenggalek.lua for how to set them).
return instansi {
  id         = "kab-tanah-bumbu",
  nama       = "Dinas Komunikasi Informatika Statistik dan Persandian Kabupaten Tanah Bumbu",
  zona_waktu = "WITA",
  kalender   = "nasional",
}
