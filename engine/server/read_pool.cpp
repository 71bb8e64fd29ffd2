#include "server/read_pool.h"

namespace siaga {

Result<std::unique_ptr<ReadPool::Lease>> ReadPool::Borrow() {
  std::unique_ptr<Database> db;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      db = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!db) {
    auto opened = Database::Open(path_, Database::Mode::kReadOnly);
    if (!opened.ok()) return opened.status();
    db = std::move(*opened);
  }
  return std::make_unique<Lease>(*this, std::move(db));
}

void ReadPool::GiveBack(std::unique_ptr<Database> db) {
  if (!db) return;
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(db));
}

}  // namespace siaga
