#include "usage/LedgerJournal.h"

#include "core/TextAppend.h"
#include "usage/AsciiCopy.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace ar {

QString requestUid(const JournalEntry& e) {
    return QString::fromLatin1(e.process) + QLatin1Char('-') + QString::number(e.requestId);
}

namespace ledger_journal {

namespace {

constexpr int kColumns = 22;
constexpr int kV1Fields = 2 + kColumns;  // J1, uid
constexpr int kV2Fields = 4 + kColumns;  // J2, process, seq, request id

// Writers into space reserved up front (appendBody): no bounds checks or calls per field.
// Most of a row's numbers are one digit (flags, attempts, zero counts).
char* putNumber(char* d, qint64 n) {
    if (quint64(n) < 10) {
        *d = char('0' + n);
        return d + 1;
    }
    return std::to_chars(d, d + 20, n).ptr;
}

// Room per UTF-16 unit: kMaxUtf8BytesPerUnit; an escape only doubles a 1-byte one.

// Ids and model names are printable ASCII: copied as is, no conversion, no allocation.
char* putText(char* d, const QString& s) {
    // constData(), not utf16(): that copies static (literal) data.
    if (copyPlainAscii(d, reinterpret_cast<const char16_t*>(s.constData()), s.size())) return d + s.size();
    // Control, non-ASCII or '\\': rare. Escaped UTF-8 of the whole string.
    for (char b : s.toUtf8()) {
        if (b == '\\' || b == '\t' || b == '\n') {
            *d++ = '\\';
            b = b == '\t' ? 't' : b == '\n' ? 'n' : b;
        }
        *d++ = b;
    }
    return d;
}

QByteArray unescapedUtf8(QByteArrayView field) {
    QByteArray out;
    out.reserve(field.size());
    for (qsizetype i = 0; i < field.size(); ++i) {
        char c = field[i];
        if (c == '\\' && i + 1 < field.size()) {
            const char n = field[++i];
            c = n == 't' ? '\t' : n == 'n' ? '\n' : n;
        }
        out += c;
    }
    return out;
}

QString unescaped(QByteArrayView field) { return QString::fromUtf8(unescapedUtf8(field)); }

// The 22 columns from f[c] on; false when a number does not parse.
bool readColumns(const QList<QByteArrayView>& f, int c, LedgerRow& r) {
    bool ok = true;
    auto num = [&ok](QByteArrayView v) {
        bool good = false;
        const qint64 n = v.toLongLong(&good);
        ok &= good;
        return n;
    };
    r.time = QDateTime::fromMSecsSinceEpoch(num(f[c++]), Qt::UTC);
    r.keyId = unescaped(f[c++]);
    r.endpoint = unescaped(f[c++]);
    r.model = unescaped(f[c++]);
    r.provider = unescaped(f[c++]);
    r.upstreamModel = unescaped(f[c++]);
    r.stream = num(f[c++]) != 0;
    r.status = int(num(f[c++]));
    r.errorCode = unescaped(f[c++]);
    r.attempts = int(num(f[c++]));
    r.promptTokens = num(f[c++]);
    r.cachedTokens = num(f[c++]);
    r.cacheWriteTokens = num(f[c++]);
    r.completionTokens = num(f[c++]);
    r.reasoningTokens = num(f[c++]);
    r.images = int(num(f[c++]));
    r.imageSize = unescaped(f[c++]);
    r.imageQuality = unescaped(f[c++]);
    r.costMicros = num(f[c++]);
    r.usageEstimated = num(f[c++]) != 0;
    r.latencyMs = num(f[c++]);
    r.ttfbMs = num(f[c++]);
    return ok;
}

bool isProcessNonce(QByteArrayView v) {
    return !v.isEmpty() && std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
    });
}

}  // namespace

void appendHead(Buffer& out, const QByteArray& process, quint64 seq) {
    const qsizetype at = out.size();
    out.resize(at + 4 + process.size() + 20);
    char* d = out.data() + at;
    std::memcpy(d, "J2\t", 3);
    std::memcpy(d + 3, process.constData(), size_t(process.size()));
    d += 3 + process.size();
    *d++ = '\t';
    d = putNumber(d, qint64(seq));
    out.resize(d - out.data());
}

void appendBody(Buffer& out, quint64 requestId, const LedgerRow& r) {
    qsizetype room = 16 * 21 + 24;  // the 15 numbers and their tabs, the '\n'
    for (const QString* t : {&r.keyId, &r.endpoint, &r.model, &r.provider, &r.upstreamModel, &r.errorCode,
                             &r.imageSize, &r.imageQuality})
        room += 1 + kMaxUtf8BytesPerUnit * t->size();
    const qsizetype at = out.size();
    out.resize(at + room);
    char* d = out.data() + at;
    auto text = [&d](const QString& s) {
        *d++ = '\t';
        d = putText(d, s);
    };
    auto num = [&d](qint64 n) {
        *d++ = '\t';
        d = putNumber(d, n);
    };
    num(qint64(requestId));
    num(r.time.toMSecsSinceEpoch());
    text(r.keyId);
    text(r.endpoint);
    text(r.model);
    text(r.provider);
    text(r.upstreamModel);
    num(r.stream);
    num(r.status);
    text(r.errorCode);
    num(r.attempts);
    num(r.promptTokens);
    num(r.cachedTokens);
    num(r.cacheWriteTokens);
    num(r.completionTokens);
    num(r.reasoningTokens);
    num(r.images);
    text(r.imageSize);
    text(r.imageQuality);
    num(r.costMicros);
    num(r.usageEstimated);
    num(r.latencyMs);
    num(r.ttfbMs);
    *d++ = '\n';
    out.resize(d - out.data());
}

QByteArray line(const JournalEntry& e) {
    Buffer b;
    appendHead(b, e.process, e.seq);
    appendBody(b, e.requestId, e.row);
    return QByteArray(b.constData(), b.size());
}

QList<JournalEntry> parse(const QByteArray& journal) {
    QList<JournalEntry> entries;
    const qsizetype nul = journal.indexOf('\0');  // the end of a mapped journal (LedgerJournalFile)
    const QByteArray lines = nul < 0 ? journal : journal.left(nul);
    qsizetype start = 0;
    for (qsizetype end; (end = lines.indexOf('\n', start)) >= 0; start = end + 1) {
        const QByteArrayView line(lines.constData() + start, end - start);
        QList<QByteArrayView> f;
        for (qsizetype from = 0;;) {
            const qsizetype tab = line.indexOf('\t', from);
            f.append(line.sliced(from, (tab < 0 ? line.size() : tab) - from));
            if (tab < 0) break;
            from = tab + 1;
        }
        JournalEntry e;
        bool ok = false;
        if (f.size() == kV2Fields && f[0] == "J2") {
            e.process = f[1].toByteArray();
            e.seq = f[2].toULongLong(&ok);
            bool idOk = false;
            e.requestId = f[3].toULongLong(&idOk);
            ok = ok && idOk && e.seq > 0 && isProcessNonce(e.process) && readColumns(f, 4, e.row);
        } else if (f.size() == kV1Fields && f[0] == "J1") {
            // v1 uid: <process>-<request id>
            const QByteArray uid = unescapedUtf8(f[1]);
            const qsizetype dash = uid.lastIndexOf('-');
            e.process = uid.left(qMax<qsizetype>(dash, 0));
            e.requestId = dash < 0 ? 0 : uid.mid(dash + 1).toULongLong(&ok);
            ok = ok && isProcessNonce(e.process) && readColumns(f, 2, e.row);
        }
        if (ok) entries.append(std::move(e));
    }
    return entries;
}

}  // namespace ledger_journal
}  // namespace ar
