// The compiled form of a procedure file: what the runner executes, lint checks and the CLI
// prints. Built by the loader from the table a `sop/*.lua` file returns.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "time/time_standard.h"

namespace siaga {

enum class StepKind { kStart, kTask, kDecision, kWait, kExternal, kAutomatic, kCall, kFinish };

const char* StepKindName(StepKind kind);

struct Target {
  std::string step;
  bool inferred = false;
};

struct Branch {
  std::string label;
  Target next;
  nlohmann::json set = nlohmann::json::object();
};

struct Notice {
  std::string to;
  std::string template_name;
  std::string tlp;
};

struct StepDef {
  std::string id;
  StepKind kind = StepKind::kTask;
  int line = 0;
  std::size_t index = 0;  // position in `langkah`, used to find hook functions
  std::string no;
  std::string kegiatan, en, keterangan, sumber;
  bool inferred = false;
  std::string role;
  std::vector<std::string> assisting;
  bool role_inferred = false;
  std::vector<std::string> kelengkapan, output;
  std::optional<TimeStandard> waktu;
  std::optional<Target> next;
  std::vector<Branch> branches;
  nlohmann::json set = nlohmann::json::object();
  std::vector<Notice> notify;
  std::optional<int> max_ulang;
  std::optional<Target> timeout;
  std::map<std::string, std::string> on;  // wait: signal -> step
  std::string selesai_bila;               // external: signal that completes it
  bool pauses_case_sla = false;           // jeda_sla_kasus: the case's service clock stops here
  std::string prosedur;                   // call: child procedure id
  std::string hasil;                      // finish: outcome
  bool has_on_enter = false, has_on_complete = false, has_on_warning = false, has_on_breach = false;
  bool has_guard = false, has_decide = false, has_run = false;

  std::string Label() const;  // "step 'triage' (no 3)"
  // Every step this one can go to, with the branch label or "next"/"timeout"/signal name.
  std::vector<std::pair<std::string, Target>> Exits() const;
  bool IsWorkItem() const {
    return kind == StepKind::kTask || kind == StepKind::kDecision || kind == StepKind::kExternal;
  }
};

struct RoleDef {
  std::string id, label, jenis;
  bool inferred = false;
};

struct FieldDef {
  std::string name;
  std::vector<std::string> enum_values;
  nlohmann::json initial;  // null when none
};

struct ProcedureDef {
  std::string id;
  std::string file;
  std::string hash;  // SHA-256 of the source text
  int revision = 0;
  std::string instansi;
  std::string zona_waktu = "WIB";
  nlohmann::json identitas = nlohmann::json::object();
  TimeDefaults defaults;
  double warn_share = 0.75;  // waktu_default.peringatan: when a single-value deadline warns
  std::optional<TimeStandard> sla_kasus;
  std::optional<std::int64_t> effective_from;  // berlaku_mulai: new cases take this version from then on
  std::string sla_sumber;
  std::map<std::string, RoleDef> roles;
  std::vector<std::string> role_order;  // as declared: the Pelaksana columns
  std::map<std::string, FieldDef> fields;
  std::vector<StepDef> steps;           // steps[0] is the entry
  bool has_on_open = false, has_on_close = false;
  std::vector<std::string> functions;  // names in `fungsi`, for ctx:after / ctx:at

  const StepDef* Find(const std::string& step_id) const;
  std::string Title() const;  // identitas.nama, or the id
};

}  // namespace siaga
