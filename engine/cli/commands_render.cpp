// siaga render PROCEDURE: the official SOP document (identity table and swimlane flowchart) as
// one HTML page, and optionally a PDF printed by a headless Chromium.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "render/sop_document.h"

namespace siaga::cli {

namespace {

struct RenderCliOptions {
  std::string procedure;
  std::string output;  // "" or "-": standard output
  std::string language = "id";
  std::string pdf;
};

// A file path is loaded as it is; anything else is an id under --sop (ID -> SOP/ID.lua).
Result<std::shared_ptr<CompiledProcedure>> LoadForRender(const GlobalOptions& global, const std::string& procedure) {
  std::error_code ec;
  const bool is_file = std::filesystem::is_regular_file(procedure, ec);
  const std::string path = is_file ? procedure : global.sop_dir + "/" + procedure + ".lua";
  if (!std::filesystem::is_regular_file(path, ec))
    return NotFound("no procedure '" + procedure + "': neither a file nor " + path);
  LoadResult r = LoadProcedureFile(path, FolderResolver(global.sop_dir));
  if (!r.procedure) {
    for (const Diagnostic& d : r.diagnostics)
      if (d.severity == Diagnostic::Severity::kError) std::cerr << d.ToString() << "\n";
    return ScriptError("procedure " + path + " does not load (run: siaga lint " + path + ")");
  }
  return r.procedure;
}

// The first headless browser on PATH that can print to PDF.
std::string FindBrowser() {
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env != nullptr ? path_env : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t end = path.find(':', start);
      if (end == std::string::npos) end = path.size();
      const std::string candidate = path.substr(start, end - start) + "/" + name;
      if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
  }
  return "";
}

// Runs the browser without a shell (file names reach it as arguments, never as shell text).
Status PrintPdf(const std::string& html_path, const std::string& pdf_path) {
  const std::string browser = FindBrowser();
  if (browser.empty())
    return NotFound("--pdf needs a headless Chromium (apt-get install chromium); none found on PATH. "
                    "Open the HTML in a browser and print it to PDF instead (A4 landscape is preset)");
  const std::string html_url = "file://" + std::filesystem::absolute(html_path).string();
  const std::string pdf_arg = "--print-to-pdf=" + std::filesystem::absolute(pdf_path).string();
  std::vector<std::string> args = {browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                   "--print-to-pdf-no-header", pdf_arg, html_url};
  const pid_t pid = fork();
  if (pid < 0) return Internal("cannot start " + browser);
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (FILE* quiet = std::fopen("/dev/null", "w")) dup2(fileno(quiet), 2);  // Chromium is chatty on stderr
    execv(browser.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::error_code ec;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !std::filesystem::exists(pdf_path, ec))
    return Internal(browser + " did not print " + pdf_path);
  return Status::Ok();
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return NotFound("cannot write " + path);
  return Status::Ok();
}

int RunRender(const GlobalOptions& global, const RenderCliOptions& options) {
  if (!render::IsKnownLanguage(options.language)) return Fail(InvalidArgument("--lang must be id or en"));
  auto procedure = LoadForRender(global, options.procedure);
  if (!procedure.ok()) return Fail(procedure.status());
  render::RenderOptions render_options;
  render_options.language = options.language;
  const std::string html = render::RenderSopDocument((*procedure)->def(), render_options);

  const bool to_stdout = options.output.empty() || options.output == "-";
  if (!to_stdout) {
    if (Status st = WriteFile(options.output, html); !st.ok()) return Fail(st);
  } else if (options.pdf.empty()) {
    std::cout << html;
  }
  if (options.pdf.empty()) return kExitOk;
  // The browser reads a file: the -o file, or a temporary one removed afterwards.
  std::string html_path = options.output;
  if (to_stdout) {
    html_path = (std::filesystem::temp_directory_path() / ("siaga-render-" + std::to_string(getpid()) + ".html")).string();
    if (Status st = WriteFile(html_path, html); !st.ok()) return Fail(st);
  }
  const Status printed = PrintPdf(html_path, options.pdf);
  if (to_stdout) std::filesystem::remove(html_path);
  return printed.ok() ? kExitOk : Fail(printed);
}

}  // namespace

void AddRenderCommand(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto options = std::make_shared<RenderCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "render", "write the official SOP document (identity table and swimlane flowchart, Permenpan-RB SOP AP) as HTML/SVG");
  cmd->add_option("procedure", options->procedure, "procedure id (e.g. kaltim/gangguan-keamanan-jaringan) or a .lua file")->required();
  cmd->add_option("-o,--output", options->output, "write the HTML page to FILE (default: standard output)");
  cmd->add_option("--lang", options->language, "id (the official text) or en (English glosses where the file has them)")
      ->capture_default_str();
  cmd->add_option("--pdf", options->pdf, "also print it to this PDF file with a headless Chromium (A4 landscape)");
  cmd->callback([&global, &exit_code, options] { exit_code = RunRender(global, *options); });
}

}  // namespace siaga::cli
