// A recording played forward item by item: the layout model of every process, and the facts of
// each process (its name, program, where its heap and stack start) to make snapshots of it.
#pragma once

#include <cstdint>
#include <map>

#include "ljmm/film.hpp"
#include "ljmm/recording.hpp"

namespace ljmm::film::detail {

uint64_t time_of(const RecordingItem& item);
uint32_t pid_of(const RecordingItem& item);

class Player {
 public:
  explicit Player(const Recording& recording) : recording_(recording) {}

  // Applies the next item; false at the end.
  bool step();
  size_t position() const { return next_; }  // items applied so far
  const AddressSpace* space(uint32_t pid) const { return film_.find(pid); }
  // When the process exited, if it has: its last layout stays (snapshot() shows it).
  std::optional<uint64_t> exited_at(uint32_t pid) const;
  // The process's layout now (or its last, once it exited) as a snapshot taken at `time_ns`;
  // nullopt when it is not known.
  std::optional<Snapshot> snapshot(uint32_t pid, uint64_t time_ns) const;

 private:
  const Recording& recording_;
  size_t next_ = 0;
  Film film_;
  std::map<uint32_t, ProcessInfo> facts_;
  struct Exited {
    AddressSpace space;
    uint64_t time_ns;
  };
  std::map<uint32_t, Exited> exited_;
};

}  // namespace ljmm::film::detail
