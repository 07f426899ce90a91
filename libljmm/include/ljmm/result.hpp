// Errors as values: every fallible library call returns Result<T>.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "ljmm/export.hpp"

namespace ljmm {

// What went wrong, coarse enough for a tool to pick an exit code.
enum class Errc {
  not_found,          // no such process or file
  permission_denied,  // the kernel refused us (ptrace access mode, file mode)
  vanished,           // the process exited while we were reading it
  malformed,          // input text that does not parse (maps line, JSON, rules)
  io_error,           // any other failing system call
  invalid_argument,   // the caller asked for something meaningless
  unsupported,        // the kernel or machine cannot do this
  not_permitted,      // the system refuses it to this user (loading BPF without CAP_BPF)
};

struct LJMM_API Error {
  Errc code;
  std::string message;  // one line, names the object and the cause
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

// The one way to add context to an error: "CONTEXT: MESSAGE", with the same code or another.
inline Error with_context(const Error& error, std::string_view context, std::optional<Errc> code = std::nullopt) {
  return Error{code.value_or(error.code), std::string(context) + ": " + error.message};
}

LJMM_API const char* errc_name(Errc code);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_{Errc::io_error, {}};
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace ljmm
