#include "oauth/DeviceFlow.h"

#include <openssl/rand.h>

#include <QMutexLocker>

#include "auth/ApiKey.h"

namespace ar {

namespace {

// RFC 8628 section 6.1: no vowels (no words), no easily confused characters; 20^8 codes.
constexpr char kUserCodeAlphabet[] = "BCDFGHJKLMNPQRSTVWXZ";
constexpr int kUserCodeLength = 8;
// A client whose timer fires a little early is not "too fast".
constexpr qint64 kPollToleranceMs = 100;

ApiError oauthError(const QString& error, const QString& description, int status = 400) {
    return ApiError{status, description, QStringLiteral("oauth_error"), {}, error};
}

ApiError userCodeError(int status, const QString& code, const QString& message) {
    return ApiError{status, message, QStringLiteral("invalid_request_error"),
                    QStringLiteral("user_code"), code};
}

QString randomUserCode() {
    unsigned char bytes[kUserCodeLength];
    RAND_bytes(bytes, sizeof bytes);
    QString code;
    for (int i = 0; i < kUserCodeLength; ++i) {
        if (i == kUserCodeLength / 2) code += QLatin1Char('-');
        // 256 % 20 != 0 biases a few letters by under 1%: irrelevant for a code that is compared
        // by eye and expires in minutes.
        code += QLatin1Char(kUserCodeAlphabet[bytes[i] % (sizeof kUserCodeAlphabet - 1)]);
    }
    return code;
}

QString iso(const QDateTime& t) { return t.toUTC().toString(Qt::ISODate); }

}  // namespace

QJsonObject DeviceRequest::toJson() const {
    return QJsonObject{{QStringLiteral("object"), QStringLiteral("oauth.device_request")},
                       {QStringLiteral("user_code"), userCode},
                       {QStringLiteral("client_id"), clientId},
                       {QStringLiteral("scope"), scope},
                       {QStringLiteral("created_at"), iso(createdAt)},
                       {QStringLiteral("expires_at"), iso(expiresAt)}};
}

DeviceFlow::DeviceFlow(QObject* parent) : QObject(parent) {}

void DeviceFlow::setSettings(const DeviceFlowSettings& settings) {
    QMutexLocker lock(&m_mutex);
    m_settings = settings;
}

DeviceFlowSettings DeviceFlow::settings() const {
    QMutexLocker lock(&m_mutex);
    return m_settings;
}

void DeviceFlow::setClock(Clock clock) {
    QMutexLocker lock(&m_mutex);
    m_clock = clock;
    m_tokens.setClock(std::move(clock));
}

QString DeviceFlow::normalizeUserCode(const QString& typed) {
    QString letters;
    for (QChar c : typed)
        if (c.isLetterOrNumber()) letters += c.toUpper();
    if (letters.size() != kUserCodeLength) return letters;
    return letters.left(kUserCodeLength / 2) + QLatin1Char('-') + letters.mid(kUserCodeLength / 2);
}

void DeviceFlow::prune(const QDateTime& now) {
    // Expired entries stay one more lifetime so late polls hear "expired_token", not "unknown".
    const qint64 grace = m_settings.codeLifetimeSecs;
    for (auto it = m_byUserCode.begin(); it != m_byUserCode.end();) {
        if (it->request.expiresAt.addSecs(grace) <= now) {
            m_userCodeByDevice.remove(it->deviceCodeHash);
            it = m_byUserCode.erase(it);
        } else {
            ++it;
        }
    }
}

Result<DeviceAuthorization> DeviceFlow::start(const QString& clientId, const QString& scope) {
    if (clientId.trimmed().isEmpty())
        return oauthError(QStringLiteral("invalid_request"),
                          QStringLiteral("The client_id parameter is required."));
    DeviceAuthorization out;
    Entry entry;
    {
        QMutexLocker lock(&m_mutex);
        const QDateTime now = m_clock();
        prune(now);
        int undecided = 0;
        for (const Entry& e : m_byUserCode)
            undecided += e.state == State::Pending && e.request.expiresAt > now;
        if (undecided >= m_settings.maxPending)
            return oauthError(QStringLiteral("slow_down"),
                              QStringLiteral("Too many device codes wait for a decision; "
                                             "approve or deny them first."));
        do {
            entry.request.userCode = randomUserCode();
        } while (m_byUserCode.contains(entry.request.userCode));
        out.deviceCode = apikey::generate().secret;
        entry.deviceCodeHash = apikey::hashSecret(out.deviceCode);
        entry.request.clientId = clientId;
        entry.request.scope = scope;
        entry.request.createdAt = now;
        entry.request.expiresAt = now.addSecs(m_settings.codeLifetimeSecs);
        entry.intervalSecs = m_settings.pollIntervalSecs;
        out.userCode = entry.request.userCode;
        out.expiresIn = m_settings.codeLifetimeSecs;
        out.interval = m_settings.pollIntervalSecs;
        m_userCodeByDevice.insert(entry.deviceCodeHash, out.userCode);
        m_byUserCode.insert(out.userCode, entry);
    }
    Q_EMIT authorizationRequested(out.userCode, clientId, scope);
    return out;
}

Result<IssuedAccessToken> DeviceFlow::exchange(QByteArrayView deviceCode, const QString& clientId) {
    QMutexLocker lock(&m_mutex);
    const QDateTime now = m_clock();
    prune(now);
    const auto user = m_userCodeByDevice.constFind(apikey::hashSecret(deviceCode));
    if (user == m_userCodeByDevice.cend())
        return oauthError(QStringLiteral("invalid_grant"),
                          QStringLiteral("Unknown device code, or one that was already used."));
    Entry& entry = m_byUserCode[*user];
    if (entry.request.clientId != clientId)
        return oauthError(QStringLiteral("invalid_grant"),
                          QStringLiteral("This device code was issued to another client."));
    if (entry.request.expiresAt <= now)
        return oauthError(QStringLiteral("expired_token"),
                          QStringLiteral("The device code expired before it was approved; "
                                         "start the login again."));
    if (entry.state == State::Denied)
        return oauthError(QStringLiteral("access_denied"),
                          QStringLiteral("The request was denied."));
    if (entry.state == State::Pending) {
        const bool tooSoon =
            entry.lastPoll.isValid() &&
            entry.lastPoll.msecsTo(now) + kPollToleranceMs < qint64(entry.intervalSecs) * 1000;
        entry.lastPoll = now;
        if (tooSoon) {
            entry.intervalSecs += 5;  // RFC 8628 section 3.5, for this and every later poll
            return oauthError(QStringLiteral("slow_down"),
                              QStringLiteral("Polling too fast: wait %1 seconds between polls.")
                                  .arg(entry.intervalSecs));
        }
        return oauthError(
            QStringLiteral("authorization_pending"),
            QStringLiteral("Waiting for the user to approve code %1.").arg(entry.request.userCode));
    }
    // Approved: one token, and the device code is spent.
    const DeviceRequest request = entry.request;
    m_userCodeByDevice.erase(user);
    m_byUserCode.remove(request.userCode);
    const qint64 lifetime = m_settings.tokenLifetimeSecs;
    lock.unlock();
    auto issued = m_tokens.issue(request.clientId, request.scope, lifetime);
    if (!issued) return oauthError(QStringLiteral("server_error"), issued.error().message, 500);
    return issued;
}

Result<DeviceRequest> DeviceFlow::approve(const QString& userCode) {
    return decide(userCode, State::Approved);
}

Result<DeviceRequest> DeviceFlow::deny(const QString& userCode) {
    return decide(userCode, State::Denied);
}

Result<DeviceRequest> DeviceFlow::decide(const QString& userCode, State decision) {
    const QString code = normalizeUserCode(userCode);
    DeviceRequest request;
    {
        QMutexLocker lock(&m_mutex);
        const QDateTime now = m_clock();
        prune(now);
        const auto it = m_byUserCode.find(code);
        if (it == m_byUserCode.end())
            return userCodeError(404, QStringLiteral("user_code_not_found"),
                                 QStringLiteral("No login waits for code '%1'.").arg(userCode));
        if (it->request.expiresAt <= now)
            return userCodeError(400, QStringLiteral("user_code_expired"),
                                 QStringLiteral("Code %1 has expired.").arg(code));
        if (it->state != State::Pending)
            return userCodeError(
                409, QStringLiteral("user_code_already_decided"),
                QStringLiteral("Code %1 was already %2.")
                    .arg(code, it->state == State::Approved ? QStringLiteral("approved")
                                                            : QStringLiteral("denied")));
        it->state = decision;
        request = it->request;
    }
    Q_EMIT authorizationDecided(request.userCode, decision == State::Approved);
    return request;
}

QList<DeviceRequest> DeviceFlow::pending() const {
    QList<DeviceRequest> out;
    {
        QMutexLocker lock(&m_mutex);
        const QDateTime now = m_clock();
        for (const Entry& e : m_byUserCode)
            if (e.state == State::Pending && e.request.expiresAt > now) out.append(e.request);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.userCode < b.userCode;
    });
    return out;
}

}  // namespace ar
