// Read-only connections for the HTTP threads: WAL lets them read beside the writer without
// blocking it. A connection is borrowed for one request and given back.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/database.h"

namespace siaga {

class ReadPool {
 public:
  explicit ReadPool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(ReadPool& pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
    ~Lease() { pool_.GiveBack(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Database& db() { return *db_; }

   private:
    ReadPool& pool_;
    std::unique_ptr<Database> db_;
  };

  Result<std::unique_ptr<Lease>> Borrow();

 private:
  void GiveBack(std::unique_ptr<Database> db);
  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace siaga
