#include "http/HeaderCollector.h"

namespace ar {

QByteArray HeaderCollector::lowerCased(QByteArrayView name) {
    static const QByteArray common[] = {
        QByteArrayLiteral("host"),           QByteArrayLiteral("content-type"),
        QByteArrayLiteral("content-length"), QByteArrayLiteral("authorization"),
        QByteArrayLiteral("user-agent"),     QByteArrayLiteral("accept"),
        QByteArrayLiteral("accept-encoding"), QByteArrayLiteral("connection"),
        QByteArrayLiteral("x-api-key"),      QByteArrayLiteral("transfer-encoding"),
        QByteArrayLiteral("date"),           QByteArrayLiteral("server"),
        QByteArrayLiteral("x-request-id"),   QByteArrayLiteral("cache-control"),
    };
    for (const QByteArray& known : common) {
        if (known.size() == name.size() && name.compare(known, Qt::CaseInsensitive) == 0) return known;
    }
    QByteArray out(name.size(), Qt::Uninitialized);
    char* d = out.data();
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char c = name[i];
        d[i] = c >= 'A' && c <= 'Z' ? char(c + ('a' - 'A')) : c;
    }
    return out;
}

}  // namespace ar
