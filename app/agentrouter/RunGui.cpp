#include "RunGui.h"

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QTimer>
#include <cstdio>

#include "Icons.h"
#include "MainWindow.h"
#include "TrayIcon.h"
#include "admin/AdminServices.h"
#include "config/Config.h"
#include "core/Gateway.h"
#include "models/AppSettings.h"
#include "models/GatewayController.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretEntries.h"

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

    // The keychain's provider credentials and admin token: the admin API, and with it sign-ins
    // such as `tare api login`, needs the token. Read in the background; nothing waits for it.
    KeychainSecretStore secrets(secretentry::kService);
    Gateway gateway(config, defaultDataDir());
    gateway.admin()->setSecretStore(&secrets);
    gateway.admin()->loadSecrets(gateway.config(), [](const QStringList& warnings) {
        for (const QString& w : warnings) std::fprintf(stderr, "%s\n", qPrintable(w));
    });
    gui::MainWindow window(&gateway, gateway.usage());
    window.restoreWindowState();
    QObject::connect(&window, &gui::MainWindow::quitRequested, &app, &QApplication::quit, Qt::QueuedConnection);

    const bool minimised = settings.startMinimised() && window.tray()->available();
    window.tray()->show();
    if (!minimised) window.show();
    if (!window.tray()->available()) QApplication::setQuitOnLastWindowClosed(true);

    // Start once the event loop runs, so the window paints first; start() only binds and
    // spawns the worker threads.
    QTimer::singleShot(0, window.controller(), [&window, configErrors, configPath] {
        if (!configErrors.isEmpty()) {
            for (const QString& e : configErrors) std::fprintf(stderr, "config error: %s\n", qPrintable(e));
            auto* box = new QMessageBox(QMessageBox::Warning, QObject::tr("Configuration"),
                                        QObject::tr("%1 has problems; running with no providers:\n\n%2")
                                            .arg(configPath, configErrors.join(QLatin1Char('\n'))),
                                        QMessageBox::Ok, &window);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
        window.controller()->start();
    });
    const int rc = QApplication::exec();
    window.saveWindowState();
    gateway.stop();
    return rc;
}

}  // namespace ar::app
