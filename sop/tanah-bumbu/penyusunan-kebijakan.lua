-- Prosedur Penyusunan Kebijakan Keamanan Informasi - Kabupaten Tanah Bumbu (seed 003, first table).
-- Actors are inferred from the Kualifikasi Pelaksana definitions (swimlane marks lost, 003-D8).
return sop {
  id       = "tanah-bumbu/penyusunan-kebijakan",
  revision = 1,
  instansi = "kab-tanah-bumbu",
  zona_waktu = "WITA",
  identitas = {
    nama = "Prosedur Penyusunan Kebijakan Keamanan Informasi",
    nomor = "B/800.3/86/DISKOMIN 5081-SP2 / 1 / 2024",
  },
  pelaksana = {
    kepala_bidang = { label = "Kepala Bidang", kolom = 1 },
    tim_penyusun  = { label = "Tim Penyusun", kolom = 2 },
    kepala_dinas  = { label = "Kepala Dinas", kolom = 3 },
  },
  langkah = {
    task "rencana" {
      no = 1,
      kegiatan = "Menyusun Rencana Kegiatan Penyusunan Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_bidang", inferred = true },  -- or Tim Penyusun
      kelengkapan = { "Dokumen Rencana Pelaksanaan Keamanan Informasi yang telah disahkan" },
      waktu = "4 Jam",
      output = { "Dokumen Rencana Penyusunan Kebijakan Keamanan Informasi" },
      next = "setujui_rencana",
    },
    task "setujui_rencana" {
      no = 2,
      kegiatan = "Menyetujui Rencana Kegiatan Penyusunan Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_dinas", inferred = true },  -- or Kepala Bidang
      kelengkapan = { "Dokumen Rencana Penyusunan Kebijakan Keamanan Informasi" },
      waktu = "1 Jam",
      output = { "Dokumen Rencana Penyusunan Kebijakan Keamanan Informasi Terverifikasi" },
      next = "draft",
    },
    task "draft" {
      no = 3,
      kegiatan = "Membuat Draft Kebijakan Keamanan Informasi",
      pelaksana = { "tim_penyusun", inferred = true },
      kelengkapan = { "Dokumen Rencana Penyusunan Kebijakan Keamanan Informasi Terverifikasi" },
      waktu = "14 Hari",
      output = { "Draft Kebijakan Keamanan Informasi" },
      next = "setujui_draft",
    },
    task "setujui_draft" {
      no = 4,
      kegiatan = "Menyetujui Draft Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_bidang", inferred = true },
      kelengkapan = { "Draft Kebijakan Keamanan Informasi" },
      waktu = "1 Jam",
      output = { "Draft Kebijakan Keamanan Informasi yang telah disetujui" },
      next = "sahkan",
    },
    task "sahkan" {
      no = 5,
      kegiatan = "Mengesahkan Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_dinas", inferred = true },
      kelengkapan = { "Draft Kebijakan Keamanan Informasi yang telah disetujui" },
      waktu = "1 Jam",
      output = { "Kebijakan Keamanan Informasi yang telah disahkan" },
      next = "selesai",
    },
    finish "selesai" { no = 6, kegiatan = "Selesai", hasil = "disahkan" },
  },
}
