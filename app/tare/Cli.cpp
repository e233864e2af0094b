#include "Cli.h"

#include <unistd.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <cstdio>
#include <cstdlib>

namespace ar::tare {

void err(const QString& message) { std::fputs(qPrintable(message + QLatin1Char('\n')), stderr); }

int fail(const QString& message) {
    err(paint(QStringLiteral("tare:"), Tone::Bad, 2) + QLatin1Char(' ') + message);
    return kFailed;
}

int failIn(const QString& command, const QString& message) {
    err(paint(command + QLatin1Char(':'), Tone::Bad, 2) + QLatin1Char(' ') + message);
    return kFailed;
}

int usageError(const QString& command, const QString& message) {
    err(QStringLiteral("%1: %2\nRun '%1 --help' for usage.").arg(command, message));
    return kUsage;
}

void out(const QString& text) {
    std::fputs(qPrintable(text), stdout);
    std::fflush(stdout);
}

bool colorEnabled(int fd) {
    if (!qEnvironmentVariableIsEmpty("NO_COLOR")) return false;
    const QByteArray force = qgetenv("CLICOLOR_FORCE");
    if (!force.isEmpty() && force != "0") return true;
    return ::isatty(fd) && qgetenv("TERM") != "dumb";
}

QString paint(const QString& text, Tone tone, int fd) {
    if (!colorEnabled(fd)) return text;
    const char* code = tone == Tone::Good  ? "32"
                       : tone == Tone::Bad ? "31"
                       : tone == Tone::Dim ? "2"
                                           : "1";
    return QStringLiteral("\x1b[%1m%2\x1b[0m").arg(QLatin1String(code), text);
}

void Table::add(const QStringList& row, std::optional<Tone> tone) {
    rows.append(row);
    tones.append(tone);
}

QString Table::render() const {
    QList<qsizetype> widths;
    auto measure = [&](const QStringList& row) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.append(0);
            widths[i] = qMax(widths[i], row[i].size());
        }
    };
    measure(header);
    for (const QStringList& row : rows) measure(row);
    auto line = [&](const QStringList& row, std::optional<Tone> tone, bool isHeader) {
        QString text;
        for (qsizetype i = 0; i < row.size(); ++i) {
            const bool last = i == row.size() - 1;
            QString cell = last ? row[i] : row[i].leftJustified(widths[i]);
            if (isHeader)
                cell = paint(cell, Tone::Strong);
            else if (tone && i == toneColumn)
                cell = paint(cell, *tone);
            text += cell;
            if (!last) text += QStringLiteral("  ");
        }
        return text + QLatin1Char('\n');
    };
    QString text = line(header, std::nullopt, true);
    for (qsizetype r = 0; r < rows.size(); ++r)
        text += line(rows[r], r < tones.size() ? tones[r] : std::nullopt, false);
    return text;
}

QString csvRow(const QStringList& cells) {
    QStringList quoted;
    for (QString c : cells) {
        if (c.contains(QLatin1Char(',')) || c.contains(QLatin1Char('"')) ||
            c.contains(QLatin1Char('\n'))) {
            c.replace(QLatin1String("\""), QLatin1String("\"\""));
            c = QLatin1Char('"') + c + QLatin1Char('"');
        }
        quoted.append(c);
    }
    return quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
}

void printJson(const QJsonValue& value) {
    const QJsonDocument doc =
        value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    out(QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
}

Command::Command(const QString& name, const QString& description)
    : m_name(QStringLiteral("tare ") + name) {
    m_parser.setApplicationDescription(description);
    m_parser.addHelpOption();
}

void Command::addGatewayOptions() {
    m_parser.addOption({{QStringLiteral("url"), QStringLiteral("issuer")},
                        QStringLiteral("The gateway / issuer (default: the current sign-in, else "
                                       "the local gateway from the agentrouter config)."),
                        QStringLiteral("URL")});
    m_parser.addOption({QStringLiteral("config"),
                        QStringLiteral("agentrouter config file, for the local gateway's port."),
                        QStringLiteral("FILE")});
    m_parser.addOption({QStringLiteral("secrets-file"),
                        QStringLiteral("Keep sign-ins in this 0600 file instead of the OS "
                                       "keychain (unencrypted)."),
                        QStringLiteral("FILE")});
}

void Command::addJsonOption() {
    m_parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON, for scripts.")});
}

bool Command::parse(const QStringList& args, int positionalMin, int positionalMax) {
    if (!m_parser.parse(QStringList{m_name} + args)) {
        usageError(m_name, m_parser.errorText());
        return false;
    }
    if (m_parser.isSet(QStringLiteral("help"))) {
        // Qt names the executable's path; the user typed the command.
        QString help = m_parser.helpText();
        help.replace(QRegularExpression(QStringLiteral("^Usage: \\S+")),
                     QStringLiteral("Usage: ") + m_name);
        out(help);
        std::exit(kOk);
    }
    const qsizetype n = m_parser.positionalArguments().size();
    if (n < positionalMin || n > positionalMax) {
        usageError(m_name, n < positionalMin ? QStringLiteral("missing argument")
                                             : QStringLiteral("unexpected argument '%1'")
                                                   .arg(m_parser.positionalArguments().last()));
        return false;
    }
    return true;
}

}  // namespace ar::tare
