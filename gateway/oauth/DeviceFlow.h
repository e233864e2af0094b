#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QObject>

#include "core/Result.h"
#include "oauth/AccessTokens.h"
#include "usage/Clock.h"

namespace ar {

struct DeviceFlowSettings {
    int codeLifetimeSecs = 600;                   // RFC 8628 expires_in of a device code
    int pollIntervalSecs = 5;                     // the minimum time between two polls
    qint64 tokenLifetimeSecs = 30LL * 24 * 3600;  // an access token lasts 30 days
    int maxPending = 10;                          // undecided codes (and dialogs) at once
};

// What the device authorization endpoint answers (RFC 8628 section 3.2).
struct DeviceAuthorization {
    QByteArray deviceCode;  // the client's secret handle for polling
    QString userCode;       // "WDJB-MJHT": what the user compares and approves
    int expiresIn = 0;
    int interval = 0;
};

// A request the user is asked about: which client wants what, until when.
struct DeviceRequest {
    QString userCode;
    QString clientId;
    QString scope;
    QDateTime createdAt;
    QDateTime expiresAt;

    QJsonObject toJson() const;
};

// The OAuth 2.0 device authorization grant (RFC 8628) with the gateway as authorization server:
// a client asks for a code pair, the user approves or denies the user code (in the window,
// with `agentrouter approve CODE` or through the admin API), and the client's polls of the token
// endpoint get the RFC's answers until an access token for the admin API is granted.
//
// Thread-safe: worker threads start and poll, the admin API and the GUI decide. Errors are
// ApiErrors whose `code` is the RFC 6749 / 8628 error name ("authorization_pending",
// "slow_down", "access_denied", "expired_token", "invalid_grant", ...) and whose message is the
// error_description. Signals are emitted from whichever thread made the change.
class DeviceFlow : public QObject {
    Q_OBJECT
public:
    explicit DeviceFlow(QObject* parent = nullptr);

    void setSettings(const DeviceFlowSettings& settings);
    DeviceFlowSettings settings() const;
    void setClock(Clock clock);  // also the tokens' clock; tests move time instead of sleeping
    AccessTokens& tokens() { return m_tokens; }

    Result<DeviceAuthorization> start(const QString& clientId, const QString& scope);
    Result<IssuedAccessToken> exchange(QByteArrayView deviceCode, const QString& clientId);

    // The user's decision on a code ("wdjbmjht" and "WDJB-MJHT" are the same code).
    Result<DeviceRequest> approve(const QString& userCode);
    Result<DeviceRequest> deny(const QString& userCode);
    QList<DeviceRequest> pending() const;  // undecided and unexpired, oldest first

    static QString normalizeUserCode(const QString& typed);

Q_SIGNALS:
    void authorizationRequested(const QString& userCode, const QString& clientId,
                                const QString& scope);
    // Approved or denied (by anyone), so a dialog still asking can close.
    void authorizationDecided(const QString& userCode, bool approved);

private:
    enum class State { Pending, Approved, Denied };
    struct Entry {
        DeviceRequest request;
        QByteArray deviceCodeHash;
        State state = State::Pending;
        QDateTime lastPoll;
        int intervalSecs = 0;
    };

    Result<DeviceRequest> decide(const QString& userCode, State decision);
    void prune(const QDateTime& now);  // caller holds m_mutex

    mutable QMutex m_mutex;
    DeviceFlowSettings m_settings;
    Clock m_clock = systemClock();
    QHash<QString, Entry> m_byUserCode;
    QHash<QByteArray, QString> m_userCodeByDevice;  // SHA-256 of the device code -> user code
    AccessTokens m_tokens;
};

}  // namespace ar
