-- SOP Layanan Insiden Keamanan Informasi - Diskominfo Kabupaten Trenggalek (Trenggalekkab-CSIRT).
-- Transcribed from seed 001_ec5125e017f936b5.txt. The source table lost its swimlane marks: every
-- `inferred = true` must be confirmed by the agency. The Waktu column is empty for every step
-- (ambiguity 001-B1), so steps carry no deadline. The 5-day auto-resolve window of step 8's
-- Keterangan is the `autoresolve` wait; a follow-up report (laporan lanjutan) inside the window
-- re-enters triage and, when the flow comes back, the window starts again (DESIGN.md §11.6).
return sop {
  id       = "trenggalek/layanan-insiden",
  revision = 1,
  instansi = "kab-trenggalek",
  zona_waktu = "WIB",

  identitas = {
    nama = "SOP Layanan Insiden Keamanan Informasi",
    nomor = "07-4 / SOP/406.020/2022",
    tanggal_pembuatan = "21 Januari 2022",
    tanggal_revisi = "",
    tanggal_efektif = "",
    disahkan_oleh = {
      jabatan = "Kepala Dinas Komunikasi dan Informatika",
      nama = "EDIF HARYANAN SISWANTO, S.SOS.,M.SI.",
    },
    dasar_hukum = {
      "Undang-undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
      "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi RI No 35 Tahun 2012 tentang Pedoman Penyusunan SOP Adminstrasi Pemerintahan",  -- sic
      "Peraturan Menteri Dalam Negeri No 52 tahun 2011 tentang SOP di Lingkungan Pemerintah Provinsi dan Kabupaten/Kota",
      "Peraturan Badan Siber dan Sandi Negara Nomor 10 Tahun 2019 tentang Pelaksanaan Persandian untuk Pengamanan Informasi di Pemerintah Daerah",
      "Peraturan Badan Siber dan Sandi Negara Nomor 4 Tahun 2021 tentang Pedoman Manajemen Keamanan Informasi Sistem Pemerintahan Berbasis Elektronik dan Standar Teknis dan Prosedur Keamanan Sistem Pemerintahan Berbasis Elektronik",
      "Peraturan Bupati Trenggalek Nomor 39 Tahun 2019 tentang Pengelolaan Sistem Pemerintahan Berbasis Elektronik dalam Penyelenggaraan Pemerintahan Daerah",
    },
    keterkaitan = { "-" },
    peringatan = "Apabila SOP Layanan Insiden Keamanan Informasi tidak dijalankan dengan baik maka proses Penanganan "
              .. "Insiden Keamanan Informasi akan tidak berjalan efektif",
    kualifikasi = {
      "Kabid dan Kasi : Memiliki kemampuan interpersonal yang baik",
      "Technical Support : SDM yang memiliki kompetensi IT; SDM yang memahami peraturan - peraturan dan kebijakan terkait Insiden Keamanan Informasi",
    },
    peralatan = { "Ruang Layanan", "Komputer / Laptop", "Internet" },
    pencatatan = { "Report/Hasil Scaning Website", "Laporan Layanan Insiden Keamanan Informasi" },  -- sic
  },

  -- "hari" is not qualified in the source (001-B2); read as working days (DESIGN.md §11.1).
  waktu_default = { hari = "hari_kerja" },

  pelaksana = {
    helpdesk   = { label = "Helpdesk Dinas Kominfo", kolom = 1 },
    pengelola  = { label = "Tim Pengelolaan Data", kolom = 2 },
    analis     = { label = "Tim Analisa", kolom = 3 },
    koordinasi = { label = "Tim Koordinasi", kolom = 4 },
    penanganan = { label = "Tim Penanganan / CSIRT / Pihak Eksternal Lainnya", kolom = 5 },
    pemohon    = { label = "pemohon / owner aplikasi", jenis = "pelapor", kolom = 6 },  -- named in step 8, not a column
  },

  kasus = {
    status_insiden = { enum = { "terbuka", "ditutup" }, awal = "terbuka" },
    status_laporan = { enum = { "terbuka", "menunggu_autoresolve", "ditutup" }, awal = "terbuka" },
  },

  langkah = {
    task "registrasi" {
      no = 1,
      kegiatan = "Menerima laporan insiden, melakukan validasi, registrasi, dan meneruskan laporan ke Trenggalekkab-CSIRT",
      pelaksana = { "helpdesk", inferred = true },
      kelengkapan = { "Laporan Insiden" },
      output = { "Isian Incident Report Form" },
      keterangan = "Validasi dilakukan untuk menilai apakah benar terjadi insiden",
      next = "teruskan_ke_analis",
    },
    task "teruskan_ke_analis" {
      no = 2,
      kegiatan = "Menerima laporan insiden dan meneruskan laporan ke Tim Analisis",
      pelaksana = { "pengelola", inferred = true },
      kelengkapan = { "Laporan Insiden" },
      output = { "Input data ke aplikasi pelaporan insiden" },
      next = "triage",
    },
    task "triage" {
      no = 3,
      kegiatan = "Melakukan incident triage, investigasi / analisis insiden, dan memberikan rekomendasi untuk "
              .. "ditindaklanjuti oleh Tim Koordinasi",
      pelaksana = { "analis", inferred = true },
      kelengkapan = { { "Pengecekan", jenis = "aktivitas" } },  -- an activity, not a document (001-B6)
      output = { "Rekomendasi Tim Analisis" },
      keterangan = "Incident Triage dilakukan untuk menilai apakah insiden sesuai dengan skala dan prioritas ruang "
                .. "lingkup Trenggalekkab-CSIRT",
      next = "koordinasi",
    },
    task "koordinasi" {
      no = 4,
      kegiatan = "Berkoordinasi dengan Tim Penanganan internal Trenggalekkab-CSIRT atau CSIRT / pihak eksternal "
              .. "lainnya, apabila diperlukan, sesuai rekomendasi Tim Analisis",
      pelaksana = { "koordinasi", inferred = true },
      kelengkapan = { { "Analisa", jenis = "aktivitas" } },
      output = { "Terjalannya kontak dengan Tim Penanganan Insiden atau pihak eksternal yang diperlukan" },  -- sic
      next = "penanganan",
    },
    task "penanganan" {
      no = 5,
      kegiatan = "Penanganan insiden dan/atau pemberian rekomendasi oleh Tim Penanganan internal Trenggalekkab-CSIRT "
              .. "atau CSIRT / pihak eksternal lainnya",
      pelaksana = "penanganan",  -- stated in the activity text
      kelengkapan = { { "Penanganan", jenis = "aktivitas" } },
      output = { "Penanganan insiden dan/atau rekomendasi" },
      next = "kompilasi",
    },
    task "kompilasi" {
      no = 6,
      kegiatan = "Menerima, mengkompilasi, dan meneruskan rekomendasi dan/atau laporan penanganan insiden",
      pelaksana = { "koordinasi", inferred = true },
      kelengkapan = { "Laporan Penanganan" },
      output = { "Laporan dan/atau Rekomendasi Trenggalekkab-CSIRT" },
      next = "ke_helpdesk",
    },
    task "ke_helpdesk" {
      no = 7,
      kegiatan = "Menerima dan meneruskan Laporan dan/atau Rekomendasi Trenggalekkab-CSIRT ke Helpdesk",
      pelaksana = { "pengelola", inferred = true },
      kelengkapan = { "Laporan Penanganan" },
      output = { "Laporan dan/atau Rekomendasi Trenggalekkab-CSIRT (tercatat di Helpdesk)" },
      next = "ke_pemohon",
    },
    task "ke_pemohon" {
      no = 8,
      kegiatan = "Menerima dan meneruskan Laporan dan/atau Rekomendasi Trenggalekkab-CSIRT ke pemohon / owner aplikasi",
      pelaksana = { "helpdesk", inferred = true },
      kelengkapan = { "Laporan Penanganan" },
      output = { "Laporan lanjutan Atau Laporan ditutup" },
      keterangan = "Memasukkan masa autoresolved (5 hari). Laporan lanjutan akan ditangani dalam masa ini. Setelah "
                .. "masa autoresolved selesai maka status laporan insiden akan ditutup.",
      notify = { { to = "pemohon", template = "laporan_csirt_ke_pemohon", tlp = "GREEN" } },
      set = { status_laporan = "menunggu_autoresolve" },
      next = "autoresolve",
    },
    wait "autoresolve" {
      inferred = true,
      sumber = "Keterangan langkah 8: masa autoresolved (5 hari)",
      kegiatan = "Masa autoresolved (5 hari): laporan lanjutan ditangani dalam masa ini",
      waktu = "5 hari",
      on = { laporan_lanjutan = "triage" },  -- re-entry point is Siaga's reading (001-B3)
      timeout = "dokumentasi",
    },
    task "dokumentasi" {
      no = 9,
      kegiatan = "Mendokumentasikan insiden dan menutup status insiden",
      pelaksana = { "pengelola", inferred = true },
      kelengkapan = { "Dokumen Insiden" },
      output = { "Dokumentasi insiden" },
      set = { status_insiden = "ditutup" },
      next = "tutup_laporan",
    },
    task "tutup_laporan" {
      no = 10,
      kegiatan = "Menutup status laporan",
      pelaksana = { "helpdesk", inferred = true },
      kelengkapan = { "Dokumen Insiden" },
      output = { "Status laporan ditutup" },
      set = { status_laporan = "ditutup" },
      next = "selesai",
    },
    finish "selesai" {
      inferred = true,
      sumber = "the source has no Selesai row; the procedure ends after step 10",
    },
  },
}
