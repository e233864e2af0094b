#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringView>
#include <charconv>

// Appending text to a byte buffer without temporaries. QString::toUtf8() and
// QByteArray::number() allocate a new array each; on lines written once per request (the
// access log, headers, the ledger's journal and inserts) those allocations were most of the
// cost. `Out` is any buffer with size(), resize(), data() and append(const char*, n):
// QByteArray, std::string, QVarLengthArray<char>.
namespace ar::text {

template <typename Out>
void append(Out& out, QByteArrayView bytes) {
    out.append(bytes.data(), decltype(out.size())(bytes.size()));
}

// "Name: value\r\n", an HTTP header line.
template <typename Out>
void appendHeaderLine(Out& out, QByteArrayView name, QByteArrayView value) {
    append(out, name);
    append(out, ": ");
    append(out, value);
    append(out, "\r\n");
}

template <typename Out>
void appendNumber(Out& out, qint64 value) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    out.append(buf, decltype(out.size())(end - buf));
}

// UTF-8 of `s`; ASCII (ids, model names, paths) is copied byte by byte.
template <typename Out>
void appendUtf8(Out& out, QStringView s) {
    using Size = decltype(out.size());
    const char16_t* p = s.utf16();  // a view: no copy, unlike QString::utf16() on literal data
    const qsizetype n = s.size();
    const Size at = out.size();
    out.resize(at + Size(n));
    char* d = out.data() + at;
    for (qsizetype i = 0; i < n; ++i) {
        if (p[i] >= 0x80) {
            const QByteArray utf8 = s.toUtf8();
            out.resize(at);
            out.append(utf8.constData(), Size(utf8.size()));
            return;
        }
        d[i] = char(p[i]);
    }
}

}  // namespace ar::text
