-- Layanan Keamanan Informasi - Diskominfo SP Kota Surakarta (No. SK 016 Tahun 2024, from SIPPN).
-- Transcribed from seed 004_73d81dbddb752d49.txt. Transitions marked `inferred` are not written in
-- the source (ambiguities 004-E1..E5); actors marked `inferred` could not be read (swimlane marks
-- lost). Decisions taken in this file (DESIGN.md §11.3): step 12's "24 Jam" is elapsed time and
-- step 10's external "7 Hari" are calendar days.
return sop {
  id       = "surakarta/layanan-keamanan-informasi",
  revision = 1,
  instansi = "kota-surakarta",
  zona_waktu = "WIB",

  identitas = {
    nama = "Layanan Keamanan Informasi",
    sk = "No. SK : 016 Tahun 2024",
    instansi = "Pemerintah Kota Surakarta / Dinas Komunikasi Informatika Statistik dan Persandian",
    alamat = "Jl. Jendral Sudirman No.2 57111 02712941667",
    persyaratan = { "Surat permohonan Pelayanan Keamanan Informasi" },
    waktu_penyelesaian = "1 Hari kerja",
    rincian_waktu = { "Mengajukan Surat Permohonan; 60 menit", "Memverifikasi dan melakukan peninjauan; 60 menit",
                      "Implementasi Penggunaan layanan Keamanan Informasi; 60 menit" },
    biaya = "Tidak dipungut biaya",
    produk = { "Tanda Tangan Elektronik, Penanganan Gangguan, Audit TI." },
    pengaduan = { "Telp. (0271) 2931667", "Web Ulas : ulas.surakarta.go.id", "Web : surakarta.go.id",
                  "Email : diskominfo@surakarta.go.id", "SPAN Lapor (surakarta.lapor.go.id)", "Twitter : PEMKOT_SOLO",
                  "Instagram : pemkot_solo", "Facebook : PemkotSolo", "Lapor Mas Wali" },
    catatan = "Dokumen ini ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan oleh BSE",  -- sic
  },

  -- The Standar Pelayanan promises 1 hari kerja; the steps need far more (004-E8): lint warns.
  sla_kasus = { waktu = "1 Hari kerja", sumber = "Waktu Penyelesaian (Standar Pelayanan)" },

  pelaksana = {
    analis    = { label = "Analisis Sistem Informatika dan Jaringan", kolom = 1 },  -- sic (Analis)
    sandiman  = { label = "JF Sandiman Ahli Pertama", kolom = 2 },
    pranata   = { label = "Pranata Komputer Ahli Muda", kolom = 3 },
    kabid     = { label = "Kepala Bidang Teknologi dan Informatika", kolom = 4 },
    eksternal = { label = "Pihak Eksternal", jenis = "eksternal", kolom = 5 },
    opd_aset  = { label = "OPD Pemilik / Penanggung Jawab Aset", jenis = "eksternal", kolom = 6 },  -- not a column
    pelapor   = { label = "pelapor", jenis = "pelapor", kolom = 7 },                                 -- not a column
  },

  kasus = {
    jenis_insiden = { enum = { "security", "umum" } },
  },

  langkah = {
    start "mulai" { no = 1, kegiatan = "Mula", next = "terima" },  -- sic (Mulai)
    task "terima" {
      no = 2,
      kegiatan = "Menerima Laporan Keamanan Informasi insiden maupun kerentanan terjadinya insiden yang diketahui",
      pelaksana = { "kabid", inferred = true },  -- the output is a Disposisi
      kelengkapan = { "Form Laporan Insiden" },
      waktu = "10 Menit",
      output = { "Disposisi" },
      keterangan = "Laporan insiden dari Perangkat Disher",  -- sic
      next = "tindak_lanjut",
    },
    task "tindak_lanjut" {
      no = 3,
      kegiatan = "Menindaklanjuti Laporan",
      pelaksana = { "analis", dibantu = { "sandiman" } },  -- stated in Keterangan
      waktu = "15 Menit",
      output = { "Disposisi" },
      keterangan = "Berama dengan Analisis Sistem Informasi dan Jaringan dibantu oleh JF Sandiman Ahli Pertama",  -- sic
      next = "jenis",
    },
    decision "jenis" {
      no = 4,
      kegiatan = "Menentukan apakah laporan merupakan insiden security atau insiden umum",
      pelaksana = { "analis", dibantu = { "sandiman" }, inferred = true },
      waktu = "10 Menit",
      output = { "Form Laporan Insiden" },
      keterangan = "Jika laporan merupakan Incident Security maka lanjut ke proses penanganan evidence insiden security, "
                .. "namun apabila laporan merupakan insiden umum maka lanjut ke proses penanganan Pranata Komputer Ahli Muda",
      branches = {
        { "insiden security", next = "beritahu_opd", set = { jenis_insiden = "security" } },
        { "insiden umum", next = "tangani", inferred = true, set = { jenis_insiden = "umum" } },  -- 004-E1
      },
    },
    task "beritahu_opd" {
      no = 5,
      kegiatan = "Mengirimkan pemberitahuan kepada OPD Pemilik / Penanggung Jawab Aset tentang adanya insiden siber",
      pelaksana = { "kabid", inferred = true },
      kelengkapan = { "Form Laporan Insiden" },
      waktu = "30 Menit",
      output = { "Surat Pemberitahuan kepada OPD pemilik aset" },
      notify = { { to = "opd_aset", template = "pemberitahuan_insiden", tlp = "AMBER" } },
      next = "isolasi",
    },
    task "isolasi" {
      no = 6,
      kegiatan = "Melakukan pemindahan aplikasi/website/aset informasi pada jaringan lokal dan penggantian akses",
      pelaksana = { "analis", dibantu = { "sandiman" }, inferred = true },
      kelengkapan = { "Form Laporan Insiden" },
      waktu = "60 Menit",
      output = { "Catatan Hasil Identifikasi" },
      next = "analisis",
    },
    task "analisis" {
      no = 7,
      kegiatan = "Melakukan analisis insiden siber dan pengumpulan bukti dukung",
      pelaksana = { "analis", dibantu = { "sandiman", "opd_aset" } },  -- stated in Keterangan
      kelengkapan = { "Catatan Hasil Identifikasi" },
      waktu = "60 Menit",
      output = { "Catatan hasil analisis", "Bukti dukung insiden siber" },
      keterangan = "Analisis dan pengumpulan evidence dilakukan bersama dengan JF Sandiman Ahli Pertama dan OPD pemilik "
                .. "/ penanggung jawab aset",
      next = "perlu_eksternal",
    },
    decision "perlu_eksternal" {
      no = 8,
      kegiatan = "Memerlukan bantuan dari pihak eksternal",
      pelaksana = { "analis", inferred = true },
      kelengkapan = { "Catatan hasil analisis", "Bukti dukung insiden siber" },
      waktu = "1 Jam",
      output = { "Catatan hasil analisis", "Bukti dukung insiden siber" },
      keterangan = "Penanganan insiden dengan bantuan dari pihak eksternal: 1. CSIRT Nasional 2. DNS 3. Keptisian",  -- sic
      branches = {
        { "ya", next = "hubungi_eksternal", inferred = true },
        { "tidak", next = "tangani", inferred = true },  -- 004-E2
      },
    },
    task "hubungi_eksternal" {
      no = 9,
      kegiatan = "Menghubungi pihak luar untuk mendapatkan bantuan penanganan",
      pelaksana = { "kabid", inferred = true },
      kelengkapan = { "Catatan hasil analisis", "Bukti dukung insiden siber" },
      waktu = "1 Jam",
      output = { "Laporan hasil analisa disertai dengan bukti dukung yang lengkap" },
      notify = { { to = "eksternal", template = "permohonan_bantuan", tlp = "AMBER" } },
      next = "bantuan_eksternal",
    },
    external "bantuan_eksternal" {
      no = 10,
      kegiatan = "Bantuan penanganan insiden oleh pihak eksternal",
      pelaksana = "eksternal",  -- stated
      kelengkapan = { "Laporan hasil analisa disertai dengan bukti dukung yang lengkap" },
      waktu = { "7 Hari", basis = "kalender" },  -- the external party is not on the agency calendar
      output = { "Laporan hasil penanganan oleh pihak eksternal" },
      selesai_bila = "laporan_eksternal_diterima",
      jeda_sla_kasus = true,  -- the service standard's clock stops while the external party works
      next = "verifikasi_eksternal",
    },
    task "verifikasi_eksternal" {
      no = 11,
      kegiatan = "Menerima dan memverifikasi hasil penanganan insiden dari pihak eksternal",
      pelaksana = { "analis", dibantu = { "sandiman" }, inferred = true },
      kelengkapan = { "Laporan hasil penanganan oleh pihak eksternal" },
      waktu = "30 Menit",
      output = { "Laporan hasil penanganan oleh pihak eksternal" },
      next = { "periksa", inferred = true },  -- 004-E3
    },
    task "tangani" {
      no = 12,
      kegiatan = "Melakukan penanganan insiden",
      pelaksana = { "analis", inferred = true },
      kelengkapan = { "Catatan hasil analisis", "Bukti dukung insiden siber" },
      waktu = { "24 Jam", basis = "elapsed" },
      -- Keterangan step 4: "apabila laporan merupakan insiden umum maka lanjut ke proses
      -- penanganan Pranata Komputer Ahli Muda" (004-E1).
      on_enter = function(ctx)
        if ctx.case.fields.jenis_insiden == "umum" then ctx:assign("pranata") end
      end,
      output = { "Penanganan insiden sesuai kondisi" },
      next = "periksa",
    },
    decision "periksa" {
      no = 13,
      kegiatan = "Memeriksa hasil pelaksanaan penanganan insiden apakah telah sesuai",
      pelaksana = { "kabid", inferred = true },
      kelengkapan = { "Status Penyelesaian Insiden" },  -- produced by step 14 in the source (004-E4)
      waktu = "30 Menit",
      output = { "Hasil Penyelesaian Insiden" },
      branches = {
        { "sesuai", next = "info_opd", inferred = true },
        { "belum sesuai", next = "tangani", inferred = true },  -- 004-E5
      },
    },
    task "info_opd" {
      no = 14,
      kegiatan = "Menginformasikan kepada OPD Pemilik / Penanggung Jawab Aset status penyelesaian insiden.",
      pelaksana = { "analis", inferred = true },
      kelengkapan = { "Penanganan insiden sesuai kondisi" },
      waktu = "15 Menit",
      output = { "Status Penyelesaian Insiden" },
      notify = { { to = "opd_aset", template = "status_penyelesaian", tlp = "AMBER" } },
      next = "tutup",
    },
    task "tutup" {
      no = 15,
      kegiatan = "Melakukan penutupan terhadap laporan insiden dan menginformasikan status penanganan insiden kepada pelapor",
      pelaksana = { "analis", inferred = true },
      kelengkapan = { "Hasil Penyelesaian Insiden" },
      waktu = "10 Menit",
      output = { "Penutupan Laporan Insiden" },
      notify = { { to = "pelapor", template = "laporan_ditutup", tlp = "GREEN" } },
      next = "dokumentasi",
    },
    task "dokumentasi" {
      no = 16,
      kegiatan = "Mendokumentasikan langkah dan hasil perbaikan serta bukti-bukti insiden kemudian mengaitkan root cause "
              .. "kejadian insiden dan melakukan rencana pencegahannya serta mengevaluasi efektivitas tindakan "
              .. "pencegahannya tersebut",
      pelaksana = { "analis", dibantu = { "sandiman" }, inferred = true },
      kelengkapan = { "Penutupan Laporan Insiden" },
      output = { "Dokumentasi hasil perbaikan serta bukti insiden" },  -- no Waktu in the source (004-E6)
      next = "selesai",
    },
    finish "selesai" { no = 17, kegiatan = "Selesai" },
  },
}
