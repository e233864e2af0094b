#include "common/LocalGateway.h"

#include <QFile>

#include "config/Config.h"

namespace ar::cli {

QString localGatewayOrigin(const QString& configPath) {
    const QString path = configPath.isEmpty() ? defaultConfigPath() : configPath;
    ServerSettings server;
    if (QFile::exists(path)) {
        ConfigLoad load = loadConfigFile(path);
        if (load.ok()) server = load.config.server;
    }
    QString host = server.bind;
    // The admin API answers loopback only: a wildcard bind is reached on the loopback address.
    if (host == QLatin1String("0.0.0.0") || host == QLatin1String("localhost"))
        host = QStringLiteral("127.0.0.1");
    if (host == QLatin1String("::")) host = QStringLiteral("::1");
    if (host.contains(QLatin1Char(':'))) host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2").arg(host).arg(server.port);
}

}  // namespace ar::cli
