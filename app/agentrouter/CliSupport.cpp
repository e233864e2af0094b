#include "CliSupport.h"

#include <cstdio>
#include <cstdlib>

#include "config/Config.h"

namespace ar::app {

void err(const QString& message) { std::fputs(qPrintable(message + QLatin1Char('\n')), stderr); }

void addCommonOptions(QCommandLineParser& p) {
    p.addHelpOption();
    p.addOption({QStringLiteral("config"), QStringLiteral("Config file (default: %1).").arg(defaultConfigPath()),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("data-dir"), QStringLiteral("Data folder (default: %1).").arg(defaultDataDir()),
                 QStringLiteral("DIR")});
}

bool parse(QCommandLineParser& p, const QString& command, const QStringList& args) {
    if (!p.parse(QStringList{QStringLiteral("agentrouter ") + command} + args)) {
        err(QStringLiteral("agentrouter %1: %2").arg(command, p.errorText()));
        return false;
    }
    if (p.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(p.helpText()), stdout);
        std::exit(0);
    }
    return true;
}

QString dataDir(const QCommandLineParser& p) {
    const QString d = p.value(QStringLiteral("data-dir"));
    return d.isEmpty() ? defaultDataDir() : d;
}

}  // namespace ar::app
