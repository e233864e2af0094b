#pragma once

#include <QCommandLineParser>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>

namespace ar::tare {

// Exit codes: 0 ok, 1 the operation failed, 2 the command line is wrong.
enum Exit { kOk = 0, kFailed = 1, kUsage = 2 };

// Messages for people go to stderr; results (tables, JSON, secrets) to stdout.
void err(const QString& message);
int fail(const QString& message);  // "tare: message" on stderr, returns kFailed
int failIn(const QString& command, const QString& message);      // "tare usage: message", kFailed
int usageError(const QString& command, const QString& message);  // returns kUsage
void out(const QString& text);                                   // stdout, as is

// ANSI colour on stdout/stderr only for a terminal (or CLICOLOR_FORCE=1), never with NO_COLOR
// set (https://no-color.org).
bool colorEnabled(int fd);
enum class Tone { Good, Bad, Dim, Strong };
QString paint(const QString& text, Tone tone, int fd = 1);

// An aligned table for people: column widths from the content, colour added after padding so
// it never shifts a column. `tones` (optional, per row) colours one column of that row.
struct Table {
    QStringList header;
    QList<QStringList> rows;
    int toneColumn = -1;
    QList<std::optional<Tone>> tones;
    void add(const QStringList& row, std::optional<Tone> tone = std::nullopt);
    QString render() const;
};

QString csvRow(const QStringList& cells);
void printJson(const QJsonValue& value);  // indented, to stdout

// One `tare ...` command's options: parses, handles --help (prints, exits 0) and reports a
// usage error (returns false; the caller exits 2).
class Command {
public:
    Command(const QString& name, const QString& description);
    QCommandLineParser& parser() { return m_parser; }
    void addGatewayOptions();  // --url/--issuer, --config, --secrets-file
    void addJsonOption();
    bool parse(const QStringList& args, int positionalMin = 0, int positionalMax = 0);

    bool isSet(const QString& name) const { return m_parser.isSet(name); }
    QString value(const QString& name) const { return m_parser.value(name); }
    QStringList positional() const { return m_parser.positionalArguments(); }
    const QString& name() const { return m_name; }
    bool json() const { return m_parser.isSet(QStringLiteral("json")); }

private:
    QString m_name;
    QCommandLineParser m_parser;
};

}  // namespace ar::tare
