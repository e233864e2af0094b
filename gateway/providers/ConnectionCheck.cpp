#include "providers/ConnectionCheck.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrlQuery>

#include "providers/TranslatorFactory.h"
#include "upstream/UpstreamPool.h"

namespace ar {

Result<UpstreamRequest> connectionCheckRequest(const ProviderConfig& provider) {
    auto translator = makeTranslator(provider, Endpoint::ChatCompletions);
    if (!translator) return translator.error();
    // A minimal chat request only to learn the URL scheme and auth headers this provider uses.
    const QJsonObject probe{
        {QStringLiteral("model"), QStringLiteral("probe")},
        {QStringLiteral("messages"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("content"), QStringLiteral("ping")}}}}};
    auto built = translator.value()->buildRequest(probe, QStringLiteral("probe"));
    if (!built) return built.error();
    UpstreamRequest out = built.value();
    out.method = "GET";
    out.body.clear();
    out.stream = false;
    for (qsizetype i = out.headers.size() - 1; i >= 0; --i)
        if (out.headers[i].first.compare("content-type", Qt::CaseInsensitive) == 0)
            out.headers.removeAt(i);
    QUrl url = provider.baseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/'))) path.chop(1);
    if (provider.type == QLatin1String("azure")) {
        url.setPath(path + QStringLiteral("/openai/models"));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("api-version"), provider.apiVersion.isEmpty()
                                                          ? QStringLiteral("2024-10-21")
                                                          : provider.apiVersion);
        url.setQuery(q);
    } else {
        url.setPath(path + QStringLiteral("/models"));
        url.setQuery(QString());
    }
    out.url = url;
    return out;
}

namespace {

int countModels(const QByteArray& body) {
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    for (const char* field : {"data", "models"})  // OpenAI and Anthropic: data; Gemini: models
        if (o.value(QLatin1String(field)).isArray())
            return int(o.value(QLatin1String(field)).toArray().size());
    return -1;
}

// One check in the checker's thread: sends, collects, reports, deletes itself.
class CheckRun : public QObject, private UpstreamListener {
public:
    CheckRun(UpstreamPool* pool, const ProviderConfig& provider, ConnectionChecker::Callback done,
             QObject* parent)
        : QObject(parent), m_provider(provider), m_done(std::move(done)) {
        m_clock.start();
        auto request = connectionCheckRequest(provider);
        if (!request) {
            report({false, 0, -1, -1, request.error().message});
            return;
        }
        m_call = pool->send(request.value(), ConnectionChecker::kTimeoutMs, this, this);
    }

private:
    void upstreamHead(int) override {}
    void upstreamData(const QByteArray& data) override {
        if (m_body.size() < 4 * 1024 * 1024) m_body += data;
    }
    void upstreamFinished() override { onFinished(m_call ? m_call->status() : 502); }
    void upstreamFailed(const UpstreamFailure& f) override {
        report({false, 0, m_clock.elapsed(), -1,
                f.kind == UpstreamFailure::Kind::Timeout
                    ? QStringLiteral("No answer within %1 s.").arg(ConnectionChecker::kTimeoutMs / 1000)
                    : f.message});
    }

    void onFinished(int status) {
        ConnectionCheckResult r;
        r.status = status;
        r.latencyMs = m_clock.elapsed();
        if (status >= 200 && status < 300) {
            r.ok = true;
            r.models = countModels(m_body);
            r.message = r.models < 0 ? QStringLiteral("Connected")
                        : r.models == 1
                            ? QStringLiteral("Connected: 1 model available")
                            : QStringLiteral("Connected: %1 models available").arg(r.models);
        } else if (auto translator = makeTranslator(m_provider, Endpoint::ChatCompletions)) {
            // The provider's own words, in its error format, without the credential.
            r.message = translator.value()->translateError(status, m_body).message;
        } else {
            r.message = QStringLiteral("HTTP %1").arg(status);
        }
        report(r);
    }

    void report(const ConnectionCheckResult& r) {
        if (m_reported) return;
        m_reported = true;
        m_done(r);
        deleteLater();  // also aborts the call if it is still running
    }

    ProviderConfig m_provider;
    ConnectionChecker::Callback m_done;  // posts back to the caller's thread
    QElapsedTimer m_clock;
    QByteArray m_body;
    QPointer<UpstreamCall> m_call;
    bool m_reported = false;
};

}  // namespace

ConnectionChecker::ConnectionChecker(QObject* parent) : QObject(parent), m_worker(new QObject) {
    m_thread.setObjectName(QStringLiteral("connection-check"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

ConnectionChecker::~ConnectionChecker() {
    m_thread.quit();
    m_thread.wait();
}

void ConnectionChecker::check(const ProviderConfig& provider, QObject* context, Callback done) {
    // The answer is relayed through this object (the caller's thread), where `context` can
    // safely be checked; events for a checker that is gone are dropped with it.
    QPointer<QObject> guard(context);
    ConnectionChecker* self = this;
    Callback relay = [self, guard, done](ConnectionCheckResult r) {
        QMetaObject::invokeMethod(
            self,
            [guard, done, r] {
                if (guard) done(r);
            },
            Qt::QueuedConnection);
    };
    QObject* worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, provider, relay] {
            // The pool is created in the worker's thread, on first use, and lives with it.
            auto* pool = worker->findChild<UpstreamPool*>();
            if (!pool) pool = new UpstreamPool(worker);
            new CheckRun(pool, provider, relay, worker);
        },
        Qt::QueuedConnection);
}

}  // namespace ar
