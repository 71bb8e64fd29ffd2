// Reload under load: edits a procedure file 100 times (saved by rename, as editors do) while
// client threads post webhooks, and measures for each edit the time from the file write to the
// new version being served (GET /api/sops/{id} shows the new hash). Prints the latency figures
// and the webhook requests that did not get 202.
//
//   siaga_bench_reload URL ADMIN_TOKEN FEED_TOKEN SOP_FILE PROCEDURE_ID [EDITS] [CLIENTS]
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

std::size_t Collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Client {
  CURL* curl = curl_easy_init();
  ~Client() { curl_easy_cleanup(curl); }
  long Request(const std::string& url, const std::string& token, const std::string* body, std::string& reply) {
    reply.clear();
    curl_slist* headers = curl_slist_append(nullptr, ("Authorization: Bearer " + token).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    if (body != nullptr) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    return status;
  }
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s URL ADMIN_TOKEN FEED_TOKEN SOP_FILE PROCEDURE_ID [EDITS] [CLIENTS]\n", argv[0]);
    return 2;
  }
  const std::string url = argv[1], admin = argv[2], feed = argv[3], file = argv[4], procedure = argv[5];
  const int edits = argc > 6 ? std::atoi(argv[6]) : 100;
  const int clients = argc > 7 ? std::atoi(argv[7]) : 4;
  curl_global_init(CURL_GLOBAL_ALL);
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string original = text.str();
  const auto rev = original.find("revision = ");
  if (rev == std::string::npos) {
    std::fprintf(stderr, "no 'revision = ' in %s\n", file.c_str());
    return 2;
  }

  std::atomic<bool> stop{false};
  std::atomic<long> sent{0}, failed{0};
  std::vector<std::thread> load;
  for (int c = 0; c < clients; ++c)
    load.emplace_back([&, c] {
      Client client;
      std::string reply;
      for (long i = 0; !stop.load(); ++i) {
        const std::string body = nlohmann::json{{"template-id", "bench-" + std::to_string(c) + "-" + std::to_string(i)},
                                                {"info", {{"name", "Bench finding"}, {"severity", "high"}}},
                                                {"host", "https://bench.go.id"}, {"matched-at", "https://bench.go.id/" + std::to_string(i)},
                                                {"timestamp", "2026-12-01T10:00:00Z"}}.dump();
        const long status = client.Request(url + "/hooks/nuclei", feed, &body, reply);
        sent++;
        if (status != 202) {
          if (failed++ < 5) std::fprintf(stderr, "webhook answered %ld: %s\n", status, reply.c_str());
        }
      }
    });

  Client poller;
  std::string reply;
  auto served_hash = [&] {
    poller.Request(url + "/api/sops/" + procedure, admin, nullptr, reply);
    auto j = nlohmann::json::parse(reply, nullptr, false);
    return j.is_object() ? j.value("hash", "") : std::string();
  };
  std::vector<double> latencies;
  int missed = 0;
  std::string before = served_hash();
  for (int e = 0; e < edits; ++e) {
    std::string edited = original;
    edited.replace(rev, 11, "revision = " + std::to_string(100 + e) + " + 0 * ");
    const std::string tmp = file + ".bench-tmp";
    std::ofstream(tmp) << edited;
    const auto t0 = Clock::now();
    std::filesystem::rename(tmp, file);
    bool live = false;
    while (Clock::now() - t0 < std::chrono::seconds(5)) {
      const std::string now = served_hash();
      if (!now.empty() && now != before) {
        latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        before = now;
        live = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (!live) ++missed;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  for (auto& t : load) t.join();
  std::ofstream(file) << original;
  std::printf("reload_edits %d\nreload_missed %d\n", edits, missed);
  std::printf("reload_live_ms_median %.1f\nreload_live_ms_p95 %.1f\nreload_live_ms_max %.1f\nreload_live_ms_min %.1f\n",
              Percentile(latencies, 0.5), Percentile(latencies, 0.95),
              latencies.empty() ? 0.0 : *std::max_element(latencies.begin(), latencies.end()),
              latencies.empty() ? 0.0 : *std::min_element(latencies.begin(), latencies.end()));
  std::printf("webhooks_during_reloads %ld\nwebhooks_failed %ld\n", sent.load(), failed.load());
  curl_global_cleanup();
  return 0;
}
