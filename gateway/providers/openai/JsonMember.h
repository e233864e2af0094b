#pragma once

#include <QByteArrayView>
#include <functional>
#include <optional>

namespace ar::json_member {

// Reading a few members of a JSON object's top level without building a document:
// pass-through answers are forwarded as received and only their "usage" is read, and a full
// QJsonDocument parse of every answer cost more than the rest of the proxying. Strings (with
// escapes) are skipped, so a key of the same name inside a message text or a nested object is
// never taken. Only the structure is checked (one balanced object), not every token.

// Calls `member(key, rawValue)` for each top-level member, in order, until it returns false.
// Keys are raw (escapes kept). False when the text is not one balanced JSON object.
bool forEach(QByteArrayView json, const std::function<bool(QByteArrayView key, QByteArrayView value)>& member);

// The raw value of `key`; an empty view when the object has no such member; nullopt when the
// text is not one balanced JSON object.
std::optional<QByteArrayView> topLevel(QByteArrayView json, QByteArrayView key);

// A raw value as an integer; `fallback` when it is not one.
qint64 toInteger(QByteArrayView value, qint64 fallback = 0);

}  // namespace ar::json_member
