-- Site settings for Bidang Keamanan Informasi dan Persandian (seed 000, agency not named).
-- Office hours are the Perpres 21/2023 defaults (see kab-trenggalek.lua for how to set them).
return instansi {
  id         = "kamisandi",
  nama       = "Bidang Keamanan Informasi dan Persandian (seed 000, agency not named)",
  zona_waktu = "WIB",
  kalender   = "nasional",
}
