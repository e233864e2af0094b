#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

#include "api/ApiError.h"
#include "providers/Usage.h"

// Anthropic Messages API wire vocabulary and the small typed pieces the translator shares
// between the whole-body and the streaming paths. No OpenAI request mapping lives here.
namespace ar::anthropic {

inline constexpr char kDefaultVersion[] = "2023-06-01";
inline constexpr char kMessagesPath[] = "/messages";
inline constexpr char kStructuredOutputsBeta[] = "structured-outputs-2025-11-13";
inline constexpr int kDefaultMaxTokens = 4096;

// Header names (lower case, as HTTP/2 sends them).
inline constexpr char kApiKeyHeader[] = "x-api-key";
inline constexpr char kVersionHeader[] = "anthropic-version";
inline constexpr char kBetaHeader[] = "anthropic-beta";

// Stream event types (the `type` of each data payload; equal to the `event:` name).
namespace event {
inline constexpr char kMessageStart[] = "message_start";
inline constexpr char kContentBlockStart[] = "content_block_start";
inline constexpr char kContentBlockDelta[] = "content_block_delta";
inline constexpr char kContentBlockStop[] = "content_block_stop";
inline constexpr char kMessageDelta[] = "message_delta";
inline constexpr char kMessageStop[] = "message_stop";
inline constexpr char kPing[] = "ping";
inline constexpr char kError[] = "error";
}  // namespace event

// Content block types.
namespace block {
inline constexpr char kText[] = "text";
inline constexpr char kImage[] = "image";
inline constexpr char kToolUse[] = "tool_use";
inline constexpr char kToolResult[] = "tool_result";
inline constexpr char kThinking[] = "thinking";
inline constexpr char kRedactedThinking[] = "redacted_thinking";
}  // namespace block

// content_block_delta delta types.
namespace delta {
inline constexpr char kText[] = "text_delta";
inline constexpr char kInputJson[] = "input_json_delta";
inline constexpr char kThinking[] = "thinking_delta";
inline constexpr char kSignature[] = "signature_delta";
}  // namespace delta

// Token counts as Anthropic reports them. Every field is optional because message_delta
// may repeat some counts (2026 shape) or carry only output_tokens (2024 shape): an absent
// field must never overwrite a known one, and is never read as zero.
struct WireUsage {
    std::optional<qint64> inputTokens;  // excludes cache reads and writes
    std::optional<qint64> outputTokens;
    std::optional<qint64> cacheReadTokens;      // cache_read_input_tokens
    std::optional<qint64> cacheCreationTokens;  // cache_creation_input_tokens

    // Sets the fields present in `usage` (counts are cumulative: set, never add).
    void merge(const QJsonObject& usage);
    // OpenAI semantics: prompt = input + cache read + cache creation.
    Usage toUsage() const;
    // OpenAI `usage` object; empty when nothing is known.
    QJsonObject toOpenAiJson() const;
};

// Anthropic stop_reason -> OpenAI finish_reason.
QString finishReasonFor(const QString& stopReason);

// Anthropic's 529 "overloaded" is not a status OpenAI clients know; they retry 503.
int clientStatusFor(int upstreamStatus);

// The HTTP status Anthropic documents for an error type, used for in-band stream errors
// that arrive after the 200.
int statusForErrorType(const QString& errorType);

// {"type":"error","error":{"type","message"},"request_id"} -> ApiError with `status`.
// Returns nullopt when `envelope` is not an Anthropic error envelope.
std::optional<ApiError> errorFromEnvelope(const QJsonObject& envelope, int status);

}  // namespace ar::anthropic
