#include "models/AppSettings.h"

#include <QHostAddress>
#include <QSettings>

#include "config/Config.h"

namespace ar::gui {

namespace {
const QString kBind = QStringLiteral("server/bind");
const QString kPort = QStringLiteral("server/port");
const QString kMinimised = QStringLiteral("window/startMinimised");
}  // namespace

AppSettings::AppSettings(QObject* parent) : QObject(parent) {}

QString AppSettings::bind() const { return QSettings().value(kBind).toString(); }
int AppSettings::port() const { return QSettings().value(kPort, -1).toInt(); }
bool AppSettings::startMinimised() const { return QSettings().value(kMinimised, false).toBool(); }

void AppSettings::setServer(const QString& bind, int port) {
    QSettings s;
    s.setValue(kBind, bind);
    s.setValue(kPort, port);
    Q_EMIT changed();
}

void AppSettings::setStartMinimised(bool on) {
    QSettings().setValue(kMinimised, on);
    Q_EMIT changed();
}

void AppSettings::applyTo(Config& config) const {
    if (const QString b = bind(); !b.isEmpty() && validateBind(b).isEmpty()) config.server.bind = b;
    if (const int p = port(); p >= 0 && p <= 65535) config.server.port = p;
}

QString AppSettings::validateBind(const QString& bind) {
    const QString b = bind.trimmed();
    if (b.isEmpty()) return tr("Enter an address, e.g. 127.0.0.1.");
    if (b == QLatin1String("localhost") || !QHostAddress(b).isNull()) return {};
    return tr("\"%1\" is not an IP address.").arg(b);
}

}  // namespace ar::gui
