// The parts of a snapshot document that other documents hold too (a recording's layouts): the
// process, the machine, a region's own fields. Written and read here alone, so they stay the same.
#pragma once

#include <string>

#include "json/fields.hpp"
#include "json/writer.hpp"
#include "ljmm/maps.hpp"
#include "ljmm/process.hpp"

namespace ljmm::detail {

void write_process(JsonWriter& json, const ProcessInfo& process);  // "process": {...}
void write_system(JsonWriter& json, const SystemInfo& system);     // "system": {...}
// start, end, size, perms, offset, dev, inode, kind, path, deleted (and vm_flags when known),
// inside an object the caller opened.
void write_region_fields(JsonWriter& json, const Region& region);

// `where` names the object in errors: "regions[3]".
Result<Region> read_region(const json_fields::json& object, const std::string& where);
Status read_process(const json_fields::json& document, ProcessInfo& process);  // its "process" member
Status read_system(const json_fields::json& document, SystemInfo& system);     // its "system" member, if any

}  // namespace ljmm::detail
