#pragma once

#include <QObject>
#include <QString>

namespace ar {
struct Config;
}

namespace ar::gui {

// Desktop preferences kept in QSettings: listen address overrides applied to the config when
// the gateway starts, and whether to start minimised to the tray.
class AppSettings : public QObject {
    Q_OBJECT
public:
    explicit AppSettings(QObject* parent = nullptr);

    QString bind() const;  // empty: the config's
    int port() const;      // -1: the config's
    bool startMinimised() const;

    void setServer(const QString& bind, int port);
    void setStartMinimised(bool on);

    // Overrides config.server with the saved bind and port, if any.
    void applyTo(Config& config) const;

    // Empty when `bind` is an IP address (or "localhost"), else what is wrong.
    static QString validateBind(const QString& bind);

Q_SIGNALS:
    void changed();
};

}  // namespace ar::gui
