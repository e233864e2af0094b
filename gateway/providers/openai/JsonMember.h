#pragma once

#include <QByteArrayView>
#include <optional>

namespace ar::json_member {

// Reading a few members of a JSON object's top level without building a document:
// pass-through answers are forwarded as received and only their "usage" is read, and a full
// QJsonDocument parse of every answer cost more than the rest of the proxying. Strings (with
// escapes) are skipped, so a key of the same name inside a message text or a nested object is
// never taken. Only the structure is checked (one balanced object), not every token.

// The members of one object, in order.
class Reader {
public:
    explicit Reader(QByteArrayView json);
    // The next member; false at the end of the object or when the text is malformed.
    bool next(QByteArrayView& key, QByteArrayView& value);
    // After next() returned false: whether the whole text was one balanced object.
    bool ok() const { return m_ok; }

private:
    const char* m_p;
    qsizetype m_i = 1;
    qsizetype m_end;
    bool m_ok = true;
    bool m_done = false;
};

// Calls `member(key, rawValue)` for each top-level member, in order, until it returns false.
// Keys are raw (escapes kept). False when the text is not one balanced JSON object.
template <typename Member>
bool forEach(QByteArrayView json, Member&& member) {
    Reader r(json);
    QByteArrayView key, value;
    bool wanted = true;  // once the caller stopped, only the structure is still checked
    while (r.next(key, value))
        if (wanted) wanted = member(key, value);
    return r.ok();
}

// The raw value of `key`; an empty view when the object has no such member; nullopt when the
// text is not one balanced JSON object.
std::optional<QByteArrayView> topLevel(QByteArrayView json, QByteArrayView key);

// Whether `json` has a "usage" key followed by an object ("usage":{ or "usage" : {), at any
// depth: the cheap test for the one chunk of a stream that needs reading. One memmem() pass;
// QByteArray::contains() set up a search per call, twice per event, a third of a stream's cost.
bool mentionsUsageObject(QByteArrayView json);

// A raw value as an integer; `fallback` when it is not one.
qint64 toInteger(QByteArrayView value, qint64 fallback = 0);

}  // namespace ar::json_member
