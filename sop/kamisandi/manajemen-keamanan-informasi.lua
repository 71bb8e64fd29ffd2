-- SOP : Manajemen Keamanan Informasi (agency not named in the source).
-- Transcribed from seed 000_207650d4a308bc1c.txt. The source table lost its swimlane marks: every
-- `inferred = true` (actors, loop targets, the terminator) is Siaga's reading, to be confirmed by
-- the agency before go-live. The text mentions "Bidang Kamisandi", hence the agency id.
local alat = { { "Komputer/Laptop", jenis = "alat" }, { "Jaringan Internet", jenis = "alat" } }
local alat_hp = { { "Komputer/Laptop/ Handphone", jenis = "alat" }, { "Jaringan Internet", jenis = "alat" } }

return sop {
  id       = "kamisandi/manajemen-keamanan-informasi",
  revision = 1,
  instansi = "kamisandi",
  zona_waktu = "WIB",

  identitas = {
    nama = "SOP : Manajemen Keamanan Informasi",
    catatan = "Tanpa kotak identitas (nomor, tanggal, pengesahan, dasar hukum) dalam sumber.",
  },

  pelaksana = {
    pengolah_data = { label = "Pengolah Data dan Informasi", kolom = 1 },
    kasubbag_tu   = { label = "Kepala Sub Bagian Tata Usaha", kolom = 2 },
    kepala_bagian = { label = "Kepala Bagian", kolom = 3 },
    pelapor       = { label = "Pelapor", jenis = "pelapor", inferred = true, kolom = 4 },   -- no column in the source
    pengelola_aset = { label = "Pengelola Aset terdampak", jenis = "eksternal", kolom = 5 },
  },

  langkah = {
    task "lapor" {
      no = 1,
      kegiatan = "Melaporkan temuan Insiden Keamanan Informasi melalui kanal aduan",
      pelaksana = { "pelapor", inferred = true },
      kelengkapan = { { "Komputer/Laptop/ Handphone", jenis = "alat" }, { "Jaringan Internet", jenis = "alat" } },
      waktu = "10 Menit",
      output = { "Laporan Temuan Insiden" },
      next = "terima_laporan",
    },
    task "terima_laporan" {
      no = 2,
      kegiatan = "Menerima Laporan temuan Insiden Keamanan Informasi",
      pelaksana = { "pengolah_data", inferred = true },
      kelengkapan = alat,
      waktu = "6 Jam",
      output = { "Laporan Temuan Insiden sudah diterima" },
      next = "catat_log",
    },
    task "catat_log" {
      no = 3,
      kegiatan = "Melakukan pencatatan ke dalam log insiden",
      pelaksana = { "pengolah_data", inferred = true },
      kelengkapan = alat,
      waktu = "1 Jam",
      output = { "Laporan Pencatatan Insiden" },
      next = "draft_surat",
    },
    task "draft_surat" {
      no = 4,
      kegiatan = "Membuat draft surat pemberitahuan insiden kepada Pengelola Aset terdampak dan mengajukannya "
              .. "kepada Kepala Bidang Kamisandi",
      pelaksana = { "pengolah_data", inferred = true },
      kelengkapan = alat,
      waktu = "4 jam",
      output = { "Draft surat pemberitahuan insiden" },
      next = "periksa_draft",
    },
    task "periksa_draft" {
      no = 5,
      kegiatan = "Menerima dan memeriksa draft surat pemberitahuan insiden dari Staf Bidang Kamisandi",
      pelaksana = { "kasubbag_tu", inferred = true },   -- or Kepala Bagian (ambiguity 000-A4)
      kelengkapan = alat,
      waktu = "2 jam",
      output = { "Draft surat pemberitahuan insiden sudah diperiksa" },
      next = "keputusan_draft",
    },
    decision "keputusan_draft" {
      no = 6,
      kegiatan = "Proses pengambilan keputusan oleh Kepala Bidang Kamisandi apakah draft surat pemberitahuan insiden "
              .. "disetujui atau ditolak. Jika disetujui maka surat dikirim ke tujuan dan ditunjuk PIC dan jika ditolak "
              .. "maka draft surat akan direvisi",
      pelaksana = { "kepala_bagian", inferred = true },  -- the text names the Kepala Bidang Kamisandi
      kelengkapan = alat,
      waktu = "1 Jam",
      branches = {
        { "disetujui", next = "kirim_surat" },
        { "ditolak", next = "draft_surat", inferred = true },  -- "draft surat akan direvisi" (000-A6)
      },
    },
    task "kirim_surat" {
      no = 7,
      kegiatan = "Mengirimkan surat pemberitahuan insiden",
      pelaksana = { "pengolah_data", inferred = true },
      kelengkapan = alat,
      waktu = "30 Menit",
      output = { "surat pemberitahuan insiden sudah dikirimkan" },
      notify = { { to = "pengelola_aset", template = "surat_pemberitahuan_insiden", tlp = "AMBER" } },
      next = "perbaikan",
    },
    task "perbaikan" {
      no = 8,
      kegiatan = "Melakukan perbaikan dan mendokumentasikan proses perbaikan insiden",
      pelaksana = { "pengolah_data", inferred = true },
      kelengkapan = { { "Komputer/Laptop", jenis = "alat" }, { "Jaringan Internet", jenis = "alat" },
                      { "Tools Penanganan Insiden", jenis = "alat" } },
      waktu = "3 Hari",
      output = { "Insiden sudah ditindaklanjuti" },
      next = "info_pelapor",
    },
    task "info_pelapor" {
      no = 9,
      kegiatan = "Menginformasikan kepada Pelapor terkait tindakan perbaikan yang telah dilakukan.",
      pelaksana = { "pengolah_data", inferred = true },
      kelengkapan = alat_hp,
      waktu = "30 Menit",
      output = { "Informasi tindak lanjut insiden diterima pelapor" },
      notify = { { to = "pelapor", template = "tindak_lanjut_perbaikan", tlp = "GREEN" } },
      next = "konfirmasi",
    },
    decision "konfirmasi" {
      no = 10,
      kegiatan = "Mengkonfirmasi tindakan perbaikan yang telah dilakukan. Jika masih ditemukan insiden maka akan "
              .. "dilakukan proses perbaikan kembali dan jika tidak ditemukan insiden maka akan dibuat laporan "
              .. "penyelesaian insiden",
      pelaksana = { "pelapor", dibantu = { "pengolah_data" }, inferred = true },  -- 000-A7
      kelengkapan = alat_hp,
      waktu = "4 Jam",
      output = { "Tindak lanjut insiden berhasil diverifikasi oleh Pelapor" },
      branches = {
        { "masih ada", next = "perbaikan", inferred = true },  -- "proses perbaikan kembali"
        { "tidak ada", next = "laporan_penyelesaian" },
      },
    },
    task "laporan_penyelesaian" {
      no = 11,
      kegiatan = "Membuat laporan penyelesaian insiden",
      pelaksana = { "pengolah_data", inferred = true },
      kelengkapan = alat,
      waktu = "1 Hari",
      output = { "Laporan Penanganan Insiden" },
      next = "arsip",
    },
    task "arsip" {
      no = 12,
      kegiatan = "Mendokumentasikan sebagai arsip dan dokumen Bidang",
      pelaksana = { "pengolah_data", inferred = true },
      kelengkapan = alat,
      waktu = "10 Menit",
      output = { "Dokumen Arsip Laporan Penanganan Insiden" },
      next = "selesai",
    },
    finish "selesai" {
      inferred = true,
      sumber = "the source has no Selesai row (000-A12); the procedure ends after step 12",
    },
  },
}
