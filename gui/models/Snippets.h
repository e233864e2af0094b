#pragma once

#include <QByteArray>
#include <QString>

namespace ar::gui::snippets {

// Ready-to-paste client setups. Only the environment snippet holds the key (when given; else a
// placeholder): the code snippets read it from $AGENTROUTER_API_KEY, so a key never ends up in
// source files or shell history by way of a pasted snippet.
QString envVars(const QString& baseUrl, const QString& key = {});
QString curl(const QString& baseUrl);
QString openAiPython(const QString& baseUrl);
QString openAiNode(const QString& baseUrl);

// A recorded request replayed as curl. The key is never included: the command reads
// $AGENTROUTER_API_KEY. `baseUrl` ends in /v1; `path` starts with /v1.
QString curlForRequest(const QString& baseUrl, const QString& method, const QString& path,
                       const QByteArray& body);

// 'text' quoted for a POSIX shell.
QString shellQuote(const QString& text);

}  // namespace ar::gui::snippets
