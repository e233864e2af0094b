#pragma once

#include <QByteArrayView>

namespace ar::json_scan {

// Checking and reading a request body without building a QJsonDocument: on the common path
// the body is forwarded as received, and the document cost more than the rest of the
// validation. Allocation-free.

// True when `json` is one JSON object that QJsonDocument::fromJson accepts. Stricter than
// Qt where certainty costs more than it is worth, so a false result only means "ask
// QJsonDocument": it rejects what Qt would also take of a leading UTF-8 BOM, numbers outside
// RFC 8259's grammar ("1.", ".5"), exponents of three or more digits (Qt refuses overflow),
// escapes of a non-ASCII byte, and nesting deeper than kMaxDepth. Like Qt it accepts raw
// control characters in strings, unknown escapes of an ASCII character ("\x") and lone
// surrogate escapes ("\ud800"); invalid UTF-8 (overlong forms, surrogates, > U+10FFFF) is
// refused. Duplicate keys are valid: Qt keeps the last value, and so do the readers below.
bool isValidObject(QByteArrayView json);

inline constexpr int kMaxDepth = 1024;  // QJsonDocument's nesting limit

// The members of an object, or the elements of an array, of text isValidObject() accepted
// (or a part of it): keys raw (escapes kept, quotes dropped), values raw. Not for unchecked
// text.
class Items {
public:
    explicit Items(QByteArrayView container);
    // The next member (key) or element (key left empty); false at the end.
    bool next(QByteArrayView& key, QByteArrayView& value);

private:
    const char* m_p;
    qsizetype m_i = 1;
    qsizetype m_end;
    bool m_object = false;
};

// What a raw value is, from its first byte (an empty view: absent).
enum class Kind { Absent, Null, Bool, Number, String, Array, Object };
Kind kindOf(QByteArrayView value);

}  // namespace ar::json_scan
