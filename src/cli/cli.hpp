#pragma once

namespace vscsi {

// The whole command line interface; returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace vscsi
