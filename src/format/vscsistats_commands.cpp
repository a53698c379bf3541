#include "format/vscsistats_commands.hpp"

#include <fmt/core.h>

namespace vscsi {
namespace {
std::string selector(const CollectionTarget& t) {
    return t.handle_id ? fmt::format("-w {} -i {}", t.world_group_id, *t.handle_id)
                       : fmt::format("-w {}", t.world_group_id);
}
}  // namespace

std::string CollectionTarget::describe() const {
    return handle_id ? fmt::format("worldGroupID {} handle {}", world_group_id, *handle_id)
                     : fmt::format("worldGroupID {}", world_group_id);
}

std::string start_command(const CollectionTarget& t) {
    return "vscsiStats -s " + selector(t);
}
std::string print_command(const CollectionTarget& t) {
    return "vscsiStats -p all -c " + selector(t);
}
std::string stop_command(const CollectionTarget& t) {
    return "vscsiStats -x " + selector(t);
}

}  // namespace vscsi
