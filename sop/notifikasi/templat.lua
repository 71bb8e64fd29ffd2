-- Message templates: templates[language][name] = function(m) return { subject, text, html } end.
-- `name` is the `template` of a step's notify (or of ctx:notify); `default` serves any name
-- without its own template. `m` holds the case, the step, the notice and the agency (see
-- docs/notifications.md); times are already in the agency's time zone. h(s) escapes for HTML.

local function langkah(m)
  if not m.step then return "" end
  local s = "Langkah " .. (m.step.no or "") .. ": " .. (m.step.kegiatan or m.step.id)
  if m.step.due then s = s .. "\nBatas waktu langkah: " .. m.step.due end
  return s .. "\n"
end

local function badan(m, pembuka, penutup)
  local c = m.case
  local teks = pembuka .. "\n\n" ..
    "Nomor kasus: " .. c.number .. "\n" ..
    "Judul: " .. c.title .. "\n" ..
    "Prosedur: " .. c.procedure_title .. "\n" ..
    "Dibuka: " .. c.opened_at .. "\n" ..
    langkah(m) ..
    (c.sla_due and ("Batas standar pelayanan: " .. c.sla_due .. "\n") or "") ..
    "Klasifikasi informasi: TLP:" .. m.notice.tlp .. "\n" ..
    (c.link ~= "" and ("\nRincian kasus: " .. c.link .. "\n") or "") ..
    (penutup and ("\n" .. penutup .. "\n") or "") ..
    "\nPesan ini dikirim otomatis oleh Siaga."
  return teks
end

local function pesan(subjek, pembuka, penutup)
  return function(m)
    return { subject = subjek .. " - " .. m.case.number .. ": " .. m.case.title, text = badan(m, pembuka, penutup) }
  end
end

local function message(subject, opening)
  return function(m)
    local c = m.case
    return {
      subject = subject .. " - " .. c.number .. ": " .. c.title,
      text = opening .. "\n\nCase: " .. c.number .. "\nTitle: " .. c.title .. "\nProcedure: " .. c.procedure_title ..
        "\nOpened: " .. c.opened_at .. "\n" ..
        (m.step and ("Step " .. (m.step.no or "") .. ": " .. (m.step.kegiatan or m.step.id) .. "\n") or "") ..
        (m.step and m.step.due and ("Step deadline: " .. m.step.due .. "\n") or "") ..
        "Information classification: TLP:" .. m.notice.tlp .. "\n" ..
        (c.link ~= "" and ("\nCase details: " .. c.link .. "\n") or "") ..
        "\nThis message was sent automatically by Siaga.",
    }
  end
end

return notifikasi {
  templates = {
    id = {
      default = pesan("Pemberitahuan kasus", "Yth. " .. "Bapak/Ibu,\n\nBerikut pemberitahuan mengenai kasus keamanan informasi."),
      pemberitahuan_insiden = pesan("Pemberitahuan insiden keamanan informasi",
        "Yth. Bapak/Ibu pengelola aset,\n\nTelah terjadi insiden keamanan informasi pada aset yang Bapak/Ibu kelola.",
        "Mohon segera melakukan langkah penanganan sesuai rekomendasi tim."),
      surat_pemberitahuan_insiden = pesan("Surat pemberitahuan insiden keamanan informasi",
        "Yth. Bapak/Ibu pengelola aset,\n\nBersama ini kami sampaikan pemberitahuan insiden keamanan informasi.",
        "Mohon tindak lanjut perbaikan dan laporan hasilnya."),
      permohonan_bantuan = pesan("Permohonan bantuan penanganan insiden",
        "Yth. Tim CSIRT,\n\nKami memohon bantuan penanganan insiden keamanan informasi berikut."),
      status_penyelesaian = pesan("Status penyelesaian insiden",
        "Yth. Bapak/Ibu pengelola aset,\n\nBerikut status penyelesaian insiden keamanan informasi."),
      laporan_ditutup = pesan("Laporan insiden ditutup",
        "Yth. Bapak/Ibu pelapor,\n\nTerima kasih atas laporan Bapak/Ibu. Penanganan insiden telah selesai dan laporan ditutup."),
      gangguan_terselesaikan = pesan("Gangguan keamanan jaringan telah terselesaikan",
        "Yth. Bapak/Ibu,\n\nGangguan keamanan jaringan yang dilaporkan telah terselesaikan.",
        "Mohon pemeriksaan hasil perbaikan."),
      laporan_csirt_ke_pemohon = pesan("Laporan penanganan insiden dari CSIRT",
        "Yth. Bapak/Ibu pemohon,\n\nBerikut laporan penanganan insiden dari Trenggalekkab-CSIRT.",
        "Jika masih ada kendala, laporan lanjutan dapat disampaikan dalam masa autoresolve."),
      tindak_lanjut_perbaikan = pesan("Tindak lanjut perbaikan",
        "Yth. Bapak/Ibu pelapor,\n\nBerikut tindak lanjut perbaikan atas insiden yang dilaporkan."),
    },
    en = {
      default = message("Case notice", "Dear colleagues,\n\nThis is a notice about an information-security case."),
      permohonan_bantuan = message("Request for incident-handling assistance",
        "Dear CSIRT team,\n\nWe request assistance in handling the following information-security incident."),
    },
  },
}
