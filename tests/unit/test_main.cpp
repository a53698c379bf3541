// Catch2's main lives alone in an unoptimised library: it is the slowest TU.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
