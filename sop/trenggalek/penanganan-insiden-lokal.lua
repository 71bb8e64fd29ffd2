-- A local variation of the base procedure (sop/bersama/penanganan-insiden.lua) for Diskominfo
-- Kabupaten Trenggalek: an example of `turunan`. Only what differs is written here: the unit
-- names of Trenggalekkab-CSIRT (seed 001), a shorter analysis time, and the 5-day auto-resolve
-- window of seed 001 after the reporter is told. Edit the base and this procedure follows it.
return turunan "bersama/penanganan-insiden" {
  id       = "trenggalek/penanganan-insiden-lokal",
  revision = 1,
  instansi = "kab-trenggalek",

  identitas = {
    nama = "Penanganan Insiden Keamanan Informasi - Trenggalekkab-CSIRT (turunan prosedur dasar)",
  },

  pelaksana = {
    helpdesk   = { label = "Helpdesk Dinas Kominfo", kolom = 1 },
    analis     = { label = "Tim Analisa", kolom = 2 },
    penanganan = { label = "Tim Penanganan / CSIRT / Pihak Eksternal Lainnya", kolom = 3 },
    kepala     = { label = "Kepala Bidang Persandian dan Statistik", kolom = 4 },
  },

  ubah = {
    analisis = { waktu = "2 jam" },
    lapor_pelapor = { next = "autoresolve" },
  },

  tambah = {
    wait "autoresolve" {
      setelah = "lapor_pelapor",
      no = "6a",
      kegiatan = "Menunggu tanggapan pelapor; laporan ditutup otomatis setelah 5 hari",
      waktu = { "5 hari", basis = "kalender" },
      on = { laporan_lanjutan = "analisis" },
      timeout = "dokumentasi",
    },
  },
}
