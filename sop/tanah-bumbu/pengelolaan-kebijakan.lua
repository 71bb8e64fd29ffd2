-- Pengelolaan Kebijakan Keamanan Informasi - Diskominfo SP Kabupaten Tanah Bumbu.
-- Transcribed from seed 003_8f3e8b5cebc6b6b3.txt: one SOP number covering three procedures
-- (penyusunan-kebijakan, publikasi-kebijakan, evaluasi-kebijakan). The source does not say how
-- they connect (ambiguity 003-D5); this file links them by their artifacts: the ratified policy
-- is published, the publication report is evaluated, and an evaluation that asks for a revision
-- sends the policy back to drafting.
return sop {
  id       = "tanah-bumbu/pengelolaan-kebijakan",
  revision = 1,
  instansi = "kab-tanah-bumbu",
  zona_waktu = "WITA",

  identitas = {
    nama = "Pengelolaan Kebijakan-Keamamanan Informasi",  -- sic
    nomor = "B/800.3/86/DISKOMIN 5081-SP2 / 1 / 2024",
    tanggal_pembuatan = "18 Januari 2024",
    tanggal_revisi = "",
    tanggal_efektif = "5 Februari 2024",
    disahkan_oleh = {
      jabatan = "Kepala Dinas Komunikasi Dan Informatika, Statistik dan Persandian",
      nama = "Al Husain Mardani, S.E.",
    },
    kualifikasi = {
      "Kepala Dinas adalah Pejabat yang memiliki wewenang untuk mengesahkan kebijakan terkait Pengelolaan Manajemen Keamanan Informasi;",
      "Kepala Bidang adalah Pejabat yang memiliki wewenang untuk memutuskan kebijakan terkait Pengelolaan Manajemen Keamanan Informasi;",
      "Kepala Seksi adalah Pejabat yang memiliki wewenang untuk melaksanakan kegiatan teknis di bidang tata kelola Kebijakan terkait Manajemen Keamanan Informasi",
      "Tim Penyusun Kebijakan adalah beberapa Pejabat yang bertanggung jawab untuk merumuskan Kebijakan Pengelolaan Manajemen Keamanan Informasi dan Mengkoordinasikan kegiatan Penilaian Keamanan Informasi; dibantu pihak-pihak yang terkait dalam perumusan kebijakan;",
      "Tim Publikasi Kebijakan adalah beberapa Pejabat yang bertanggung jawab untuk melakukan Publikasi secara mandiri ataupun melibatkan pihak-pihak terkait baik secara manual maupun elektronik",
      "Tim Evaluasi Kebijakan adalah beberapa Pejabat yang bertanggung jawab untuk melakukan evaluasi terhadap kebijakan yang telah disusun dan dipublikasikan dan menentukan apakah Kebijakan tersebut perlu di revisi atau di tarik dari peredarannya",
    },
    dasar_hukum = {
      "Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik Pasal 15 dan 16 (Lembaran Negara Republik Indonesia Tahun 2008 Nomor 58, Tambahan Lembaran Negara Republik Indonesia Nomor 4843);",
      "Undang-Undang Nomor 72 Tahun 2022 tentang Infrastruktur Informasi Vital",  -- sic: Perpres 82/2022 (003-D9)
      "Peraturan Presiden No.95 Tahun 2018 tentang Sistem Pemerintah Berbasis Elektronik (SPBE) Pasal 40 dan 41 (Lembaran Negara Republik Indonesia Tahun 2018 Nomor 182).",
      "Peraturan Kepala BSSN No. 8 Tahun 2020 tentang Sistem Pengamanan Dalam Penyelenggaraan Sistem Elektronik",
      "Peraturan Kepala BSSN No. 4 Tahun 2021 tentang Pedoman Manajemen Keamanan Informasi Sistem Pemerintahan Berbasis Elektronik dan Standar Teknis dan Prosedur Keamanan Sistem Pemerintahan Berbasis Elektronik",
      "Peraturan Bupati Tanah Bumbu No. 19 Tahun 2021 tentang Penyelenggaraan Sistem Pemerintahan Berbasis Elektronik",
    },
    keterkaitan = {},
    peringatan = "jika SOP ini tidak dilaksanakan akan mengakibatkan terjadinya eror pada sistem yang sedang berjalan "
              .. "dan tidak dapat dipertanggung jawabkan",
    peralatan = { "Perangkat Komputer", "Aplikasi Pengolah Dokumen", "Perangkat Pencetak Dokumen" },
    pencatatan = { "Dokumen Kebijakan Manajemen Keamanan Informasi", "Dokumen Penilaian Keamanan Informasi" },
  },

  pelaksana = {},  -- each linked procedure has its own Pelaksana columns

  langkah = {
    call "penyusunan" {
      prosedur = "tanah-bumbu/penyusunan-kebijakan",
      kegiatan = "Prosedur Penyusunan Kebijakan Keamanan Informasi",
      next = { "publikasi", inferred = true },  -- "Kebijakan Keamanan yang telah disahkan" is publication's input
    },
    call "publikasi" {
      prosedur = "tanah-bumbu/publikasi-kebijakan",
      kegiatan = "Prosedur Publikasi Kebijakan Keamanan Informasi",
      next = { "evaluasi", inferred = true },   -- "Laporan Publikasi Kebijakan" is evaluation's input
    },
    call "evaluasi" {
      prosedur = "tanah-bumbu/evaluasi-kebijakan",
      kegiatan = "Prosedur Evaluasi Penerapan Kebijakan Keamanan Informasi",
      branches = {
        { "revisi", next = "penyusunan", inferred = true },  -- a revision plan goes back to drafting
        { "tetap", next = "selesai", inferred = true },
      },
    },
    finish "selesai" { hasil = "kebijakan_berlaku" },
  },
}
