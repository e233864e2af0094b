#include <QCoreApplication>
#include <cstdio>

#include "Commands.h"
#include "DeviceCommands.h"
#include "RunGui.h"
#include "SecretCommands.h"

int main(int argc, char** argv) {
    // No arguments opens the window. Decide before any application object exists: every
    // subcommand (serve, keys, ...) must keep working without a display.
    if (argc <= 1) return ar::app::runGui(argc, argv);
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("agentrouter"));
    QCoreApplication::setApplicationName(QStringLiteral("agentrouter"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AR_VERSION));

    QStringList args = app.arguments().mid(1);
    const QString command = args.isEmpty() ? QString() : args.takeFirst();
    if (command == QLatin1String("serve")) return ar::app::runServe(args);
    if (command == QLatin1String("keys") && ar::app::isKeyAdminCommand(args)) return ar::app::runKeyAdmin(args);
    if (command == QLatin1String("keys")) return ar::app::runKeys(args);
    if (command == QLatin1String("providers")) return ar::app::runProviders(args);
    if (command == QLatin1String("admin-token")) return ar::app::runAdminToken(args);
    if (command == QLatin1String("approve") || command == QLatin1String("deny"))
        return ar::app::runDeviceDecision(command, args);
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
