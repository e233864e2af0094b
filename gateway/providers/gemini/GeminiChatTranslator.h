#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include "providers/ProviderConfig.h"
#include "providers/Translator.h"

namespace ar {

// OpenAI chat.completions <-> Gemini v1beta generateContent / streamGenerateContent?alt=sse.
//
// Tool calls: Gemini gives function calls no id, so each gets a fresh random "call_..." id.
// Gemini 3 needs each call's thoughtSignature back on the next turn; it travels in the tool
// call's extra_content.google.thought_signature (Google's own OpenAI-compat convention) and
// is also remembered per id in-process for clients that drop unknown fields.
class GeminiChatTranslator final : public Translator {
public:
    explicit GeminiChatTranslator(const ProviderConfig& provider);

    Result<UpstreamRequest> buildRequest(const QJsonObject& request,
                                         const QString& upstreamModel) override;
    Result<TranslatedBody> translateResponse(const QByteArray& body) override;
    Status translateEvent(const SseEvent& event, QList<QByteArray>& out) override;
    bool streamComplete() const override;
    Status finishStream(QList<QByteArray>& out) override;
    Usage usage() const override { return m_usage; }
    ApiError translateError(int status, const QByteArray& body) const override;

private:
    struct ChoiceState {
        bool finished = false;
        bool sawFunctionCall = false;
        int toolCalls = 0;  // OpenAI tool_calls[].index counts calls across the stream
    };

    QJsonObject responseChoice(const QJsonObject& candidate, int index) const;
    QJsonObject blockedChoice(const QJsonObject& response) const;
    QString modelOf(const QJsonObject& response) const;

    void beginStream(const QJsonObject& event);
    QByteArray chunk(int index, const QJsonObject& delta, const QString& finishReason = {}) const;
    ChoiceState& openChoice(int index, QList<QByteArray>& out);
    void streamCandidate(const QJsonObject& candidate, QList<QByteArray>& out);
    void streamPart(const QJsonObject& part, int index, ChoiceState& state,
                    QList<QByteArray>& out);

    ProviderConfig m_provider;
    QString m_model;
    bool m_includeUsage = false;
    Usage m_usage;

    // Stream state: one id/created/model for the whole stream.
    bool m_streamStarted = false;
    QString m_streamId;
    qint64 m_streamCreated = 0;
    QString m_streamModel;
    QHash<int, ChoiceState> m_choices;
};

}  // namespace ar
