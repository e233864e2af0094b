#include "ReportCommands.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrlQuery>
#include <algorithm>

#include "Cli.h"
#include "Session.h"

namespace ar::tare {

namespace {

// The usage counters of the admin API's usage rows, in the order tables and CSV show them.
const char* const kCounters[] = {"requests",           "errors",
                                 "prompt_tokens",      "cached_tokens",
                                 "cache_write_tokens", "completion_tokens",
                                 "reasoning_tokens",   "unknown_cost_requests"};

QString iso(const QDateTime& t) { return t.toUTC().toString(Qt::ISODate); }

QString costText(qint64 micros, qint64 unknown) {
    QString text = QStringLiteral("$%1").arg(double(micros) / 1e6, 0, 'f', 6);
    if (unknown > 0) text += QStringLiteral(" + %1 unpriced").arg(unknown);
    return text;
}

qint64 counter(const QJsonObject& row, const char* name) {
    return qint64(row.value(QLatin1String(name)).toDouble());
}

// Sums the time buckets of each group.
QList<QJsonObject> sumByGroup(const QJsonArray& rows) {
    QHash<QString, QJsonObject> sums;
    QStringList order;
    for (const QJsonValue v : rows) {
        const QJsonObject row = v.toObject();
        const QString group = row.value(QStringLiteral("group")).toString();
        if (!sums.contains(group)) {
            order << group;
            sums.insert(group, QJsonObject{{QStringLiteral("group"), group}});
        }
        QJsonObject& sum = sums[group];
        for (const char* c : kCounters)
            sum.insert(QLatin1String(c), double(counter(sum, c) + counter(row, c)));
        sum.insert(QStringLiteral("cost_micros"),
                   double(counter(sum, "cost_micros") + counter(row, "cost_micros")));
    }
    QList<QJsonObject> out;
    for (const QString& g : order) {
        QJsonObject o = sums.value(g);
        o.insert(QStringLiteral("cost_usd"), counter(o, "cost_micros") / 1e6);
        out << o;
    }
    std::stable_sort(out.begin(), out.end(), [](const QJsonObject& a, const QJsonObject& b) {
        if (counter(a, "cost_micros") != counter(b, "cost_micros"))
            return counter(a, "cost_micros") > counter(b, "cost_micros");
        return counter(a, "requests") > counter(b, "requests");
    });
    return out;
}

QStringList csvHeader(bool grouped) {
    QStringList h;
    if (grouped) h << QStringLiteral("group");
    for (const char* c : kCounters) h << QLatin1String(c);
    h << QStringLiteral("cost_usd") << QStringLiteral("cost_micros");
    return h;
}

QStringList csvCells(const QJsonObject& row, bool grouped) {
    QStringList cells;
    if (grouped) cells << row.value(QStringLiteral("group")).toString();
    for (const char* c : kCounters) cells << QString::number(counter(row, c));
    cells << QString::number(counter(row, "cost_micros") / 1e6, 'f', 6)
          << QString::number(counter(row, "cost_micros"));
    return cells;
}

}  // namespace

std::optional<QDateTime> parseSince(const QString& text, const QDateTime& now) {
    static const QRegularExpression age(QStringLiteral("^(\\d+)([mhdw])$"));
    const QRegularExpressionMatch m = age.match(text.trimmed());
    if (m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        const qint64 secs = unit == QLatin1Char('m')   ? 60
                            : unit == QLatin1Char('h') ? 3600
                            : unit == QLatin1Char('d') ? 86400
                                                       : 7 * 86400;
        return now.addSecs(-n * secs);
    }
    QDateTime t = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!t.isValid()) {
        const QDate d = QDate::fromString(text.trimmed(), Qt::ISODate);
        if (d.isValid()) t = QDateTime(d, QTime(0, 0), Qt::UTC);
    }
    if (!t.isValid()) return std::nullopt;
    if (t.timeSpec() == Qt::LocalTime) t.setTimeSpec(Qt::UTC);  // no zone given: UTC
    return t.toUTC();
}

int runUsage(const QStringList& args) {
    Command cmd(QStringLiteral("usage"),
                QStringLiteral("Requests, tokens and cost from the gateway's usage ledger: totals, "
                               "or one row per model, key or provider."));
    cmd.addGatewayOptions();
    cmd.addJsonOption();
    QCommandLineParser& p = cmd.parser();
    p.addOption({QStringLiteral("since"),
                 QStringLiteral("Start: ISO 8601 time or date (UTC), or an age such as 24h, 7d, "
                                "2w (default: 30d)."),
                 QStringLiteral("WHEN"), QStringLiteral("30d")});
    p.addOption({QStringLiteral("until"), QStringLiteral("End, same forms (default: now)."),
                 QStringLiteral("WHEN")});
    p.addOption({QStringLiteral("by"), QStringLiteral("One row per model, key or provider."),
                 QStringLiteral("model|key|provider")});
    p.addOption({QStringLiteral("csv"), QStringLiteral("Print CSV.")});
    if (!cmd.parse(args)) return kUsage;
    if (cmd.json() && cmd.isSet(QStringLiteral("csv")))
        return usageError(cmd.name(), QStringLiteral("choose one of --csv and --json"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto from = parseSince(cmd.value(QStringLiteral("since")), now);
    if (!from)
        return usageError(cmd.name(), QStringLiteral("--since: '%1' is not a time (2026-11-01, "
                                                     "2026-11-01T12:00:00Z) or an age (24h, 7d)")
                                          .arg(cmd.value(QStringLiteral("since"))));
    // Times travel in whole seconds: round "now" up so the last second's requests count.
    std::optional<QDateTime> to = now.time().msec() ? now.addMSecs(1000 - now.time().msec()) : now;
    if (cmd.isSet(QStringLiteral("until"))) {
        to = parseSince(cmd.value(QStringLiteral("until")), now);
        if (!to)
            return usageError(cmd.name(), QStringLiteral("--until: '%1' is not a time or an age")
                                              .arg(cmd.value(QStringLiteral("until"))));
    }
    if (*to <= *from)
        return usageError(cmd.name(), QStringLiteral("--since must be before --until"));
    const QString by = cmd.value(QStringLiteral("by"));
    if (!by.isEmpty() && by != QLatin1String("model") && by != QLatin1String("key") &&
        by != QLatin1String("provider"))
        return usageError(cmd.name(),
                          QStringLiteral("--by: '%1' is not one of model, key, provider").arg(by));

    Logins logins(cmd.value(QStringLiteral("secrets-file")));
    int code = kOk;
    const std::optional<Session> session = openSession(cmd, logins, code);
    if (!session) return code;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from"), iso(*from));
    query.addQueryItem(QStringLiteral("to"), iso(*to));
    const bool grouped = !by.isEmpty();
    if (grouped) {
        query.addQueryItem(QStringLiteral("granularity"), QStringLiteral("day"));
        query.addQueryItem(QStringLiteral("group_by"), by);
    }
    const QString path = (grouped ? QStringLiteral("/usage?") : QStringLiteral("/usage/totals?")) +
                         query.toString(QUrl::FullyEncoded);
    const HttpReply r = adminCall(*session, "GET", path);
    if (!r.ok()) return reportFailure(cmd, *session, r);

    QList<QJsonObject> rows;
    if (grouped)
        rows = sumByGroup(r.json().value(QStringLiteral("data")).toArray());
    else
        rows << r.json();
    if (cmd.json()) {
        if (!grouped) return printJson(r.json()), kOk;
        QJsonArray data;
        for (const QJsonObject& o : rows) data.append(o);
        printJson(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                              {QStringLiteral("from"), iso(*from)},
                              {QStringLiteral("to"), iso(*to)},
                              {QStringLiteral("group_by"), by},
                              {QStringLiteral("data"), data}});
        return kOk;
    }
    if (cmd.isSet(QStringLiteral("csv"))) {
        QString text = csvRow(csvHeader(grouped));
        for (const QJsonObject& o : rows) text += csvRow(csvCells(o, grouped));
        out(text);
        return kOk;
    }
    err(QStringLiteral("Usage from %1 to %2:").arg(iso(*from), iso(*to)));
    Table t;
    if (!grouped) {
        const QJsonObject& o = rows.first();
        t.header = {QStringLiteral("FIELD"), QStringLiteral("VALUE")};
        for (const char* c : kCounters)
            if (qstrcmp(c, "unknown_cost_requests") != 0)
                t.add({QString::fromLatin1(c).replace(QLatin1Char('_'), QLatin1Char(' ')),
                       QString::number(counter(o, c))});
        t.add({QStringLiteral("cost"),
               costText(counter(o, "cost_micros"), counter(o, "unknown_cost_requests"))});
        out(t.render());
        return kOk;
    }
    t.header = {by.toUpper(),
                QStringLiteral("REQUESTS"),
                QStringLiteral("ERRORS"),
                QStringLiteral("PROMPT"),
                QStringLiteral("CACHED"),
                QStringLiteral("COMPLETION"),
                QStringLiteral("REASONING"),
                QStringLiteral("COST")};
    // Key ids are opaque to people: show each key's name next to it.
    QHash<QString, QString> keyNames;
    if (by == QLatin1String("key")) {
        t.header.insert(1, QStringLiteral("NAME"));
        const HttpReply keys = adminCall(*session, "GET", QStringLiteral("/keys"));
        for (const QJsonValue k : keys.json().value(QStringLiteral("data")).toArray())
            keyNames.insert(k.toObject().value(QStringLiteral("id")).toString(),
                            k.toObject().value(QStringLiteral("name")).toString());
    }
    for (const QJsonObject& o : rows) {
        // Requests that never named one (a bad key, /v1/me) group under an empty name.
        const QString group = o.value(QStringLiteral("group")).toString();
        QStringList row{group.isEmpty() ? QStringLiteral("(none)") : group,
                        QString::number(counter(o, "requests")),
                        QString::number(counter(o, "errors")),
                        QString::number(counter(o, "prompt_tokens")),
                        QString::number(counter(o, "cached_tokens")),
                        QString::number(counter(o, "completion_tokens")),
                        QString::number(counter(o, "reasoning_tokens")),
                        costText(counter(o, "cost_micros"), counter(o, "unknown_cost_requests"))};
        if (by == QLatin1String("key"))
            row.insert(1, keyNames.value(group, QStringLiteral("-")));
        t.add(row);
    }
    out(t.render());
    return kOk;
}

int runProviders(const QStringList& args) {
    QStringList rest = args;
    const QString sub = rest.isEmpty() ? QString() : rest.takeFirst();
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        out(
            QStringLiteral("Usage: tare providers list [--url URL] [--json]\n\n"
                           "The gateway's providers and where their credentials come from "
                           "(never the credentials).\n"));
        return kOk;
    }
    if (sub != QLatin1String("list"))
        return usageError(QStringLiteral("tare providers"),
                          sub.isEmpty() ? QStringLiteral("missing command (list)")
                                        : QStringLiteral("unknown command '%1'").arg(sub));
    Command cmd(QStringLiteral("providers list"),
                QStringLiteral("The gateway's providers and where their credentials come from "
                               "(never the credentials)."));
    cmd.addGatewayOptions();
    cmd.addJsonOption();
    if (!cmd.parse(rest)) return kUsage;
    Logins logins(cmd.value(QStringLiteral("secrets-file")));
    int code = kOk;
    const std::optional<Session> session = openSession(cmd, logins, code);
    if (!session) return code;
    const HttpReply r = adminCall(*session, "GET", QStringLiteral("/providers"));
    if (!r.ok()) return reportFailure(cmd, *session, r);
    if (cmd.json()) return printJson(r.json()), kOk;
    Table t;
    t.header = {QStringLiteral("ID"), QStringLiteral("TYPE"), QStringLiteral("CREDENTIAL"),
                QStringLiteral("FROM"), QStringLiteral("BASE URL")};
    t.toneColumn = 2;
    for (const QJsonValue v : r.json().value(QStringLiteral("data")).toArray()) {
        const QJsonObject o = v.toObject();
        const QJsonObject c = o.value(QStringLiteral("credential")).toObject();
        const bool set = c.value(QStringLiteral("set")).toBool();
        QString from = c.value(QStringLiteral("from")).toString();
        if (from == QLatin1String("env") ||
            (from == QLatin1String("none") &&
             !c.value(QStringLiteral("api_key_env")).toString().isEmpty()))
            from += QStringLiteral(" $") + c.value(QStringLiteral("api_key_env")).toString();
        t.add({o.value(QStringLiteral("id")).toString(), o.value(QStringLiteral("type")).toString(),
               set ? QStringLiteral("set") : QStringLiteral("not set"), from,
               o.value(QStringLiteral("base_url")).toString()},
              set ? Tone::Good : Tone::Bad);
    }
    out(t.render());
    return kOk;
}

int runModels(const QStringList& args) {
    Command cmd(QStringLiteral("models"),
                QStringLiteral("The models the gateway serves (its routes) and where each goes, "
                               "in failover order."));
    cmd.addGatewayOptions();
    cmd.addJsonOption();
    if (!cmd.parse(args)) return kUsage;
    Logins logins(cmd.value(QStringLiteral("secrets-file")));
    int code = kOk;
    const std::optional<Session> session = openSession(cmd, logins, code);
    if (!session) return code;
    const HttpReply r = adminCall(*session, "GET", QStringLiteral("/routes"));
    if (!r.ok()) return reportFailure(cmd, *session, r);
    if (cmd.json()) return printJson(r.json()), kOk;
    Table t;
    t.header = {QStringLiteral("MODEL"), QStringLiteral("TARGETS")};
    for (const QJsonValue v : r.json().value(QStringLiteral("data")).toArray()) {
        const QJsonObject o = v.toObject();
        QStringList targets;
        for (const QJsonValue tv : o.value(QStringLiteral("targets")).toArray()) {
            const QJsonObject target = tv.toObject();
            const QString model = target.value(QStringLiteral("model")).toString();
            targets << target.value(QStringLiteral("provider")).toString() +
                           (model.isEmpty() ? QString() : QLatin1Char('/') + model);
        }
        t.add({o.value(QStringLiteral("model")).toString(), targets.join(QStringLiteral(", "))});
    }
    out(t.render());
    return kOk;
}

}  // namespace ar::tare
