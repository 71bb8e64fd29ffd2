-- Prosedur Evaluasi Penerapan Kebijakan Keamanan Informasi - Kabupaten Tanah Bumbu (seed 003,
-- third table). The table header is shifted in the source (003-D1): the last cell of each row is
-- the Output. Step 2 asks "perlu di revisi atau tidak" but draws no branches (003-D2): the
-- "tidak perlu" exit is Siaga's reading, marked inferred.
return sop {
  id       = "tanah-bumbu/evaluasi-kebijakan",
  revision = 1,
  instansi = "kab-tanah-bumbu",
  zona_waktu = "WITA",
  identitas = {
    nama = "Prosedur Evaluasi Penerapan Kebijakan Keamanan Informasi",
    nomor = "B/800.3/86/DISKOMIN 5081-SP2 / 1 / 2024",
  },
  pelaksana = {
    kepala_seksi  = { label = "Kepala Seksi", kolom = 1 },
    tim_evaluasi  = { label = "Tim Evaluasi Kebijakan", kolom = 2 },
    kepala_bidang = { label = "Kepala Bidang", kolom = 3 },
  },
  langkah = {
    task "telaah" {
      no = 1,
      kegiatan = "Melakukan telaahan terhadap Kegiatan Penerapan Kebijakan Keamanan Informasi",
      pelaksana = { "tim_evaluasi", inferred = true },
      kelengkapan = { "Dokumen Kebijakan Keamanan Informasi", "Laporan Publikasi Kebijakan",
                      "Dokumen Anggaran dan Realisasi Anggaran", "Hasil Survey Kepatuhan Kebijakan Keamanan Informasi" },
      waktu = "3 Hari",
      output = { "Telaahan Evaluasi Kegiatan Penerapan Kebijakan Keamanan Informasi" },
      next = "perlu_revisi",
    },
    decision "perlu_revisi" {
      no = 2,
      kegiatan = "Melakukan analisis terhadap telaahan apakah kebijakan perlu di revisi atau tidak",
      pelaksana = { "tim_evaluasi", inferred = true },
      kelengkapan = { "Telaahan Evaluasi Kegiatan Penerapan Kebijakan Keamanan Informasi" },
      waktu = "3 Jam",
      output = { "Rencana Tindak Lanjut Penerapan Kebijakan Keamanan Informasi" },
      branches = {
        { "perlu revisi", next = "rekomendasi" },
        { "tidak perlu", next = "tetap", inferred = true },
      },
    },
    task "rekomendasi" {
      no = 3,
      kegiatan = "Menyusun Rekomendasi Penerapan Kebijakan Keamanan Informasi",
      pelaksana = { "tim_evaluasi", inferred = true },  -- or Kepala Seksi
      kelengkapan = { "Dokumen Rencana Tindak Lanjut Penerapan Kebijakan Keamanan Informasi" },
      waktu = "3 Hari",
      output = { "Dokumen Rekomendasi Tindak Lanjut Penerapan Kebijakan Keamanan Informasi" },
      next = "rencana_revisi",
    },
    task "rencana_revisi" {
      no = 4,
      kegiatan = "Menyusun Rencana Revisi Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_seksi", inferred = true },  -- or Tim Evaluasi Kebijakan
      kelengkapan = { "Dokumen Rekomendasi Tindak Lanjut Penerapan Kebijakan Keamanan Informasi" },
      waktu = "3 Jam",
      output = { "Dokumen Rencana Tindak Lanjut Penerapan Kebijakan Keamanan Informasi" },
      next = "sahkan_revisi",
    },
    task "sahkan_revisi" {
      no = 5,
      kegiatan = "Pengesahan Rencana Revisi Kebijakan Keamanan Informasi",
      pelaksana = { "kepala_bidang", inferred = true },
      kelengkapan = { "Rencana Tindak Lanjut Penerapan Kebijakan Keamanan Informasi" },
      waktu = "1 Jam",
      output = { "Rencana Tindak Lanjut Penerapan Kebijakan Keamanan Informasi yang telah disetujui" },
      next = "selesai",
    },
    finish "selesai" { no = 6, kegiatan = "Selesai", hasil = "revisi" },
    finish "tetap" {
      inferred = true,
      sumber = "the 'tidak perlu' outcome of step 2 is not drawn (003-D2)",
      kegiatan = "Selesai (kebijakan tetap berlaku)",
      hasil = "tetap",
    },
  },
}
