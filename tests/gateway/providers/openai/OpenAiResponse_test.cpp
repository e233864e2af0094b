// Pass-through answers: the body reaches the client byte for byte and only its top-level
// "usage" is read, without a full parse.
#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstring>
#include <random>
#include <string>

#include "providers/openai/JsonMember.h"
#include "providers/openai/OpenAiTranslator.h"
#include "support/TestData.h"

namespace ar::test {
namespace {

TEST(JsonMember, FindsTheTopLevelMemberOnly) {
    struct Case {
        const char* json;
        const char* expected;  // nullptr: not one balanced object
    };
    const Case cases[] = {
        {R"({"usage":{"a":1}})", R"({"a":1})"},
        {R"( { "id" : "x" , "usage" : { "a" : [1,2] } , "z" : 3 } )", R"({ "a" : [1,2] })"},
        // Same name inside a string, an escaped quote, a nested object or an array: not taken.
        {R"({"content":"{\"usage\":{\"a\":9}}","usage":{"a":1}})", R"({"a":1})"},
        {R"({"choices":[{"usage":{"a":9}}],"meta":{"usage":2},"usage":null})", "null"},
        {R"({"id":"usage","n":"\\"})", ""},  // a value named usage, a string ending in a backslash
        {R"({})", ""},
        {R"({"usage":{"a":1})", nullptr},   // unbalanced
        {R"({"a":"unterminated})", nullptr},
        {R"({"a":1}{"b":2})", nullptr},      // text after the object
        {R"([{"usage":1}])", nullptr},       // not an object
        {"<html>502 Bad Gateway</html>", nullptr},
        {"", nullptr},
    };
    for (const Case& c : cases) {
        const auto got = json_member::topLevel(QByteArrayView(c.json), "usage");
        if (!c.expected) {
            EXPECT_FALSE(got.has_value()) << c.json;
            continue;
        }
        ASSERT_TRUE(got.has_value()) << c.json;
        EXPECT_EQ(got->toByteArray(), QByteArray(c.expected)) << c.json;
    }
}

// Random JSON values with the bytes that matter to a member's extent (quotes, escaped quotes,
// brackets and commas inside strings, long arrays of numbers), nested a few levels.
QJsonValue randomValue(std::mt19937& rng, int depth) {
    switch (rng() % (depth > 3 ? 3 : 6)) {
        case 0: return double(int(rng() % 2000000) - 1000000) / 1000.0;
        case 1: {
            static const char* const pieces[] = {"a", "\\\"", "{", "}", "[", "]", ",", "\\", " ", "usage", ":"};
            QString text;
            for (int n = int(rng() % 12); n > 0; --n) text += QString::fromUtf8(pieces[rng() % 11]);
            return text;
        }
        case 2: return rng() % 2 ? QJsonValue(true) : QJsonValue();
        case 3:
        case 4: {
            QJsonArray a;
            for (int n = int(rng() % (depth == 0 ? 300 : 8)); n > 0; --n) a.append(randomValue(rng, depth + 1));
            return a;
        }
        default: {
            QJsonObject o;
            for (int n = int(rng() % 6); n > 0; --n) o.insert(QStringLiteral("k%1").arg(rng() % 50), randomValue(rng, depth + 1));
            return o;
        }
    }
}

TEST(JsonMember, ReadsEveryMemberOfRandomObjectsExactly) {
    std::mt19937 rng(4);
    for (int run = 0; run < 400; ++run) {
        QJsonObject object;
        for (int n = 1 + int(rng() % 6); n > 0; --n) object.insert(QStringLiteral("m%1").arg(n), randomValue(rng, 0));
        const QByteArray text = QJsonDocument(object).toJson(run % 2 ? QJsonDocument::Compact : QJsonDocument::Indented);
        QStringList keys;
        const bool ok = json_member::forEach(text, [&](QByteArrayView key, QByteArrayView value) {
            keys.append(QString::fromUtf8(key));
            // Each raw value, parsed on its own, is the member that was written.
            const QByteArray wrapped = "[" + value.toByteArray() + "]";
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
            EXPECT_EQ(error.error, QJsonParseError::NoError) << wrapped.left(200).constData();
            EXPECT_EQ(doc.array().first(), object.value(QString::fromUtf8(key))) << "run " << run;
            return true;
        });
        ASSERT_TRUE(ok) << text.left(300).constData();
        EXPECT_EQ(keys, object.keys()) << "run " << run;
        // Cut anywhere inside, the text is no longer one balanced object.
        const qsizetype cut = 1 + qsizetype(rng() % quint32(text.size() - 1));
        const QByteArray truncated = text.left(cut);
        if (!truncated.trimmed().endsWith('}')) {
            EXPECT_FALSE(json_member::forEach(truncated, [](QByteArrayView, QByteArrayView) { return true; }))
                << truncated.right(80).constData();
        }
    }
}

TEST(JsonMember, MentionsUsageObjectOnlyForAUsageKeyWithAnObject) {
    EXPECT_TRUE(json_member::mentionsUsageObject(R"({"choices":[],"usage":{"prompt_tokens":1}})"));
    EXPECT_TRUE(json_member::mentionsUsageObject(R"({"usage" :  {"a":1}})"));
    EXPECT_TRUE(json_member::mentionsUsageObject("{\"usage\":\n{}}"));
    EXPECT_TRUE(json_member::mentionsUsageObject(R"({"x":"usage","usage":{}})")) << "a later occurrence";
    EXPECT_FALSE(json_member::mentionsUsageObject(R"({"choices":[{"delta":{"content":"usage"}}]})"));
    EXPECT_FALSE(json_member::mentionsUsageObject(R"({"usage":null})"));
    EXPECT_FALSE(json_member::mentionsUsageObject(R"({"usage_hint":{}})"));
    EXPECT_FALSE(json_member::mentionsUsageObject(R"({"usage")"));
    EXPECT_FALSE(json_member::mentionsUsageObject(""));
    EXPECT_TRUE(json_member::mentionsUsageObject(R"("usage":{})")) << "the key at the very start";
    EXPECT_TRUE(json_member::mentionsUsageObject(R"({"u":1,"uusage":{},"use":"u","usage":{"a":1}})"));
    EXPECT_FALSE(json_member::mentionsUsageObject(R"({"u":"uu","usage":[{}]})"));
}

TEST(JsonMember, MentionsUsageObjectAgreesWithAPlainSearchOnRandomText) {
    // The definition, written the slow way: some "usage" followed by blanks, ':', blanks, '{'.
    auto reference = [](const std::string& s) {
        for (size_t at = s.find("\"usage\""); at != std::string::npos; at = s.find("\"usage\"", at + 1)) {
            size_t q = at + 7;
            while (q < s.size() && std::strchr(" \n\r\t", s[q]) && s[q]) ++q;
            if (q >= s.size() || s[q] != ':') continue;
            ++q;
            while (q < s.size() && std::strchr(" \n\r\t", s[q]) && s[q]) ++q;
            if (q < s.size() && s[q] == '{') return true;
        }
        return false;
    };
    std::mt19937 rng(8);
    const std::string alphabet = "\"usage:{ u\"usage\"x";
    int found = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string s;
        const int n = int(rng() % 40);
        for (int k = 0; k < n; ++k) s += alphabet[rng() % alphabet.size()];
        if (rng() % 4 == 0) s.insert(rng() % (s.size() + 1), "\"usage\":{");
        const bool expected = reference(s);
        found += expected;
        ASSERT_EQ(json_member::mentionsUsageObject(QByteArrayView(s.data(), qsizetype(s.size()))), expected) << s;
    }
    EXPECT_GT(found, 1000);  // both answers were exercised
}

ProviderConfig openAi() {
    ProviderConfig p;
    p.id = QStringLiteral("openai");
    p.type = QStringLiteral("openai");
    p.baseUrl = QUrl(QStringLiteral("https://api.openai.com/v1"));
    return p;
}

TEST(OpenAiResponse, BodyPassesUnchangedAndUsageIsRead) {
    const ProviderConfig p = openAi();
    OpenAiTranslator t(p, Endpoint::ChatCompletions);
    const QByteArray body = testData("openai/chat_completion.json");
    ASSERT_FALSE(body.isEmpty());
    auto out = t.translateResponse(body);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->body, body);  // byte for byte
    EXPECT_EQ(out->usage.promptTokens, 19);
    EXPECT_EQ(out->usage.completionTokens, 8);
    EXPECT_EQ(out->usage.cachedTokens, 0);
}

TEST(OpenAiResponse, CachedAndReasoningTokensInOpenAiSemantics) {
    const ProviderConfig p = openAi();
    OpenAiTranslator t(p, Endpoint::ChatCompletions);
    auto out = t.translateResponse(
        R"({"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"\"usage\": {\"prompt_tokens\": 1}"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                     "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
                     "completion_tokens_details":{"reasoning_tokens":192,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}})");
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->usage.promptTokens, 2006);
    EXPECT_EQ(out->usage.cachedTokens, 1920);
    EXPECT_EQ(out->usage.completionTokens, 300);
    EXPECT_EQ(out->usage.reasoningTokens, 192);
}

TEST(OpenAiResponse, NoUsageIsUnknownAndNonJsonIsA502) {
    const ProviderConfig p = openAi();
    OpenAiTranslator t(p, Endpoint::ChatCompletions);
    auto none = t.translateResponse(R"({"id":"c","choices":[]})");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->usage.known());
    auto html = t.translateResponse("<html><body>upstream proxy error</body></html>");
    ASSERT_FALSE(html.ok());
    EXPECT_EQ(html.error().status, 502);
    EXPECT_EQ(html.error().code, "upstream_invalid_response");
}

}  // namespace
}  // namespace ar::test
