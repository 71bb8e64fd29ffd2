-- Which procedure handles what the feeds send. Rules are tried in order; the first rule whose
-- adapter, severity and source all match a draft decides: `procedure = "..."` opens a case of
-- that procedure, `ignore = true` counts the draft as ignored and opens nothing. A draft that no
-- rule matches holds its payload in the inbox until the routes are fixed and it is reprocessed
-- (siaga inbox reprocess ID). Keys: adapter, severity, source (a string or a list of strings).
-- This file is the demo set-up: every feed goes to one seed procedure. An agency lists its own.
routes {
  -- Informational findings are counted, not worked on.
  { severity = "info", ignore = true },
  -- Exposure reports about the agency's network: the network-security procedure (seed 002).
  { adapter = "shadowserver", procedure = "kaltim/gangguan-keamanan-jaringan" },
  -- Web vulnerabilities found by scanners: the information-security service (seed 004).
  { adapter = { "zap", "nuclei" }, procedure = "surakarta/layanan-keamanan-informasi" },
  -- Alerts and threat intelligence: the incident service (seed 001).
  { adapter = { "wazuh", "misp", "generic" }, procedure = "trenggalek/layanan-insiden" },
}
