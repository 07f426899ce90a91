// The "post_mortem" member of a snapshot document: what a core file or a journal entry told,
// and what it could not. null for a live process, a maps file or an older document.
#pragma once

#include <optional>

#include "json/fields.hpp"
#include "json/writer.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm::detail {

void write_post_mortem(JsonWriter& json, const std::optional<PostMortem>& post_mortem);
Result<std::optional<PostMortem>> read_post_mortem(const json_fields::json& document);

}  // namespace ljmm::detail
