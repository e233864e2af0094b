#include "providers/gemini/GeminiChatTranslator.h"

#include <QDateTime>
#include <QJsonDocument>

#include "providers/gemini/GeminiChatRequest.h"
#include "providers/gemini/GeminiChatResponse.h"
#include "providers/gemini/GeminiWire.h"

namespace ar {

using namespace gemini;

namespace {

// Gemini's responseId ties our id to the upstream's logs; otherwise a random one.
QString completionIdFor(const QJsonObject& response) {
    const QString responseId = response[u"responseId"].toString();
    return responseId.isEmpty() ? newCompletionId() : QStringLiteral("chatcmpl-") + responseId;
}

ApiError unreadable() {
    return ApiError::badGateway(QStringLiteral("Gemini returned a response that is not valid JSON."),
                                QStringLiteral("upstream_invalid_response"));
}

// An error object inside a 200 body or a stream event carries its own HTTP code.
int statusOf(const QJsonObject& error) {
    const int code = error[u"code"].toInt();
    return code >= 400 && code <= 599 ? code : 502;
}

}  // namespace

GeminiChatTranslator::GeminiChatTranslator(const ProviderConfig& provider)
    : m_provider(provider) {}

Result<UpstreamRequest> GeminiChatTranslator::buildRequest(const QJsonObject& request,
                                                           const QString& upstreamModel) {
    if (!isValidModelName(upstreamModel))
        return ApiError::badRequest(
            QStringLiteral("'%1' is not a valid Gemini model name.").arg(upstreamModel),
            QStringLiteral("model"));
    Result<ChatRequestPlan> plan = buildChatRequest(request, upstreamModel);
    if (!plan) return plan.error();

    m_model = upstreamModel;
    m_includeUsage = plan->includeUsage;
    UpstreamRequest upstream;
    upstream.stream = plan->stream;
    upstream.url = methodUrl(m_provider.baseUrl, upstreamModel,
                             plan->stream ? QStringLiteral("streamGenerateContent")
                                          : QStringLiteral("generateContent"),
                             plan->stream);
    upstream.headers = requestHeaders(m_provider);
    upstream.body = compactJson(plan->body);
    return upstream;
}

// ---- whole responses ---------------------------------------------------------------------

QString GeminiChatTranslator::modelOf(const QJsonObject& response) const {
    const QString version = response[u"modelVersion"].toString();
    return version.isEmpty() ? m_model : version;
}

QJsonObject GeminiChatTranslator::responseChoice(const QJsonObject& candidate, int index) const {
    const CandidateOutput output = readParts(candidate[u"content"][u"parts"].toArray());
    QJsonObject message{{"role", "assistant"}};
    // OpenAI sends content null beside tool calls and "" for an empty answer.
    if (!output.text.isEmpty() || output.toolCalls.isEmpty()) message[QStringLiteral("content")] = output.text;
    else message[QStringLiteral("content")] = QJsonValue::Null;
    if (!output.reasoning.isEmpty()) message[QStringLiteral("reasoning_content")] = output.reasoning;
    if (!output.toolCalls.isEmpty()) message[QStringLiteral("tool_calls")] = output.toolCalls;
    const QString finish =
        mapFinishReason(candidate[u"finishReason"].toString(), !output.toolCalls.isEmpty());
    return QJsonObject{{"index", candidate[u"index"].toInt(index)},
                       {"message", message},
                       {"logprobs", QJsonValue::Null},
                       {"finish_reason", finish.isEmpty() ? QStringLiteral("stop") : finish}};
}

// No candidates: the prompt itself was blocked (promptFeedback.blockReason), or nothing came.
QJsonObject GeminiChatTranslator::blockedChoice(const QJsonObject& response) const {
    const bool blocked = !response[u"promptFeedback"][u"blockReason"].toString().isEmpty();
    return QJsonObject{{"index", 0},
                       {"message", QJsonObject{{"role", "assistant"}, {"content", ""}}},
                       {"logprobs", QJsonValue::Null},
                       {"finish_reason", blocked ? "content_filter" : "stop"}};
}

Result<TranslatedBody> GeminiChatTranslator::translateResponse(const QByteArray& body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject()) return unreadable();
    const QJsonObject response = doc.object();
    if (response.contains(u"error")) {
        const QJsonObject error = response[u"error"].toObject();
        return errorFromObject(statusOf(error), error, m_provider.apiKey);
    }

    m_usage = usageFromMetadata(response[u"usageMetadata"].toObject());
    const QJsonArray candidates = response[u"candidates"].toArray();
    QJsonArray choices;
    for (int i = 0; i < candidates.size(); ++i)
        choices.append(responseChoice(candidates.at(i).toObject(), i));
    if (choices.isEmpty()) choices.append(blockedChoice(response));

    QJsonObject out{{"id", completionIdFor(response)},
                    {"object", "chat.completion"},
                    {"created", QDateTime::currentSecsSinceEpoch()},
                    {"model", modelOf(response)},
                    {"choices", choices}};
    if (m_usage.known()) out[QStringLiteral("usage")] = usageToJson(m_usage);
    return TranslatedBody{compactJson(out), m_usage};
}

// ---- streams -----------------------------------------------------------------------------

void GeminiChatTranslator::beginStream(const QJsonObject& event) {
    if (m_streamStarted) return;
    m_streamStarted = true;
    m_streamId = completionIdFor(event);
    m_streamCreated = QDateTime::currentSecsSinceEpoch();
    m_streamModel = modelOf(event);
}

QByteArray GeminiChatTranslator::chunk(int index, const QJsonObject& delta,
                                       const QString& finishReason) const {
    const QJsonObject choice{{"index", index},
                             {"delta", delta},
                             {"finish_reason", finishReason.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                      : QJsonValue(finishReason)}};
    return compactJson(QJsonObject{{"id", m_streamId},
                                   {"object", "chat.completion.chunk"},
                                   {"created", m_streamCreated},
                                   {"model", m_streamModel},
                                   {"choices", QJsonArray{choice}}});
}

// The first sighting of a choice opens it with the role chunk OpenAI clients expect.
GeminiChatTranslator::ChoiceState& GeminiChatTranslator::openChoice(int index,
                                                                     QList<QByteArray>& out) {
    if (!m_choices.contains(index))
        out.append(chunk(index, QJsonObject{{"role", "assistant"}, {"content", ""}}));
    return m_choices[index];
}

void GeminiChatTranslator::streamPart(const QJsonObject& part, int index, ChoiceState& state,
                                      QList<QByteArray>& out) {
    if (part.contains(u"functionCall")) {
        // Gemini sends function calls whole: one complete tool_calls delta each.
        QJsonObject call = toolCallFromPart(part);
        call[QStringLiteral("index")] = state.toolCalls++;
        state.sawFunctionCall = true;
        out.append(chunk(index, QJsonObject{{"tool_calls", QJsonArray{call}}}));
        return;
    }
    const QString text = part[u"text"].toString();
    if (text.isEmpty()) return;  // e.g. Gemini 3's empty-text STOP chunk
    const char* key = part[u"thought"].toBool() ? "reasoning_content" : "content";
    out.append(chunk(index, QJsonObject{{key, text}}));
}

void GeminiChatTranslator::streamCandidate(const QJsonObject& candidate, QList<QByteArray>& out) {
    const int index = candidate[u"index"].toInt(0);
    ChoiceState& state = openChoice(index, out);
    for (const QJsonValue& part : candidate[u"content"][u"parts"].toArray())
        streamPart(part.toObject(), index, state, out);
    const QString finish = mapFinishReason(candidate[u"finishReason"].toString(), state.sawFunctionCall);
    if (finish.isEmpty() || state.finished) return;
    state.finished = true;
    out.append(chunk(index, QJsonObject(), finish));
}

Status GeminiChatTranslator::translateEvent(const SseEvent& event, QList<QByteArray>& out) {
    const QByteArray data = event.data.trimmed();
    if (data.isEmpty() || data == "[DONE]") return Ok{};  // Gemini sends no [DONE]; be lenient
    const QJsonDocument doc = QJsonDocument::fromJson(data);
    if (!doc.isObject()) return unreadable();
    const QJsonObject response = doc.object();
    if (response.contains(u"error")) {
        const QJsonObject error = response[u"error"].toObject();
        return errorFromObject(statusOf(error), error, m_provider.apiKey);
    }

    beginStream(response);
    // Every chunk repeats the cumulative usage: keep the latest, never add.
    if (response.contains(u"usageMetadata"))
        m_usage = usageFromMetadata(response[u"usageMetadata"].toObject());
    const QJsonArray candidates = response[u"candidates"].toArray();
    for (const QJsonValue& candidate : candidates) streamCandidate(candidate.toObject(), out);
    if (candidates.isEmpty() && !response[u"promptFeedback"][u"blockReason"].toString().isEmpty()) {
        ChoiceState& state = openChoice(0, out);
        state.finished = true;
        out.append(chunk(0, QJsonObject(), QStringLiteral("content_filter")));
    }
    return Ok{};
}

bool GeminiChatTranslator::streamComplete() const {
    if (m_choices.isEmpty()) return false;
    for (const ChoiceState& state : m_choices)
        if (!state.finished) return false;
    return true;
}

Status GeminiChatTranslator::finishStream(QList<QByteArray>& out) {
    if (!streamComplete())
        return ApiError::badGateway(QStringLiteral("upstream stream ended before completion"),
                                    QStringLiteral("upstream_stream_cut"));
    if (m_includeUsage)
        out.append(compactJson(QJsonObject{{"id", m_streamId},
                                           {"object", "chat.completion.chunk"},
                                           {"created", m_streamCreated},
                                           {"model", m_streamModel},
                                           {"choices", QJsonArray()},
                                           {"usage", usageToJson(m_usage)}}));
    return Ok{};
}

ApiError GeminiChatTranslator::translateError(int status, const QByteArray& body) const {
    return errorFromBody(status, body, m_provider.apiKey);
}

}  // namespace ar
