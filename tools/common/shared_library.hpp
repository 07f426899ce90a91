// Libraries only some commands need, opened when they are needed: libsystemd for the journal
// (--coredump) and the decompressors of systemd-coredump's cores (zstd, xz, lz4). Linked, they
// were loaded by every run of every tool, ten libraries of which nothing else is used: 0.7 ms of
// ljmm-inspect's 3 ms start-up, and start-up is a third of ljmm-inspect --all on a quiet host.
//
// A library's functions are a table spelled once, as a list:
//   #define LJMM_ZSTD_FUNCTIONS(X) X(ZSTD_createDStream) X(ZSTD_freeDStream)
//   struct Zstd { SharedLibrary library; LJMM_ZSTD_FUNCTIONS(LJMM_LIBRARY_MEMBER) };
//   auto zstd = open_table<Zstd>("libzstd.so.1", "libzstd1", "a zstd-compressed core",
//                                [](Zstd& table) { LJMM_ZSTD_FUNCTIONS(LJMM_LIBRARY_FIND) });
// and called by their own names: zstd.ZSTD_createDStream().
#pragma once

#include <dlfcn.h>

#include <memory>
#include <string>

#include "ljmm/result.hpp"

namespace ljmm::cli {

class SharedLibrary {
 public:
  // dlopen(soname). When it fails, Errc::unsupported whose message names the library, the Debian
  // package that installs it and what the tool needed it for.
  static Result<SharedLibrary> open(const char* soname, const char* package, const char* needed_for);

  // Sets `function` to the library's function `name`, typed as the header declares it; a name it
  // does not have is kept for check().
  template <class Function>
  void find(Function*& function, const char* name) {
    function = reinterpret_cast<Function*>(dlsym(handle_.get(), name));
    if (function == nullptr && missing_.empty()) missing_ = name;
  }
  // Whether every find() found its function; the error names the first that was not.
  Status check() const;

 private:
  struct Close {
    void operator()(void* handle) const { dlclose(handle); }
  };
  SharedLibrary(void* handle, std::string soname, std::string package)
      : handle_(handle), soname_(std::move(soname)), package_(std::move(package)) {}

  std::unique_ptr<void, Close> handle_;
  std::string soname_;
  std::string package_;
  std::string missing_;
};

// A member named as the function it points to, of its declared type.
#define LJMM_LIBRARY_MEMBER(name) decltype(&::name) name = nullptr;
// Finds the function for that member of `table` (the table open_table hands over).
#define LJMM_LIBRARY_FIND(name) table.library.find(table.name, #name);

// Opens the library and fills the table (a struct whose first member is `SharedLibrary library`)
// with `find_all`; an error when the library or one of its functions is missing.
template <class Table, class FindAll>
Result<Table> open_table(const char* soname, const char* package, const char* needed_for, FindAll find_all) {
  auto library = SharedLibrary::open(soname, package, needed_for);
  if (!library) return library.error();
  Table table{std::move(library).value()};
  find_all(table);
  if (Status found = table.library.check(); !found) return found.error();
  return table;
}

}  // namespace ljmm::cli
