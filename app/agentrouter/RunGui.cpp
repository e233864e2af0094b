#include "RunGui.h"

#include <QApplication>
#include <QFile>
#include <QTimer>
#include <cstdio>

#include "Icons.h"
#include "MainWindow.h"
#include "SecretCommands.h"
#include "TrayIcon.h"
#include "admin/AdminServices.h"
#include "config/Config.h"
#include "core/Gateway.h"
#include "models/AppSettings.h"
#include "models/GatewayController.h"
#include "secrets/SecretStore.h"

namespace ar::app {

int runGui(int argc, char** argv) {
#if defined(Q_OS_LINUX)
    // Without a display QApplication aborts; say what to do instead.
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fputs("agentrouter: no display to open the window on. Run the gateway headless with "
                   "`agentrouter serve`; `agentrouter --help` lists the commands.\n",
                   stderr);
        return 2;
    }
#endif
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("agentrouter"));
    QApplication::setApplicationName(QStringLiteral("agentrouter"));
    QApplication::setApplicationDisplayName(QStringLiteral("Agent Router"));
    QApplication::setApplicationVersion(QStringLiteral(AR_VERSION));
    QApplication::setQuitOnLastWindowClosed(false);  // the tray keeps the gateway running
    gui::initResources();

    Config config;
    QStringList configErrors;
    const QString configPath = defaultConfigPath();
    if (QFile::exists(configPath)) {
        ConfigLoad load = loadConfigFile(configPath);
        if (load.ok()) config = std::move(load.config);
        for (const ConfigError& e : load.errors) configErrors << e.toString();
    }
    gui::AppSettings settings;
    settings.applyTo(config);

    // The keychain, as `serve` uses it: provider credentials entered in the window go there.
    // Declared before the gateway, which keeps a pointer to it.
    std::unique_ptr<SecretStore> secrets = openSecretStore(QString());
    Gateway gateway(config, defaultDataDir());
    gateway.admin()->setSecretStore(secrets.get());
    gui::MainWindow window(&gateway, gateway.usage());
    window.setConfigPath(configPath);
    window.restoreWindowState();
    QObject::connect(&window, &gui::MainWindow::quitRequested, &app, &QApplication::quit, Qt::QueuedConnection);

    const bool minimised = settings.startMinimised() && window.tray()->available();
    window.tray()->show();
    if (!minimised) window.show();
    if (!window.tray()->available()) QApplication::setQuitOnLastWindowClosed(true);

    // Once the event loop runs (the window paints first): read the keychain-held credentials and
    // the admin token (asynchronous, each call bounded by the keychain timeout), then start, the
    // way `serve` does. Problems go to the window's banner in plain words, and to stderr.
    QTimer::singleShot(0, window.controller(), [&window, configErrors, configPath] {
        if (!configErrors.isEmpty()) {
            QStringList warnings;
            for (const QString& e : configErrors) {
                std::fprintf(stderr, "config error: %s\n", qPrintable(e));
                warnings << QObject::tr("%1 has a problem, so the gateway runs with no providers: %2").arg(configPath, e);
            }
            window.addWarnings(warnings);
        }
        window.controller()->loadSecretsThenStart([&window](QStringList warnings) {
            for (const QString& w : warnings) std::fprintf(stderr, "%s\n", qPrintable(w));
            window.addWarnings(warnings);
        });
    });
    const int rc = QApplication::exec();
    window.saveWindowState();
    gateway.stop();
    return rc;
}

}  // namespace ar::app
