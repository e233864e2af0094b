#pragma once

#include <QDateTime>
#include <QStringList>
#include <optional>

namespace ar::tare {

// tare usage | providers list | models: read-only views of the admin API.
int runUsage(const QStringList& args);
int runProviders(const QStringList& args);
int runModels(const QStringList& args);

// --since/--until: ISO 8601 ("2026-11-01", "2026-11-01T12:00:00Z") or an age ("30m", "24h",
// "7d", "2w") before `now`. nullopt when it is neither.
std::optional<QDateTime> parseSince(const QString& text, const QDateTime& now);

}  // namespace ar::tare
