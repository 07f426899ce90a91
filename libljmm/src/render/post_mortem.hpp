// The lines that tell what a core file or a journal entry said and what it could not, shared
// by the text report and the SVG picture so both say the same.
#pragma once

#include <string>
#include <vector>

#include "ljmm/snapshot.hpp"

namespace ljmm::detail {

// One line of facts (who wrote it, the signal, the threads, the command line).
std::string post_mortem_summary(const PostMortem& facts);
// "id: text" for each thing the source cannot tell.
std::vector<std::string> post_mortem_unseen(const PostMortem& facts);

}  // namespace ljmm::detail
