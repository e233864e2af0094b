#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

namespace ar::app {

// What every agentrouter subcommand shares: messages on stderr, --help, --config and
// --data-dir, and one way to report a usage error.
void err(const QString& message);
void addCommonOptions(QCommandLineParser& parser);
// Parses args for `agentrouter <command>`; false (after printing why) on a usage error.
bool parse(QCommandLineParser& parser, const QString& command, const QStringList& args);
QString dataDir(const QCommandLineParser& parser);

}  // namespace ar::app
