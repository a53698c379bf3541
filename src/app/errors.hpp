#pragma once
// The edge of a use case: its steps stop with exceptions where reading must
// stop (a parser's DataError naming file:line:field, an I/O failure, a usage
// error), and its callers get one Result with the matching kind.

#include <exception>
#include <stdexcept>
#include <type_traits>

#include "format/parse_error.hpp"
#include "util/error.hpp"

namespace vscsi::app {

template <class F>
auto result_of(F&& f) -> Result<std::invoke_result_t<F>> {
    try {
        return f();
    } catch (const UserError& e) {
        return e.error();
    } catch (const DataError& e) {
        return Error{ErrorKind::bad_data, e.what(), ""};
    } catch (const std::exception& e) {
        return Error{ErrorKind::failure, e.what(), ""};
    }
}

}  // namespace vscsi::app
