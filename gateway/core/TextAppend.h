#pragma once

#include <QByteArray>
#include <QStringView>
#include <charconv>

// Appending text to a QByteArray without temporaries. QString::toUtf8() and
// QByteArray::number() allocate a new array each; on lines written once per request (the
// access log, headers) those allocations were most of the cost.
namespace ar::text {

inline void appendNumber(QByteArray& out, qint64 value) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    out.append(buf, qsizetype(end - buf));
}

// UTF-8 of `s`; ASCII (ids, model names, paths) is copied byte by byte.
inline void appendUtf8(QByteArray& out, QStringView s) {
    const char16_t* p = s.utf16();
    const qsizetype n = s.size();
    for (qsizetype i = 0; i < n; ++i) {
        if (p[i] >= 0x80) {
            out += s.toUtf8();
            return;
        }
    }
    const qsizetype at = out.size();
    out.resize(at + n);
    char* d = out.data() + at;
    for (qsizetype i = 0; i < n; ++i) d[i] = char(p[i]);
}

}  // namespace ar::text
