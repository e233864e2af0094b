// OpenAI /v1/embeddings <-> Gemini batchEmbedContents.

#include <QtEndian>
#include <cstring>

#include "GeminiTestSupport.h"
#include "providers/gemini/GeminiEmbeddingsTranslator.h"

namespace ar {
namespace {

using namespace gemini_test;

const QByteArray kTwoEmbeddings = R"({
  "embeddings": [
    {
      "values": [
        -0.011345503,
        0.05836822,
        0.1
      ]
    },
    {
      "values": [
        0.25,
        -1.5,
        3.0000001
      ]
    }
  ]
}
)";

TEST(GeminiEmbeddings, BatchWithListInputAndDimensions) {
    GeminiEmbeddingsTranslator t(provider());
    Result<UpstreamRequest> r = t.buildRequest(
        obj(R"({"model":"text-embedding-3-small","input":["First text","Second text"],"dimensions":768})"),
        QStringLiteral("gemini-embedding-001"));
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->stream);
    EXPECT_EQ(r->url.toString(),
              "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
    EXPECT_EQ(header(*r, "x-goog-api-key"), kApiKey);
    EXPECT_EQ(header(*r, "content-type"), "application/json");
    EXPECT_EQ(header(*r, "x-goog-user-project"), "demo-project");
    EXPECT_JSON_EQ(obj(r->body), obj(R"({"requests":[
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"First text"}]},"outputDimensionality":768},
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"Second text"}]},"outputDimensionality":768}]})"));
}

TEST(GeminiEmbeddings, SingleStringGoesThroughBatchWithoutDimensions) {
    GeminiEmbeddingsTranslator t(provider());
    Result<UpstreamRequest> r = t.buildRequest(obj(R"({"input":"hello world"})"),
                                               QStringLiteral("gemini-embedding-001"));
    ASSERT_TRUE(r.ok());
    EXPECT_JSON_EQ(obj(r->body), obj(R"({"requests":[
        {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello world"}]}}]})"));
}

TEST(GeminiEmbeddings, FloatResponseWithEstimatedUsage) {
    GeminiEmbeddingsTranslator t(provider());
    // 10 and 13 chars -> ceil(10/4) + ceil(13/4) = 3 + 4 = 7 estimated tokens.
    ASSERT_TRUE(t.buildRequest(obj(R"({"input":["First text","Second text!!"],"encoding_format":"float"})"),
                               QStringLiteral("gemini-embedding-001")).ok());
    Result<TranslatedBody> r = t.translateResponse(kTwoEmbeddings);
    ASSERT_TRUE(r.ok());
    EXPECT_JSON_EQ(obj(r->body), obj(R"({"object":"list","model":"gemini-embedding-001",
        "data":[{"object":"embedding","index":0,"embedding":[-0.011345503,0.05836822,0.1]},
                {"object":"embedding","index":1,"embedding":[0.25,-1.5,3.0000001]}],
        "usage":{"prompt_tokens":7,"total_tokens":7}})"));
    EXPECT_EQ(r->usage.promptTokens, 7);
    EXPECT_EQ(r->usage.completionTokens, 0);
    EXPECT_TRUE(r->usage.estimated);
    EXPECT_TRUE(t.usage().estimated);
}

// batchEmbedContents reports usageMetadata.promptTokenCount (gemini-embedding models do); only an
// answer without it is estimated.
struct EmbeddingUsageCase {
    const char* name;
    QByteArray response;  // a body, or "@file" under tests/data/gemini
    qint64 promptTokens;
    bool estimated;
};

class GeminiEmbeddingUsage : public ::testing::TestWithParam<EmbeddingUsageCase> {};

TEST_P(GeminiEmbeddingUsage, PromptTokens) {
    GeminiEmbeddingsTranslator t(provider());
    ASSERT_TRUE(t.buildRequest(obj(R"({"input":["First text","Second text!!"]})"),
                               QStringLiteral("gemini-embedding-001")).ok());
    const QByteArray& response = GetParam().response;
    Result<TranslatedBody> r = t.translateResponse(
        response.startsWith('@') ? readData(response.mid(1).constData()) : response);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->usage.promptTokens, GetParam().promptTokens);
    EXPECT_EQ(r->usage.estimated, GetParam().estimated);
    EXPECT_EQ(obj(r->body)[u"usage"][u"prompt_tokens"].toInteger(), GetParam().promptTokens);
    EXPECT_EQ(obj(r->body)[u"usage"][u"total_tokens"].toInteger(), GetParam().promptTokens);
}

INSTANTIATE_TEST_SUITE_P(
    All, GeminiEmbeddingUsage,
    ::testing::Values(
        EmbeddingUsageCase{"reported", "@batch_embed_contents.json", 6, false},
        EmbeddingUsageCase{"reportedZero", R"({"embeddings":[{"values":[0.5]},{"values":[0.25]}],
                                               "usageMetadata":{"promptTokenCount":0}})", 0, false},
        // 10 and 13 chars -> ceil(10/4) + ceil(13/4) = 7.
        EmbeddingUsageCase{"absentIsEstimated", kTwoEmbeddings, 7, true},
        EmbeddingUsageCase{"emptyMetadataIsEstimated", R"({"embeddings":[{"values":[0.5]},{"values":[0.25]}],
                                                          "usageMetadata":{}})", 7, true}),
    [](const ::testing::TestParamInfo<EmbeddingUsageCase>& info) { return std::string(info.param.name); });

// The OpenAI SDKs send encoding_format "base64" by default and decode little-endian float32.
TEST(GeminiEmbeddings, Base64RoundTrip) {
    GeminiEmbeddingsTranslator t(provider());
    ASSERT_TRUE(t.buildRequest(obj(R"({"input":["a","b"],"encoding_format":"base64"})"),
                               QStringLiteral("gemini-embedding-001")).ok());
    Result<TranslatedBody> r = t.translateResponse(kTwoEmbeddings);
    ASSERT_TRUE(r.ok());
    const QJsonArray data = obj(r->body)[u"data"].toArray();
    const QJsonArray source = obj(kTwoEmbeddings)[u"embeddings"].toArray();
    ASSERT_EQ(data.size(), 2);
    for (int i = 0; i < 2; ++i) {
        const QByteArray bytes = QByteArray::fromBase64(data.at(i)[u"embedding"].toString().toLatin1());
        const QJsonArray values = source.at(i)[u"values"].toArray();
        ASSERT_EQ(bytes.size(), values.size() * 4);
        for (int k = 0; k < values.size(); ++k) {
            const quint32 bits = qFromLittleEndian<quint32>(bytes.constData() + k * 4);
            float f = 0;
            std::memcpy(&f, &bits, sizeof f);
            EXPECT_EQ(f, static_cast<float>(values.at(k).toDouble())) << i << "/" << k;
        }
    }
    // A known value pins the byte order: 0.25f is 0x3E800000 -> bytes 00 00 80 3E.
    const QByteArray second = QByteArray::fromBase64(data.at(1)[u"embedding"].toString().toLatin1());
    EXPECT_EQ(second.left(4), QByteArray::fromHex("0000803e"));
}

struct BadEmbeddingCase {
    const char* request;
    const char* param;
};

class GeminiBadEmbedding : public ::testing::TestWithParam<BadEmbeddingCase> {};

TEST_P(GeminiBadEmbedding, Is400) {
    GeminiEmbeddingsTranslator t(provider());
    Result<UpstreamRequest> r = t.buildRequest(obj(GetParam().request), QStringLiteral("gemini-embedding-001"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().param, GetParam().param);
}

INSTANTIATE_TEST_SUITE_P(
    All, GeminiBadEmbedding,
    ::testing::Values(BadEmbeddingCase{R"({"input":[1,2,3]})", "input"},
                      BadEmbeddingCase{R"({"input":[[1,2],[3]]})", "input"},
                      BadEmbeddingCase{R"({"input":[]})", "input"},
                      BadEmbeddingCase{R"({"input":""})", "input"},
                      BadEmbeddingCase{R"({})", "input"},
                      BadEmbeddingCase{R"({"input":"x","dimensions":0})", "dimensions"},
                      BadEmbeddingCase{R"({"input":"x","dimensions":"big"})", "dimensions"},
                      BadEmbeddingCase{R"({"input":"x","encoding_format":"int8"})", "encoding_format"}));

TEST(GeminiEmbeddings, MoreThanOneHundredInputsIs400) {
    QJsonArray inputs;
    for (int i = 0; i < GeminiEmbeddingsTranslator::kMaxInputs + 1; ++i) inputs.append(QStringLiteral("t%1").arg(i));
    GeminiEmbeddingsTranslator t(provider());
    Result<UpstreamRequest> r = t.buildRequest(QJsonObject{{"input", inputs}}, QStringLiteral("gemini-embedding-001"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().param, "input");
    inputs.removeLast();
    EXPECT_TRUE(t.buildRequest(QJsonObject{{"input", inputs}}, QStringLiteral("gemini-embedding-001")).ok());
}

TEST(GeminiEmbeddings, CountMismatchIsBadGateway) {
    GeminiEmbeddingsTranslator t(provider());
    ASSERT_TRUE(t.buildRequest(obj(R"({"input":["a","b","c"]})"), QStringLiteral("gemini-embedding-001")).ok());
    Result<TranslatedBody> r = t.translateResponse(kTwoEmbeddings);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 502);
    EXPECT_FALSE(t.translateResponse("not json").ok());
}

TEST(GeminiEmbeddings, StreamMethodsAreInert) {
    GeminiEmbeddingsTranslator t(provider());
    QList<QByteArray> out;
    EXPECT_TRUE(t.translateEvent(SseEvent{{}, "{}"}, out).ok());
    EXPECT_TRUE(t.streamComplete());
    EXPECT_TRUE(t.finishStream(out).ok());
    EXPECT_TRUE(out.isEmpty());
    EXPECT_FALSE(t.usage().known());
}

}  // namespace
}  // namespace ar
