-- STANDAR OPERASIONAL PROSEDUR (SOP) GANGGUAN KEAMANAN JARINGAN - Provinsi Kalimantan Timur.
-- Transcribed from seed 002_2e27d07fc211b196.txt. Actors come from narrative section B (stated,
-- not inferred). Marked `inferred`: where the "dapat diselesaikan" branch of step 4 goes
-- (ambiguity 002-C2). Step 12's row is misaligned in the source (002-C8) and re-aligned here.
local laporan_alat = {
  "Laporan Gangguan keamanan", { "NOC", jenis = "alat" }, { "aplikasi security system", jenis = "alat" },
}

return sop {
  id       = "kaltim/gangguan-keamanan-jaringan",
  revision = 1,
  instansi = "prov-kaltim",
  zona_waktu = "WITA",

  identitas = {
    nama = "STANDAR OPERASIONAL PROSEDUR (SOP) GANGGUAN KEAMANAN JARINGAN KALIMANTAN TIMUR",
    dasar_hukum = {
      "Undang-undang Nomor 14 tahun 2008 tentang Keterbukaan Informasi Publik",
      "Undang-undang Nomor 25 Tahun 2009 tentang pelayanan Publik",
      "Peraturan Pemerintah Nomor 82 Tahun 2012 tentang Penyelenggaraan Sistem dan Transaksi Elektronik",
      "Peraturan Menteri Komunikasi dan Informatika Nomor 7 Tahun 2013 tentang Pedoman Penerapan Interoperabilitas Dokumen Perkantoran",
      "Peraturan Menteri Komunikasi dan Informatika Nomor 14 tahun 2016 tentang Pedoman Nomenklatur Perangkat Daerah Bidang Komunikasi dan Informatika Nomenkaltur",  -- sic
    },
    keterkaitan = { "SOP Administrator Jaringan", "SOP gangguan Jaringan" },
    peringatan = "Jika SOP ini tidak berjalan maka akan mengakibatkan gangguan keamanan tidak cepat terselesaikan",
    kualifikasi = {
      "Kemampuan Teknis untuk konfigurasi sistem",
      "Kemampuan mengetik laporan dengan aplikasi Microsoft Word",
      "Kemampuan Administrator jaringan",
    },
    peralatan = {
      "Surat Permohonan, Disposisi",
      "PC, notebook, flashdisk, server, UPS, dll",
      "ATK, Media Komunikasi, Formulir- formulir",
    },
    pencatatan = {},
    penanggung_jawab = "Penanggung Jawab dari kegiatan ini adalah Bidang Teknologi Informasi dan Komunikasi dibawah "
                    .. "seksi Keamanan jaringan berdasarkan Permenkominfo Nomor 14 Tahun 2006 .",  -- sic (2016)
  },

  -- Section E: "Waktu pelaksanaan ... 2-5 hari kerja". Lint warns that the step times disagree (002-C5).
  sla_kasus = { waktu = "2-5 hari kerja", sumber = "E. WAKTU PELAKSANAAN" },

  pelaksana = {
    pemeriksa_ti = { label = "Pemeriksa Teknologi Informasi", kolom = 1 },
    tim_teknis   = { label = "Tim Teknis Administrator Jaringan dan Pengelola TI", kolom = 2 },
    kasi         = { label = "Pejabat Pengawas/Kasi Keamanan Jaringan Informasi dan Komunikasi", kolom = 3 },
    kabid        = { label = "Pejabat Administrator Kepala Bidang TIK", kolom = 4 },
    pihak_terkait = { label = "pihak terkait", jenis = "eksternal", kolom = 5 },
  },

  langkah = {
    task "terima_laporan" {
      no = 1,
      kegiatan = "Menerima dan mencatat laporan gangguan sistem Keamanan",
      pelaksana = "pemeriksa_ti",
      kelengkapan = { "Dokumen Informasi gangguan" },
      waktu = "1 hari",
      output = { "Dokumen Informasi gangguan" },
      next = "disposisi",
    },
    task "disposisi" {
      no = 2,
      kegiatan = "melakukan disposisi untuk dtindaklanjuti",  -- sic
      pelaksana = "kabid",
      kelengkapan = { "Dokumen Informasi gangguan" },
      waktu = "20 menit",
      output = { "Disposisi penanganan gangguan" },
      next = "arahan_tim",
    },
    task "arahan_tim" {
      no = 3,
      kegiatan = "menindaklanjuti Disposisi dan memberikan arahan kepada Tim Teknis",
      pelaksana = "kasi",
      kelengkapan = { "Disposisi penanganan gangguan" },
      waktu = "1-2 jam",
      output = { "Laporan Gangguan keamanan" },
      next = "cek_laporan",
    },
    decision "cek_laporan" {
      no = 4,
      kegiatan = "menerima dan mengecek laporan gangguan sistem Keamanan, jika terdapat gangguan proses dilanjutkan "
              .. "jika tidak kembali kepada pemeriksa teknologi informasi",
      keterangan = "Narasi B.4: jika terdapat gangguan proses yang sulit diselesaikan dilanjutkan untuk dikonsultasikan "
                .. "jika tidak sulit dan dapat diselesaikan kembali dilaporkan kepada pemeriksa teknologi informasi",
      pelaksana = "tim_teknis",
      kelengkapan = { "Laporan Gangguan keamanan" },
      waktu = "1 hari",
      output = { "Laporan Gangguan keamanan" },
      branches = {
        { "sulit diselesaikan", next = "konsultasi" },
        { "dapat diselesaikan", next = "lapor_ke_pemeriksa" },
      },
    },
    task "lapor_ke_pemeriksa" {
      inferred = true,
      sumber = "narasi B.4: 'kembali dilaporkan kepada pemeriksa teknologi informasi' (no step number)",
      kegiatan = "Melaporkan penyelesaian gangguan kembali kepada pemeriksa teknologi informasi",
      pelaksana = "tim_teknis",
      notify = { { to = "pemeriksa_ti", template = "gangguan_terselesaikan", tlp = "GREEN" } },
      next = { "teruskan_perkembangan", inferred = true },  -- 002-C2/C3: where the easy path ends
    },
    task "konsultasi" {
      no = 5,
      kegiatan = "mengkonsultasikan laporan gangguan sistem keamanan jaringan",
      pelaksana = "kasi",
      kelengkapan = { "Laporan Gangguan keamanan" },
      waktu = "1 jam",
      output = { "Laporan Gangguan keamanan" },
      next = "arahan_penyelesaian",
    },
    task "arahan_penyelesaian" {
      no = 6,
      kegiatan = "memberikan arahan penyelesaian gangguan sistem Keamanan Jaringan",
      pelaksana = "kabid",
      kelengkapan = { "Laporan Gangguan keamanan" },
      waktu = "1-2 jam",
      output = { "Laporan Gangguan keamanan" },
      next = "tindak_lanjut",
    },
    task "tindak_lanjut" {
      no = 7,
      kegiatan = "Menindaklanjuti penyelesaian gangguan sistem Keamanan sesuai arahan Administrator dan berkoordinasi "
              .. "dengan pihak terkait",
      pelaksana = { "tim_teknis", dibantu = { "pihak_terkait" } },
      kelengkapan = laporan_alat,
      waktu = "1-2 hari",
      output = { "Laporan Gangguan keamanan", "NOC", "aplikasi security system" },
      next = "lapor_hasil",
    },
    task "lapor_hasil" {
      no = 8,
      kegiatan = "melaporkan hasil penyelesaian gangguan sistem Keamanan Jaringan",
      pelaksana = "tim_teknis",
      kelengkapan = laporan_alat,
      waktu = "20 menit",
      output = { "Laporan Gangguan keamanan", "NOC", "aplikasi security system" },
      next = "cek_hasil",
    },
    decision "cek_hasil" {
      no = 9,
      kegiatan = "melakukan pengecekan terhadap hasil pekerjaan Tim Teknis, apabila telah tuntas maka langsung "
              .. "dilaporkan, jika belum maka Tim Teknis mengulang proses",
      keterangan = "Narasi B.9: jika belum maka Tim Teknis mengulang proses langkah 7(tujuh)",
      pelaksana = "kasi",
      kelengkapan = laporan_alat,
      waktu = "1 jam",
      output = { "Laporan Gangguan keamanan", "NOC", "aplikasi security system" },
      branches = {
        { "tuntas", next = "terima_penyelesaian" },
        { "belum", next = "tindak_lanjut" },
      },
    },
    task "terima_penyelesaian" {
      no = 10,
      kegiatan = "menerima laporan penyelesaian gangguan",
      pelaksana = "kabid",
      kelengkapan = { "Laporan Gangguan keamanan", { "NOC", jenis = "alat" }, { "aplikasi security svstem", jenis = "alat" } },  -- sic
      waktu = "20 menit",
      output = { "Laporan Gangguan keamanan", "NOC", "aplikasi security svstem" },  -- sic
      next = "beritahu_selesai",
    },
    task "beritahu_selesai" {
      no = 11,
      kegiatan = "memberitahukan penyelesaian laporan gangguan sistem Keamanan Jaringan telah selesai",
      pelaksana = "kasi",
      kelengkapan = { "Laporan Gangguan keamanan", { "NOC", jenis = "alat" }, { "aplikasi security svstem", jenis = "alat" } },  -- sic
      waktu = "1-2 jam",
      output = { "Laporan penyelesaian gangguan" },
      next = "teruskan_perkembangan",
    },
    task "teruskan_perkembangan" {
      no = 12,
      kegiatan = "Meneruskan perkembangan tindaklanjut penyelesaian laporan gangguan sistem Keamanan Jaringan",
      pelaksana = "tim_teknis",  -- narrative: "pengelola Teknologi Informasi", part of this column (002-C12)
      kelengkapan = { "Laporan penyelesaian gangguan" },
      waktu = "1-3 jam",
      output = { "Laporan penyelesaian gangguan" },
      next = "selesai",
    },
    finish "selesai" {
      inferred = true,
      sumber = "the source has no Selesai row; the procedure ends after step 12",
    },
  },
}
