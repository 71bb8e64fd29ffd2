-- Where notices go: channels, and who receives a notice sent to each Pelaksana role.
-- A fresh installation writes every notice to a local file (one JSON line each), so nothing is
-- lost before an agency sets up e-mail or a CSIRT webhook. Secrets are never written here:
-- `secret = "NAME"` is read from the server's environment variable SIAGA_SECRET_NAME.
-- Reference: docs/notifications.md.
return notifikasi {
  language = "id",
  -- Where a message links to the case ({case} becomes the case id): its page on the dashboard.
  -- Set the host to the address operators use (the nginx name in production).
  link = "http://127.0.0.1:8080/#/case/{case}",

  channels = {
    -- Stays on the server: cleared for every TLP label.
    arsip = { kind = "file", path = "data/notifikasi.jsonl", tlp_max = "RED" },

    -- E-mail, for example (uncomment and fill in; tls = "required" refuses a server without STARTTLS):
    -- email = {
    --   kind = "smtp", url = "smtp://mail.trenggalekkab.go.id:587", tls = "required",
    --   user = "siaga@trenggalekkab.go.id", secret = "SMTP_DISKOMINFO",
    --   from = "Siaga Diskominfo <siaga@trenggalekkab.go.id>",
    --   tlp_max = "AMBER", attempts = 8, retry_first = 30, retry_max = 3600, timeout = 20,
    -- },

    -- A CSIRT's or ticketing system's webhook: JSON, signed with HMAC-SHA256 (X-Siaga-Signature):
    -- csirt_provinsi = {
    --   kind = "http", url = "https://csirt.jatimprov.go.id/hooks/siaga", secret = "CSIRT_JATIM",
    --   tlp_max = "AMBER", language = "id",
    -- },
  },

  recipients = {
    -- Every notice, whatever its role, is also kept in the local archive.
    ["*"] = { { channel = "arsip" } },
    -- By role, for example:
    -- pelapor  = { { channel = "email", field = "email_pelapor" } },       -- the case's field
    -- opd_aset = { { channel = "email", address = "opd@trenggalekkab.go.id", tlp_max = "GREEN" } },
    -- eksternal = { { channel = "csirt_provinsi" } },
  },

  -- Most specific first: a procedure's own list, then the agency's, then `recipients`.
  -- by_procedure = { ["surakarta/layanan-keamanan-informasi"] = { eksternal = { { channel = "csirt_provinsi" } } } },
  -- by_agency = { ["kab-trenggalek"] = { pelapor = { { channel = "email", field = "email_pelapor" } } } },
}
