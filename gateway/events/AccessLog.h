#pragma once

#include <QObject>

#include "events/RequestEvent.h"

class QIODevice;

namespace ar {

class EventBus;

// One concise line per finished request (serve mode writes it to stderr). Keys appear only
// as their id; bodies and credentials never appear.
class AccessLog : public QObject {
    Q_OBJECT
public:
    AccessLog(EventBus* bus, QIODevice* out, QObject* parent = nullptr);
    static QByteArray formatLine(const RequestEvent& e);

private:
    void onEvent(const RequestEvent& e);
    QIODevice* m_out;
};

}  // namespace ar
