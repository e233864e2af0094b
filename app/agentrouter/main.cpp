#include <QCoreApplication>
#include <cstdio>

#include "Commands.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("agentrouter"));
    QCoreApplication::setApplicationName(QStringLiteral("agentrouter"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AR_VERSION));

    QStringList args = app.arguments().mid(1);
    const QString command = args.isEmpty() ? QString() : args.takeFirst();
    if (command == QLatin1String("serve")) return ar::app::runServe(args);
    if (command == QLatin1String("keys")) return ar::app::runKeys(args);
    if (command == QLatin1String("--version") || command == QLatin1String("version")) {
        std::printf("agentrouter %s\n", AR_VERSION);
        return 0;
    }
    if (command == QLatin1String("--help") || command == QLatin1String("help")) {
        ar::app::printUsage();
        return 0;
    }
    ar::app::printUsage();
    return 2;
}
