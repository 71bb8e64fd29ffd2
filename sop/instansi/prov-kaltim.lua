-- Site settings for Bidang TIK, Pemerintah Provinsi Kalimantan Timur.
-- Office hours are the Perpres 21/2023 defaults (see kab-trenggalek.lua for how to set them).
return instansi {
  id         = "prov-kaltim",
  nama       = "Bidang TIK, Pemerintah Provinsi Kalimantan Timur",
  zona_waktu = "WITA",
  kalender   = "nasional",
}
