// Node-RED settings for bench/nodered.sh (the side-by-side peer of the webhook ingest benchmark).
// Port and database path come from the environment; the SQLite driver (better-sqlite3, installed by
// the script into a scratch folder next to node-red) is handed to function nodes as a global.
const path = require("path");
module.exports = {
  uiPort: Number(process.env.BENCH_NR_PORT || 18081),
  uiHost: "127.0.0.1",
  flowFile: path.join(process.env.BENCH_NR_USERDIR, "flows.json"),
  userDir: process.env.BENCH_NR_USERDIR,
  httpNodeRoot: "/",
  httpAdminRoot: "/admin",
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  telemetry: { enabled: false, updateNotification: false },
  logging: { console: { level: "warn", metrics: false, audit: false } },
  editorTheme: { tours: false, projects: { enabled: false } },
  functionExternalModules: false,
  functionGlobalContext: {
    Database: require(process.env.BENCH_NR_SQLITE_MODULE),
    dbPath: process.env.BENCH_NR_DB,
  },
};
