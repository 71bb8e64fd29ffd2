// The server's engine loop: group commit of concurrent submissions, and 503-style refusals when
// its queue is full or it is stopping.
#include <catch2/catch.hpp>

#include <thread>

#include "procedure_fixtures.h"
#include "server/engine_loop.h"
#include "engine_fixture.h"

using namespace siaga;

namespace {

struct Fixture : test::EngineFixture {
  TimerLoop timers{engine, clock};
  Fixture() { Load(test::Mini()); }
};

Command Open(int i) {
  Command c;
  c.type = Command::Type::kOpenCase;
  c.procedure_id = "uji/mini";
  c.title = "kasus " + std::to_string(i);
  return c;
}

}  // namespace

TEST_CASE("the engine loop commits concurrent submissions in shared transactions", "[engine_loop]") {
  Fixture f;
  EngineLoop loop(f.engine, f.timers, f.clock);
  loop.Start();
  std::vector<std::thread> senders;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    senders.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto r = loop.Execute({Open(t * 100 + i)});
        if (r.ok() && r->front().status.ok() && r->front().case_id > 0) ++ok;
      }
    });
  for (auto& s : senders) s.join();
  loop.Stop();
  CHECK(ok == 200);
  const EngineLoopStats st = loop.stats();
  CHECK(st.commands == 200);
  CHECK(st.batches <= 200);
  auto q = f.db->Prepare("SELECT COUNT(*) FROM cases");
  REQUIRE(*q->Step());
  CHECK(q->Int(0) == 200);
  q->Run();
}

TEST_CASE("the engine loop refuses work when its queue is full or it is stopping", "[engine_loop]") {
  Fixture f;
  EngineLoopOptions options;
  options.queue_capacity = 2;
  EngineLoop loop(f.engine, f.timers, f.clock, options);  // not started: nothing drains the queue
  auto first = loop.Submit({Open(1), Open(2)});
  REQUIRE(first.ok());
  auto full = loop.Submit({Open(3)});
  REQUIRE_FALSE(full.ok());
  CHECK(full.status().code() == StatusCode::kUnavailable);
  loop.Start();
  auto results = first->get();  // what was queued is applied
  CHECK(results.size() == 2);
  CHECK(results[1].status.ok());
  loop.Stop();
  auto late = loop.Submit({Open(4)});
  REQUIRE_FALSE(late.ok());
  CHECK(late.status().code() == StatusCode::kUnavailable);
}
