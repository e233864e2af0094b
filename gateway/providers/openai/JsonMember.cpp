#include "providers/openai/JsonMember.h"

namespace ar::json_member {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Index just past the string that opens at `i` (a '"'), or -1 when it never closes.
qsizetype skipString(QByteArrayView s, qsizetype i) {
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\') ++i;
        else if (s[i] == '"') return i + 1;
    }
    return -1;
}

QByteArrayView trimmed(QByteArrayView s) {
    qsizetype b = 0, e = s.size();
    while (b < e && isSpace(s[b])) ++b;
    while (e > b && isSpace(s[e - 1])) --e;
    return s.sliced(b, e - b);
}

}  // namespace

bool forEach(QByteArrayView json, const std::function<bool(QByteArrayView, QByteArrayView)>& member) {
    json = trimmed(json);
    const qsizetype end = json.size();
    if (end < 2 || json[0] != '{' || json[end - 1] != '}') return false;
    // Walk the members of depth 1: key, ':', value up to the ',' or '}' at depth 1.
    qsizetype i = 1;
    bool wanted = true;  // false once the caller stopped: only check the structure from then on
    while (true) {
        while (i < end && isSpace(json[i])) ++i;
        if (i == end - 1) return true;  // "}" (an empty object, or after a trailing member)
        if (json[i] != '"') return false;
        const qsizetype keyEnd = skipString(json, i);
        if (keyEnd < 0) return false;
        const QByteArrayView key = json.sliced(i + 1, keyEnd - i - 2);
        i = keyEnd;
        while (i < end && isSpace(json[i])) ++i;
        if (i >= end || json[i] != ':') return false;
        const qsizetype valueStart = ++i;
        int depth = 0;
        for (; i < end; ++i) {
            const char c = json[i];
            if (c == '"') {
                const qsizetype after = skipString(json, i);
                if (after < 0) return false;
                i = after - 1;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (depth == 0) break;  // the object's own closing brace
                --depth;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        if (i >= end) return false;
        const QByteArrayView value = trimmed(json.sliced(valueStart, i - valueStart));
        if (value.isEmpty()) return false;
        if (wanted) wanted = member(key, value);
        if (json[i] == '}') return i == end - 1;  // anything after the object is not ours
        ++i;                                       // past ','
    }
}

std::optional<QByteArrayView> topLevel(QByteArrayView json, QByteArrayView key) {
    QByteArrayView found("");
    const bool ok = forEach(json, [&](QByteArrayView k, QByteArrayView v) {
        if (k != key) return true;
        found = v;
        return false;
    });
    if (!ok) return std::nullopt;
    return found;
}

qint64 toInteger(QByteArrayView value, qint64 fallback) {
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    return ok ? n : fallback;
}

}  // namespace ar::json_member
