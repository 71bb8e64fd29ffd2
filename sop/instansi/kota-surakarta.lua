-- Site settings for Dinas Komunikasi Informatika Statistik dan Persandian Kota Surakarta.
-- Office hours are the Perpres 21/2023 defaults (see kab-trenggalek.lua for how to set them).
return instansi {
  id         = "kota-surakarta",
  nama       = "Dinas Komunikasi Informatika Statistik dan Persandian Kota Surakarta",
  zona_waktu = "WIB",
  kalender   = "nasional",
}
