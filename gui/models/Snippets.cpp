#include "models/Snippets.h"

#include <QJsonDocument>

namespace ar::gui::snippets {

QString shellQuote(const QString& text) {
    QString out = text;
    out.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

QString envVars(const QString& baseUrl, const QString& key) {
    return QStringLiteral("export OPENAI_BASE_URL=%1\n"
                          "export AGENTROUTER_API_KEY=%2\n"
                          "export OPENAI_API_KEY=$AGENTROUTER_API_KEY")
        .arg(baseUrl, key.isEmpty() ? QStringLiteral("sk-ar-...") : key);
}

QString curl(const QString& baseUrl) {
    return QStringLiteral("curl -sS %1/chat/completions \\\n"
                          "  -H \"Authorization: Bearer $AGENTROUTER_API_KEY\" \\\n"
                          "  -H 'Content-Type: application/json' \\\n"
                          "  -d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'")
        .arg(baseUrl);
}

QString openAiPython(const QString& baseUrl) {
    return QStringLiteral("import os\n"
                          "from openai import OpenAI\n\n"
                          "client = OpenAI(\n"
                          "    base_url=\"%1\",\n"
                          "    api_key=os.environ[\"AGENTROUTER_API_KEY\"],\n"
                          ")\n"
                          "reply = client.chat.completions.create(\n"
                          "    model=\"gpt-4o-mini\",\n"
                          "    messages=[{\"role\": \"user\", \"content\": \"Hello\"}],\n"
                          ")\n"
                          "print(reply.choices[0].message.content)")
        .arg(baseUrl);
}

QString openAiNode(const QString& baseUrl) {
    return QStringLiteral("import OpenAI from \"openai\";\n\n"
                          "const client = new OpenAI({\n"
                          "  baseURL: \"%1\",\n"
                          "  apiKey: process.env.AGENTROUTER_API_KEY,\n"
                          "});\n"
                          "const reply = await client.chat.completions.create({\n"
                          "  model: \"gpt-4o-mini\",\n"
                          "  messages: [{ role: \"user\", content: \"Hello\" }],\n"
                          "});\n"
                          "console.log(reply.choices[0].message.content);")
        .arg(baseUrl);
}

QString curlForRequest(const QString& baseUrl, const QString& method, const QString& path,
                       const QByteArray& body) {
    QString origin = baseUrl;
    if (origin.endsWith(QLatin1String("/v1"))) origin.chop(3);
    QString cmd = QStringLiteral("curl -sS");
    if (!method.isEmpty() && method != QLatin1String("GET") && method != QLatin1String("POST"))
        cmd += QStringLiteral(" -X ") + method;
    cmd += QLatin1Char(' ') + shellQuote(origin + path);
    cmd += QStringLiteral(" \\\n  -H \"Authorization: Bearer $AGENTROUTER_API_KEY\"");
    if (!body.isEmpty()) {
        // Compact JSON keeps the command on a few lines; anything else goes through verbatim.
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        const QString text = doc.isNull() ? QString::fromUtf8(body)
                                          : QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
        cmd += QStringLiteral(" \\\n  -H 'Content-Type: application/json'");
        cmd += QStringLiteral(" \\\n  -d ") + shellQuote(text);
    }
    return cmd;
}

}  // namespace ar::gui::snippets
