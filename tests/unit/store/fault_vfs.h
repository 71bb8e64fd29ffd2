// A SQLite VFS shim that fails the N-th write, truncate or sync (and, in persistent mode, every
// one after it) with an I/O error or SQLITE_FULL, the way SQLite's own test suite injects
// faults. Registered as the default VFS of the test process, it wraps the real one.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace siaga::test {

class FaultVfs {
 public:
  // Fail the n-th write/truncate/sync from now (1 = the next one); 0 disarms.
  static void Arm(int n, bool persistent, int error = SQLITE_IOERR) {
    State().countdown = n;
    State().persistent = persistent;
    State().error = error;
    State().tripped = false;
  }
  static void Disarm() { State().countdown = 0, State().tripped = false; }
  static bool tripped() { return State().tripped; }
  static int operations() { return State().operations; }

  static void Install() {
    static bool installed = false;
    if (installed) return;
    installed = true;
    Real() = sqlite3_vfs_find(nullptr);
    static sqlite3_vfs vfs;
    vfs = *Real();
    vfs.zName = "siaga-fault";
    vfs.szOsFile = static_cast<int>(sizeof(File)) + Real()->szOsFile;
    vfs.xOpen = &Open;
    sqlite3_vfs_register(&vfs, 1);
  }

 private:
  struct StateT {
    std::atomic<int> countdown{0};
    std::atomic<int> operations{0};
    std::atomic<bool> persistent{false}, tripped{false};
    std::atomic<int> error{SQLITE_IOERR};
  };
  struct File {
    sqlite3_file base;
    sqlite3_file* real;
  };
  static StateT& State() {
    static StateT s;
    return s;
  }
  static sqlite3_vfs*& Real() {
    static sqlite3_vfs* real = nullptr;
    return real;
  }
  static sqlite3_file* RealOf(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

  // True when this operation must fail.
  static bool Fault() {
    ++State().operations;
    if (State().tripped && State().persistent) return true;
    int n = State().countdown.load();
    if (n <= 0) return false;
    if (--State().countdown == 0) {
      State().tripped = true;
      return true;
    }
    return false;
  }

  static int Close(sqlite3_file* f) {
    sqlite3_file* r = RealOf(f);
    const int rc = r->pMethods != nullptr ? r->pMethods->xClose(r) : SQLITE_OK;
    return rc;
  }
  static int Read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return RealOf(f)->pMethods->xRead(RealOf(f), b, n, o); }
  static int Write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
    if (Fault()) return State().error == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return RealOf(f)->pMethods->xWrite(RealOf(f), b, n, o);
  }
  static int Truncate(sqlite3_file* f, sqlite3_int64 size) {
    if (Fault()) return SQLITE_IOERR_TRUNCATE;
    return RealOf(f)->pMethods->xTruncate(RealOf(f), size);
  }
  static int Sync(sqlite3_file* f, int flags) {
    if (Fault()) return SQLITE_IOERR_FSYNC;
    return RealOf(f)->pMethods->xSync(RealOf(f), flags);
  }
  static int FileSize(sqlite3_file* f, sqlite3_int64* s) { return RealOf(f)->pMethods->xFileSize(RealOf(f), s); }
  static int Lock(sqlite3_file* f, int l) { return RealOf(f)->pMethods->xLock(RealOf(f), l); }
  static int Unlock(sqlite3_file* f, int l) { return RealOf(f)->pMethods->xUnlock(RealOf(f), l); }
  static int CheckReserved(sqlite3_file* f, int* r) { return RealOf(f)->pMethods->xCheckReservedLock(RealOf(f), r); }
  static int FileControl(sqlite3_file* f, int op, void* a) { return RealOf(f)->pMethods->xFileControl(RealOf(f), op, a); }
  static int SectorSize(sqlite3_file* f) { return RealOf(f)->pMethods->xSectorSize(RealOf(f)); }
  static int DeviceCharacteristics(sqlite3_file* f) { return RealOf(f)->pMethods->xDeviceCharacteristics(RealOf(f)); }
  static int ShmMap(sqlite3_file* f, int i, int sz, int e, void volatile** p) { return RealOf(f)->pMethods->xShmMap(RealOf(f), i, sz, e, p); }
  static int ShmLock(sqlite3_file* f, int o, int n, int fl) { return RealOf(f)->pMethods->xShmLock(RealOf(f), o, n, fl); }
  static void ShmBarrier(sqlite3_file* f) { RealOf(f)->pMethods->xShmBarrier(RealOf(f)); }
  static int ShmUnmap(sqlite3_file* f, int d) { return RealOf(f)->pMethods->xShmUnmap(RealOf(f), d); }
  static int Fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) { return RealOf(f)->pMethods->xFetch(RealOf(f), o, n, p); }
  static int Unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) { return RealOf(f)->pMethods->xUnfetch(RealOf(f), o, p); }

  static int Open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    auto* file = reinterpret_cast<File*>(f);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    std::memset(file->real, 0, static_cast<std::size_t>(Real()->szOsFile));
    const int rc = Real()->xOpen(Real(), name, file->real, flags, out_flags);
    if (file->real->pMethods == nullptr) {
      f->pMethods = nullptr;
      return rc;
    }
    static sqlite3_io_methods methods = {3,         &Close,        &Read,     &Write,      &Truncate,      &Sync,
                                         &FileSize, &Lock,         &Unlock,   &CheckReserved, &FileControl, &SectorSize,
                                         &DeviceCharacteristics, &ShmMap, &ShmLock, &ShmBarrier, &ShmUnmap, &Fetch, &Unfetch};
    f->pMethods = &methods;
    return rc;
  }
};

}  // namespace siaga::test
