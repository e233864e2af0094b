#include <QCoreApplication>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

#include "Commands.h"
#include "DeviceCommands.h"
#include "SecretCommands.h"

namespace {

// No arguments opens the window: agentrouter-desktop from the same folder takes over this
// process, so this binary (and a headless gateway) never loads the GUI libraries.
int openWindow(char** argv) {
    char self[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    std::string dir = n > 0 ? std::string(self, size_t(n)) : std::string(argv[0]);
    dir = dir.substr(0, dir.find_last_of('/') + 1);
    const std::string desktop = dir + "agentrouter-desktop";
    char* const args[] = {const_cast<char*>(desktop.c_str()), nullptr};
    ::execv(desktop.c_str(), args);
    std::fprintf(stderr,
                 "agentrouter: cannot open the window: %s: %s. Run the gateway headless with "
                 "`agentrouter serve`; `agentrouter --help` lists the commands.\n",
                 desktop.c_str(), std::strerror(errno));
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    // Decided before any application object exists: every subcommand (serve, keys, ...) must
    // keep working without a display.
    if (argc <= 1) return openWindow(argv);
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
