#include "KeyCommands.h"

#include <QJsonArray>
#include <QJsonObject>

#include "Cli.h"
#include "Session.h"
#include "usage/KeyPolicy.h"

namespace ar::tare {

namespace {

const QString kKeysUsage = QStringLiteral(
    "Usage: tare api keys <command>\n\n"
    "Commands:\n"
    "  create --name N [--models LIST] [--budget USD --period day|week|month|total]\n"
    "         [--rpm N] [--tpm N] [--max-concurrent N] [--expires TIME]\n"
    "                  Mint a gateway key; the key is printed once, on stdout\n"
    "  list            Keys (never their secrets)\n"
    "  show ID         One key and its policy\n"
    "  revoke ID       Revoke a key: it stops working at once\n"
    "  rotate ID       New secret for the same key, printed once; the old one stops working\n\n"
    "Every command takes --url URL, --json and --help.\n");

// "gpt-4o*,claude-*; $5/day; 60 rpm; expires 2026-12-31T00:00:00Z" for tables.
QString policySummary(const QJsonObject& p) {
    QStringList parts;
    QStringList models;
    for (const QJsonValue m : p.value(QStringLiteral("models")).toArray()) models << m.toString();
    if (!models.isEmpty()) parts << models.join(QLatin1Char(','));
    if (p.contains(QStringLiteral("budget_usd")))
        parts
            << QStringLiteral("$%1/%2")
                   .arg(p.value(QStringLiteral("budget_usd")).toDouble())
                   .arg(p.value(QStringLiteral("budget_period")).toString(QStringLiteral("month")));
    for (const char* limit : {"rpm", "tpm", "max_concurrent"})
        if (p.value(QLatin1String(limit)).toDouble() > 0)
            parts << QStringLiteral("%1 %2")
                         .arg(p.value(QLatin1String(limit)).toDouble())
                         .arg(QString::fromLatin1(limit).replace(QLatin1Char('_'),
                                                                 QLatin1Char('-')));
    if (p.contains(QStringLiteral("expires_at")))
        parts << QStringLiteral("expires ") + p.value(QStringLiteral("expires_at")).toString();
    return parts.isEmpty() ? QStringLiteral("-") : parts.join(QStringLiteral("; "));
}

QStringList keyRow(const QJsonObject& k) {
    return {k.value(QStringLiteral("id")).toString(), k.value(QStringLiteral("name")).toString(),
            k.value(QStringLiteral("created_at")).toString(),
            k.value(QStringLiteral("revoked")).toBool() ? QStringLiteral("revoked")
                                                        : QStringLiteral("active"),
            policySummary(k.value(QStringLiteral("policy")).toObject())};
}

const QStringList kKeyHeader{QStringLiteral("ID"), QStringLiteral("NAME"),
                             QStringLiteral("CREATED"), QStringLiteral("STATUS"),
                             QStringLiteral("POLICY")};

void addKeyRow(Table& t, const QJsonObject& k) {
    t.toneColumn = 3;
    t.add(keyRow(k), k.value(QStringLiteral("revoked")).toBool() ? Tone::Bad : Tone::Good);
}

// A freshly minted or rotated key: the secret alone on stdout (so `$(tare ...)` captures it),
// the explanation on stderr; or the whole answer as JSON.
int printIssued(const Command& cmd, const QJsonObject& answer, const QString& note) {
    if (cmd.json()) {
        printJson(answer);
    } else {
        err(note);
        out(answer.value(QStringLiteral("secret")).toString() + QLatin1Char('\n'));
    }
    return kOk;
}

}  // namespace

int runKeys(const QStringList& args) {
    QStringList rest = args;
    const QString sub = rest.isEmpty() ? QString() : rest.takeFirst();
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h") ||
        sub == QLatin1String("help")) {
        out(kKeysUsage);
        return kOk;
    }
    const QStringList known{QStringLiteral("create"), QStringLiteral("list"),
                            QStringLiteral("show"), QStringLiteral("revoke"),
                            QStringLiteral("rotate")};
    if (!known.contains(sub)) {
        err(sub.isEmpty() ? QStringLiteral("tare api keys: missing command")
                          : QStringLiteral("tare api keys: unknown command '%1'").arg(sub));
        err(kKeysUsage);
        return kUsage;
    }
    const QHash<QString, QString> descriptions{
        {QStringLiteral("create"), QStringLiteral("Mint a gateway key. The key is printed exactly "
                                                  "once (stdout); copy it then.")},
        {QStringLiteral("list"), QStringLiteral("List gateway keys (never their secrets).")},
        {QStringLiteral("show"), QStringLiteral("Show one key and its policy.")},
        {QStringLiteral("revoke"), QStringLiteral("Revoke a key; it stops working at once.")},
        {QStringLiteral("rotate"), QStringLiteral("Give a key a new secret (printed once); the "
                                                  "old one stops working.")}};
    Command cmd(QStringLiteral("api keys ") + sub, descriptions.value(sub));
    cmd.addGatewayOptions();
    cmd.addJsonOption();
    QCommandLineParser& p = cmd.parser();
    const bool create = sub == QLatin1String("create");
    if (create) {
        p.addOption({QStringLiteral("name"), QStringLiteral("Name of the key (required)."),
                     QStringLiteral("NAME")});
        p.addOption({QStringLiteral("models"),
                     QStringLiteral("Allowed models, comma-separated; * and ? match."),
                     QStringLiteral("LIST")});
        p.addOption({QStringLiteral("budget"), QStringLiteral("Budget in USD per period."),
                     QStringLiteral("USD")});
        p.addOption({QStringLiteral("period"),
                     QStringLiteral("Budget period: day, week, month (default) or total."),
                     QStringLiteral("PERIOD")});
        p.addOption(
            {QStringLiteral("rpm"), QStringLiteral("Requests per minute."), QStringLiteral("N")});
        p.addOption(
            {QStringLiteral("tpm"), QStringLiteral("Tokens per minute."), QStringLiteral("N")});
        p.addOption({QStringLiteral("max-concurrent"), QStringLiteral("Concurrent requests."),
                     QStringLiteral("N")});
        p.addOption({QStringLiteral("expires"),
                     QStringLiteral("Expiry, ISO 8601 (2026-12-31T00:00:00Z)."),
                     QStringLiteral("TIME")});
        p.addOption({QStringLiteral("keep-in-keychain"),
                     QStringLiteral("Also keep the key in the gateway machine's keychain, so the "
                                    "window can copy it again.")});
    } else if (sub != QLatin1String("list")) {
        p.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Key id."));
    }
    const int positionals = create || sub == QLatin1String("list") ? 0 : 1;
    if (!cmd.parse(rest, positionals, positionals)) return kUsage;

    // Everything the command line can get wrong is checked before any network call.
    QJsonObject createBody;
    if (create) {
        const QString name = cmd.value(QStringLiteral("name")).trimmed();
        if (name.isEmpty())
            return usageError(cmd.name(), QStringLiteral("--name NAME is required"));
        if (cmd.isSet(QStringLiteral("period")) && !cmd.isSet(QStringLiteral("budget")))
            return usageError(cmd.name(), QStringLiteral("--period needs --budget"));
        QHash<QString, QString> flags;
        for (const char* f :
             {"models", "budget", "period", "rpm", "tpm", "max-concurrent", "expires"})
            flags.insert(QLatin1String(f), cmd.value(QLatin1String(f)));
        const auto policy = keyPolicyFromFlags(flags);
        if (!policy) return usageError(cmd.name(), policy.error().message);
        createBody = QJsonObject{
            {QStringLiteral("name"), name},
            {QStringLiteral("policy"), policy.value()},
            {QStringLiteral("store_in_keychain"), cmd.isSet(QStringLiteral("keep-in-keychain"))}};
    }

    Logins logins(cmd.value(QStringLiteral("secrets-file")));
    int code = kOk;
    const std::optional<Session> session = openSession(cmd, logins, code);
    if (!session) return code;
    const QString id = positionals ? cmd.positional().first() : QString();
    const QString idPath =
        QStringLiteral("/keys/") + QString::fromLatin1(QUrl::toPercentEncoding(id));

    if (create) {
        const HttpReply r = adminCall(*session, "POST", QStringLiteral("/keys"), createBody);
        if (!r.ok()) return reportFailure(cmd, *session, r);
        const QJsonObject key = r.json().value(QStringLiteral("key")).toObject();
        return printIssued(cmd, r.json(),
                           QStringLiteral("Created key %1 '%2'. Copy it now: it is shown only "
                                          "once.")
                               .arg(key.value(QStringLiteral("id")).toString(),
                                    key.value(QStringLiteral("name")).toString()));
    }
    if (sub == QLatin1String("list")) {
        const HttpReply r = adminCall(*session, "GET", QStringLiteral("/keys"));
        if (!r.ok()) return reportFailure(cmd, *session, r);
        if (cmd.json()) return printJson(r.json()), kOk;
        Table t;
        t.header = kKeyHeader;
        for (const QJsonValue k : r.json().value(QStringLiteral("data")).toArray())
            addKeyRow(t, k.toObject());
        out(t.render());
        return kOk;
    }
    if (sub == QLatin1String("show")) {
        const HttpReply r = adminCall(*session, "GET", idPath);
        if (!r.ok()) return reportFailure(cmd, *session, r);
        if (cmd.json()) return printJson(r.json()), kOk;
        const QStringList row = keyRow(r.json());
        Table t;
        t.header = {QStringLiteral("FIELD"), QStringLiteral("VALUE")};
        for (int i = 0; i < kKeyHeader.size(); ++i) t.add({kKeyHeader[i].toLower(), row[i]});
        out(t.render());
        return kOk;
    }
    if (sub == QLatin1String("revoke")) {
        const HttpReply r = adminCall(*session, "DELETE", idPath);
        if (!r.ok()) return reportFailure(cmd, *session, r);
        if (cmd.json()) return printJson(r.json()), kOk;
        out(QStringLiteral("Revoked key %1.\n").arg(id));
        return kOk;
    }
    const HttpReply r = adminCall(*session, "POST", idPath + QStringLiteral("/rotate"));
    if (!r.ok()) return reportFailure(cmd, *session, r);
    return printIssued(cmd, r.json(),
                       QStringLiteral("Rotated key %1: the old secret no longer works. Copy the "
                                      "new one now: it is shown only once.")
                           .arg(id));
}

}  // namespace ar::tare
