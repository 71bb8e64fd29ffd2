-- Prosedur Publikasi Kebijakan Keamanan Informasi - Kabupaten Tanah Bumbu (seed 003, second table).
return sop {
  id       = "tanah-bumbu/publikasi-kebijakan",
  revision = 1,
  instansi = "kab-tanah-bumbu",
  zona_waktu = "WITA",
  identitas = {
    nama = "Prosedur Publikasi Kebijakan Keamanan Informasi",
    nomor = "B/800.3/86/DISKOMIN 5081-SP2 / 1 / 2024",
  },
  pelaksana = {
    kepala_seksi   = { label = "Kepala Seksi", kolom = 1 },
    tim_publikasi  = { label = "Tim Publikasi Kebijakan", kolom = 2 },
    kepala_bidang  = { label = "Kepala Bidang", kolom = 3 },
  },
  langkah = {
    task "rencana" {
      no = 1,
      kegiatan = "Menyusun Rencana Kegiatan Publikasi Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_seksi", inferred = true },  -- or Tim Publikasi Kebijakan
      kelengkapan = { "Dokumen Anggaran", "Dokumen Kebijakan Keamanan yang telah disahkan" },
      waktu = "3 Hari",
      output = { "Dokumen Rencana Publikasi Kebijakan Keamanan Informasi" },
      next = "setujui_rencana",
    },
    task "setujui_rencana" {
      no = 2,
      kegiatan = "Menyetujui Rencana Kegiatan Publikasi Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_bidang", inferred = true },
      kelengkapan = { "Dokumen Rencana Publikasi Kebijakan Keamanan Informasi" },
      waktu = "1 Jam",
      output = { "Dokumen Rencana Publikasi Kebijakan Keamanan Informasi yang sudah disahkan" },
      next = "publikasi",
    },
    task "publikasi" {
      no = 3,
      kegiatan = "Melaksanakan Kegiatan Publikasi Kebijakan Keamanan Informasi",
      pelaksana = { "tim_publikasi", inferred = true },
      kelengkapan = { "Dokumen Rencana Publikasi Kebijakan Keamanan Informasi yang sudah disahkan" },
      waktu = "3 Hari",
      output = { "Dokumentasi Kegiatan Publikasi Kebijakan Keamanan Informasi" },
      next = "laporan",
    },
    task "laporan" {
      no = 4,
      kegiatan = "Penyusunan laporan Kegiatan Publikasi Kebijakan Keamanan Informasi",
      pelaksana = { "tim_publikasi", inferred = true },  -- or Kepala Seksi
      kelengkapan = { "Dokumentasi Kegiatan Publikasi Kebijakan Keamanan Informasi" },
      waktu = "3 Jam",
      output = { "Laporan Kegiatan Publikasi Kebijakan Keamanan Informasi" },
      next = "sahkan_laporan",
    },
    task "sahkan_laporan" {
      no = 5,
      kegiatan = "Menerima dan mengesahkan laporan Kegiatan Publikasi Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_bidang", inferred = true },
      kelengkapan = { "Laporan Kegiatan Publikasi Kebijakan Keamanan Informasi" },
      waktu = "1 Jam",
      output = { "Laporan Kegiatan Publikasi Kebijakan Keamanan Informasi yang disahkan" },
      next = "selesai",
    },
    finish "selesai" { no = 6, kegiatan = "Selesai", hasil = "dipublikasikan" },
  },
}
