-- Base procedure: the shape the seed SOPs share for handling a reported incident (seeds 001, 002
-- and 004): a report is received and checked, analysed, handled until the check says it is done,
-- reported back to the reporter and documented. Not an agency's signed SOP: an agency extends it
-- with `turunan "bersama/penanganan-insiden" { ... }` and states only what differs (its roles'
-- names, times, extra steps), as sop/trenggalek/penanganan-insiden-lokal.lua does.
return sop {
  id       = "bersama/penanganan-insiden",
  revision = 1,
  zona_waktu = "WIB",

  identitas = {
    nama = "Penanganan Insiden Keamanan Informasi (prosedur dasar)",
    catatan = "Prosedur dasar untuk diturunkan oleh instansi; bukan SOP yang disahkan.",
  },

  waktu_default = { hari = "hari_kerja" },

  pelaksana = {
    helpdesk   = { label = "Petugas Layanan / Helpdesk", kolom = 1 },
    analis     = { label = "Tim Analisis", kolom = 2 },
    penanganan = { label = "Tim Penanganan Insiden (CSIRT)", kolom = 3 },
    kepala     = { label = "Kepala Bidang", kolom = 4 },
    pelapor    = { label = "Pelapor", jenis = "pelapor", kolom = 5 },
  },

  langkah = {
    task "terima_laporan" {
      no = 1,
      kegiatan = "Menerima laporan insiden dan mencatatnya",
      pelaksana = "helpdesk",
      kelengkapan = { "Laporan insiden" },
      waktu = "1 jam",
      output = { "Laporan tercatat" },
      next = "verifikasi",
    },
    decision "verifikasi" {
      no = 2,
      kegiatan = "Memverifikasi apakah laporan merupakan insiden keamanan informasi",
      pelaksana = "analis",
      kelengkapan = { "Laporan tercatat" },
      waktu = "2 jam",
      output = { "Hasil verifikasi" },
      branches = {
        { "insiden", next = "analisis" },
        { "bukan insiden", next = "bukan_insiden" },
      },
    },
    task "analisis" {
      no = 3,
      kegiatan = "Menganalisis insiden dan menyusun rekomendasi penanganan",
      pelaksana = "analis",
      kelengkapan = { "Hasil verifikasi" },
      waktu = "4 jam",
      output = { "Rekomendasi penanganan" },
      next = "penanganan",
    },
    task "penanganan" {
      no = 4,
      kegiatan = "Menangani insiden sesuai rekomendasi",
      pelaksana = "penanganan",
      kelengkapan = { "Rekomendasi penanganan" },
      waktu = "1 hari kerja",
      output = { "Laporan penanganan" },
      next = "periksa_hasil",
    },
    decision "periksa_hasil" {
      no = 5,
      kegiatan = "Memeriksa apakah insiden telah tertangani",
      pelaksana = "kepala",
      kelengkapan = { "Laporan penanganan" },
      waktu = "2 jam",
      output = { "Hasil pemeriksaan" },
      max_ulang = 5,
      branches = {
        { "tuntas", next = "lapor_pelapor" },
        { "belum tuntas", next = "penanganan" },
      },
    },
    task "lapor_pelapor" {
      no = 6,
      kegiatan = "Menyampaikan hasil penanganan kepada pelapor",
      pelaksana = "helpdesk",
      kelengkapan = { "Hasil pemeriksaan" },
      waktu = "1 jam",
      output = { "Pemberitahuan kepada pelapor" },
      next = "dokumentasi",
    },
    task "dokumentasi" {
      no = 7,
      kegiatan = "Mendokumentasikan insiden dan penanganannya",
      pelaksana = "analis",
      kelengkapan = { "Laporan penanganan" },
      waktu = "1 hari kerja",
      output = { "Dokumentasi insiden" },
      next = "selesai",
    },
    finish "bukan_insiden" { no = 8, kegiatan = "Laporan ditutup: bukan insiden", hasil = "bukan insiden" },
    finish "selesai" { no = 9, kegiatan = "Selesai", hasil = "selesai" },
  },
}
