#pragma once

namespace ar::app {

// `agentrouter` with no arguments: opens the window and starts the gateway. Creates the
// QApplication itself, so subcommands never need a display.
int runGui(int argc, char** argv);

}  // namespace ar::app
