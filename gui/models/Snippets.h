#pragma once

#include <QByteArray>
#include <QString>

namespace ar::gui::snippets {

// Ready-to-paste client setups. `key` may be empty: the snippet then reads the key from
// $AGENTROUTER_API_KEY instead of embedding it.
QString envVars(const QString& baseUrl, const QString& key = {});
QString curl(const QString& baseUrl, const QString& key = {});
QString openAiPython(const QString& baseUrl, const QString& key = {});
QString openAiNode(const QString& baseUrl, const QString& key = {});

// A recorded request replayed as curl. The key is never included: the command reads
// $AGENTROUTER_API_KEY. `baseUrl` ends in /v1; `path` starts with /v1.
QString curlForRequest(const QString& baseUrl, const QString& method, const QString& path,
                       const QByteArray& body);

// 'text' quoted for a POSIX shell.
QString shellQuote(const QString& text);

}  // namespace ar::gui::snippets
