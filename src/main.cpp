#include "cli/cli.hpp"

int main(int argc, char** argv) {
    return vscsi::run_cli(argc, argv);
}
