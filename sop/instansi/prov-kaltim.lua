-- Site settings for Bidang TIK, Pemerintah Provinsi Kalimantan Timur.
-- Office hours are the Perpres 21/2023 defaults (see kab-trenggalek.lua for how to set them).
-- `mengawasi`: the regencies and cities this province oversees. It receives their hand-overs
-- and its oversight tokens may read their cases (docs/multi-agency.md). None of the seeds'
-- other agencies lies in Kalimantan Timur, so the list is empty here; a province fills it, e.g.
-- mengawasi = { "kab-kutai-kartanegara", "kota-samarinda" }.
return instansi {
  id         = "prov-kaltim",
  nama       = "Bidang TIK, Pemerintah Provinsi Kalimantan Timur",
  zona_waktu = "WITA",
  kalender   = "nasional",
  mengawasi  = {},
}
