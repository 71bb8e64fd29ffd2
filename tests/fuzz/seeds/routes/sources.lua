routes {
  { source = { "cek-situs", "sensor" }, severity = { "high", "critical" }, procedure = "kota/layanan" },
  { adapter = "nuclei", ignore = true },
}
