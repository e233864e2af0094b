#pragma once

#include <QStringList>

namespace ar::app {

// Each returns the process exit code: 0 ok, 1 failure, 2 usage or config error.
int runServe(const QStringList& args);
int runKeys(const QStringList& args);
void printUsage();

}  // namespace ar::app
