#include "api/JsonScan.h"

#include <array>
#include <bitset>
#include <cstring>

namespace ar::json_scan {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// String bytes that need a look: the end, an escape, the start of a multi-byte character.
enum : quint8 { Plain, Quote, Backslash, NonAscii };
constexpr std::array<quint8, 256> kStringByte = [] {
    std::array<quint8, 256> t{};
    for (int c = 0x80; c < 256; ++c) t[c] = NonAscii;
    t['"'] = Quote;
    t['\\'] = Backslash;
    return t;
}();

// Bytes that matter when skipping a container of checked text.
constexpr std::array<bool, 256> kNested = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {'"', '{', '}', '[', ']'}) t[c] = true;
    return t;
}();

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence at p[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0.
int utf8Length(const char* p, qsizetype i, qsizetype end) {
    const auto b = static_cast<unsigned char>(p[i]);
    const auto at = [&](qsizetype k) {
        return i + k < end ? static_cast<unsigned char>(p[i + k]) : 0;
    };
    if (b >= 0xC2 && b <= 0xDF) return isContinuation(at(1)) ? 2 : 0;
    if (b >= 0xE0 && b <= 0xEF) {
        const unsigned char c1 = at(1);
        const bool ok1 = b == 0xE0   ? (c1 >= 0xA0 && c1 <= 0xBF)
                         : b == 0xED ? (c1 >= 0x80 && c1 <= 0x9F)  // not a surrogate
                                     : isContinuation(c1);
        return ok1 && isContinuation(at(2)) ? 3 : 0;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        const unsigned char c1 = at(1);
        const bool ok1 = b == 0xF0   ? (c1 >= 0x90 && c1 <= 0xBF)
                         : b == 0xF4 ? (c1 >= 0x80 && c1 <= 0x8F)  // <= U+10FFFF
                                     : isContinuation(c1);
        return ok1 && isContinuation(at(2)) && isContinuation(at(3)) ? 4 : 0;
    }
    return 0;
}

// Index just past the string opening at p[i], or -1.
qsizetype scanString(const char* p, qsizetype i, qsizetype end) {
    ++i;
    while (i < end) {
        const auto c = static_cast<unsigned char>(p[i]);
        switch (kStringByte[c]) {
            case Plain:  // Qt takes raw control characters too
                do ++i;
                while (i < end && kStringByte[static_cast<unsigned char>(p[i])] == Plain);
                break;
            case Quote:
                return i + 1;
            case Backslash: {
                if (i + 1 >= end) return -1;
                const auto e = static_cast<unsigned char>(p[i + 1]);
                if (e == 'u') {
                    if (i + 6 > end) return -1;
                    for (int k = 2; k < 6; ++k)
                        if (!isHex(p[i + k])) return -1;
                    i += 6;
                } else if (e < 0x80) {
                    i += 2;  // Qt reads an unknown escape as the character itself
                } else {
                    return -1;
                }
                break;
            }
            default: {
                const int n = utf8Length(p, i, end);
                if (n == 0) return -1;
                i += n;
            }
        }
    }
    return -1;
}

// Index just past the number at p[i], or -1; only RFC 8259 numbers that are certainly finite.
qsizetype scanNumber(const char* p, qsizetype i, qsizetype end) {
    const qsizetype start = i;
    if (i < end && p[i] == '-') ++i;
    if (i < end && p[i] == '0') {
        ++i;
    } else if (i < end && p[i] >= '1' && p[i] <= '9') {
        while (i < end && isDigit(p[i])) ++i;
    } else {
        return -1;
    }
    if (i < end && p[i] == '.') {
        ++i;
        if (i >= end || !isDigit(p[i])) return -1;
        while (i < end && isDigit(p[i])) ++i;
    }
    if (i < end && (p[i] == 'e' || p[i] == 'E')) {
        ++i;
        if (i < end && (p[i] == '+' || p[i] == '-')) ++i;
        const qsizetype digits = i;
        while (i < end && isDigit(p[i])) ++i;
        if (i == digits || i - digits > 2) return -1;  // at most 1e(100+99): finite, not denormal
    }
    if (i - start > 100) return -1;
    return i;
}

qsizetype skipSpace(const char* p, qsizetype i, qsizetype end) {
    while (i < end && isSpace(p[i])) ++i;
    return i;
}

// On checked text: index just past the string opening at p[i]. A quote ends it unless an odd
// run of backslashes precedes it.
qsizetype skipCheckedString(const char* p, qsizetype i, qsizetype end) {
    qsizetype from = i + 1;
    for (;;) {
        const void* q = std::memchr(p + from, '"', size_t(end - from));
        if (!q) return end;
        const qsizetype at = static_cast<const char*>(q) - p;
        qsizetype slashes = 0;
        while (p[at - 1 - slashes] == '\\') ++slashes;
        if (slashes % 2 == 0) return at + 1;
        from = at + 1;
    }
}

// On checked text: index just past the value starting at p[i].
qsizetype skipCheckedValue(const char* p, qsizetype i, qsizetype end) {
    const char c = p[i];
    if (c == '"') return skipCheckedString(p, i, end);
    if (c != '{' && c != '[') {
        while (i < end && p[i] != ',' && p[i] != '}' && p[i] != ']' && !isSpace(p[i])) ++i;
        return i;
    }
    int depth = 0;
    while (i < end) {
        while (i < end && !kNested[static_cast<unsigned char>(p[i])]) ++i;
        if (i >= end) break;
        switch (p[i]) {
            case '"':
                i = skipCheckedString(p, i, end);
                continue;
            case '{':
            case '[':
                ++depth;
                break;
            case '}':
            case ']':
                if (--depth == 0) return i + 1;
                break;
            default:
                break;
        }
        ++i;
    }
    return end;
}

}  // namespace

bool isValidObject(QByteArrayView json) {
    const char* p = json.data();
    const qsizetype end = json.size();
    qsizetype i = skipSpace(p, 0, end);
    if (i >= end || p[i] != '{') return false;  // arrays, scalars, a BOM: Qt decides

    enum class Next { KeyOrEnd, Key, ValueOrEnd, Value, CommaOrEnd };
    std::bitset<kMaxDepth + 1> isArray;  // per open container
    int depth = 1;
    ++i;
    Next next = Next::KeyOrEnd;
    for (;;) {
        i = skipSpace(p, i, end);
        if (i >= end) return false;
        const char c = p[i];
        switch (next) {
            case Next::ValueOrEnd:
                if (c == ']') {
                    ++i;
                    --depth;
                    next = Next::CommaOrEnd;
                    break;
                }
                next = Next::Value;
                continue;
            case Next::KeyOrEnd:
                if (c == '}') {
                    ++i;
                    --depth;
                    next = Next::CommaOrEnd;
                    break;
                }
                [[fallthrough]];
            case Next::Key:
                if (c != '"') return false;
                i = scanString(p, i, end);
                if (i < 0) return false;
                i = skipSpace(p, i, end);
                if (i >= end || p[i] != ':') return false;
                ++i;
                next = Next::Value;
                continue;
            case Next::Value:
                if (c == '"') {
                    i = scanString(p, i, end);
                } else if (c == '{' || c == '[') {
                    if (depth >= kMaxDepth) return false;
                    isArray[depth++] = c == '[';
                    ++i;
                    next = c == '[' ? Next::ValueOrEnd : Next::KeyOrEnd;
                    continue;
                } else if (c == 't' || c == 'f' || c == 'n') {
                    const char* word = c == 't' ? "true" : c == 'f' ? "false" : "null";
                    const auto n = qsizetype(std::strlen(word));
                    if (end - i < n || std::memcmp(p + i, word, size_t(n)) != 0) return false;
                    i += n;
                } else {
                    i = scanNumber(p, i, end);
                }
                if (i < 0) return false;
                next = Next::CommaOrEnd;
                continue;
            case Next::CommaOrEnd: {
                const bool inArray = isArray[depth - 1];
                if (c == ',') {
                    ++i;
                    next = inArray ? Next::Value : Next::Key;
                    continue;
                }
                if (c != (inArray ? ']' : '}')) return false;
                ++i;
                --depth;
                break;
            }
        }
        // A container just closed.
        if (depth == 0) return skipSpace(p, i, end) == end;
        next = Next::CommaOrEnd;
    }
}

Items::Items(QByteArrayView container) : m_p(container.data()), m_end(container.size()) {
    const qsizetype open = skipSpace(m_p, 0, m_end);
    m_object = open < m_end && m_p[open] == '{';
    m_i = qMin(open + 1, m_end);
}

bool Items::next(QByteArrayView& key, QByteArrayView& value) {
    const char* p = m_p;
    const qsizetype end = m_end;
    qsizetype i = skipSpace(p, m_i, end);
    if (i < end && p[i] == ',') i = skipSpace(p, i + 1, end);
    if (i >= end || p[i] == '}' || p[i] == ']') {
        m_i = end;
        return false;
    }
    key = {};
    if (m_object) {
        const qsizetype keyEnd = skipCheckedString(p, i, end);
        key = QByteArrayView(p + i + 1, keyEnd - i - 2);
        i = skipSpace(p, keyEnd, end);
        i = skipSpace(p, i + 1, end);  // past the ':'
    }
    const qsizetype valueEnd = skipCheckedValue(p, i, end);
    value = QByteArrayView(p + i, valueEnd - i);
    m_i = valueEnd;
    return true;
}

Kind kindOf(QByteArrayView value) {
    if (value.isEmpty()) return Kind::Absent;
    switch (value.front()) {
        case 'n':
            return Kind::Null;
        case 't':
        case 'f':
            return Kind::Bool;
        case '"':
            return Kind::String;
        case '[':
            return Kind::Array;
        case '{':
            return Kind::Object;
        default:
            return Kind::Number;
    }
}

}  // namespace ar::json_scan
