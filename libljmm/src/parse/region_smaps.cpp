#include <algorithm>

#include "ljmm/maps.hpp"

namespace ljmm {

static_assert(sizeof(Region) <= 112, "a Region stays small: a process may have 65,000 of them");

RegionSmaps::RegionSmaps(const RegionSmaps& other)
    : data_(other.data_ ? std::make_unique<Data>(*other.data_) : nullptr) {}

RegionSmaps& RegionSmaps::operator=(const RegionSmaps& other) {
  if (this != &other) data_ = other.data_ ? std::make_unique<Data>(*other.data_) : nullptr;
  return *this;
}

RegionSmaps::Data& RegionSmaps::data() {
  if (!data_) data_ = std::make_unique<Data>();
  return *data_;
}

uint64_t RegionSmaps::value(std::string_view name) const {
  for (const SmapsField& field : fields())
    if (field.name == name) return field.value;
  return 0;
}

void RegionSmaps::add(SmapsField field) {
  std::vector<SmapsField>& fields = data().fields;
  if (fields.empty()) fields.reserve(32);  // a 6.x kernel prints about 25 fields
  fields.push_back(std::move(field));
}

void RegionSmaps::set_vm_flags(std::string_view flags) { data().vm_flags.assign(flags); }

void RegionSmaps::clear_fields() {
  if (data_) data_->fields.clear();
}

bool RegionSmaps::operator==(const RegionSmaps& other) const {
  return std::ranges::equal(fields(), other.fields()) && vm_flags() == other.vm_flags();
}

}  // namespace ljmm
