#include "RunGui.h"

// The window and tray icon (also what `agentrouter` with no arguments runs).
int main(int argc, char** argv) { return ar::app::runGui(argc, argv); }
