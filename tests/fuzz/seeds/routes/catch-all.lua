routes { { procedure = "trenggalek/layanan-insiden" } }
