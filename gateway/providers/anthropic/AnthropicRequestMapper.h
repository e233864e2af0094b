#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include "core/Result.h"

namespace ar::anthropic {

// An OpenAI chat request rewritten as an Anthropic Messages request.
struct MappedRequest {
    QJsonObject body;
    bool stream = false;
    bool includeUsage = false;  // the client asked for stream_options.include_usage
    QList<QByteArray> betas;    // anthropic-beta features the body relies on
};

// OpenAI chat.completions request -> Anthropic Messages request for `model`. Inputs Anthropic
// cannot honour are a 400 naming the offending parameter; OpenAI-only tuning knobs with no
// Anthropic meaning (frequency_penalty, logprobs, seed, ...) are dropped.
Result<MappedRequest> mapChatRequest(const QJsonObject& request, const QString& model);

}  // namespace ar::anthropic
