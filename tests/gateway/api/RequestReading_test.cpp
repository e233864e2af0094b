// readRequest() checks bodies without a QJsonDocument; parseAndValidate() (a QJsonDocument and
// the checks on it) is the reference. Differential: hand-written edge cases and thousands of
// deterministic mutations of valid requests must get the same answer from both, and the raw
// validator must never accept what QJsonDocument refuses.
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <gtest/gtest.h>
#include <random>

#include "api/JsonScan.h"
#include "api/RequestValidation.h"

namespace ar {
namespace {

constexpr Endpoint kEndpoints[] = {Endpoint::ChatCompletions, Endpoint::Embeddings,
                                   Endpoint::ImageGenerations};

bool qtAcceptsObject(const QByteArray& json) {
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &e);
    return e.error == QJsonParseError::NoError && doc.isObject();
}

// Forms Qt takes that json_scan leaves to it on purpose (see JsonScan.h): a BOM, numbers
// outside RFC 8259 ("1.", ".5"), three-digit exponents, escaped non-ASCII bytes.
// (Matched anywhere, strings included: the seeds below have no '.' in their texts.)
bool hasLenientQtForm(const QByteArray& json) {
    static const QRegularExpression forms(
        QStringLiteral("[^0-9]\\.|\\.[^0-9]|[eE][+-]?[0-9]{3}|\\\\[^\\x00-\\x7F]"));
    return json.startsWith("\xEF\xBB\xBF") || forms.match(QString::fromUtf8(json)).hasMatch();
}

std::string describe(const ApiError& e) {
    return QStringLiteral("%1 %2 | %3 | %4 | %5").arg(e.status).arg(e.type, e.message, e.param, e.code).toStdString();
}

struct Tally {
    int inputs = 0, validatorAccepted = 0, validatorLenientMisses = 0, fastOk = 0, fastErrors = 0,
        slowOk = 0, slowErrors = 0;
};

// Same decision for one body on one endpoint; fills `tally`.
void expectSameAnswer(const QByteArray& body, Endpoint endpoint, Tally& tally) {
    SCOPED_TRACE(body.toStdString());
    SCOPED_TRACE(int(endpoint));
    const bool valid = json_scan::isValidObject(body);
    const bool qtValid = qtAcceptsObject(body);
    if (valid) {
        ++tally.validatorAccepted;
        EXPECT_TRUE(qtValid) << "the validator accepted what QJsonDocument refuses";
    } else if (qtValid) {
        ++tally.validatorLenientMisses;
        EXPECT_TRUE(hasLenientQtForm(body)) << "the validator refused a plain JSON object";
    }
    const Result<QJsonObject> reference = parseAndValidate(endpoint, body);
    const Result<ClientRequest> read = readRequest(endpoint, body);
    ASSERT_EQ(read.ok(), reference.ok()) << (read.ok() ? describe(reference.error()) : describe(read.error()));
    if (!reference.ok()) {
        EXPECT_EQ(describe(read.error()), describe(reference.error()));
        // Valid JSON failing the checks (decided on the raw body unless a checked name is
        // escaped), or invalid JSON (QJsonDocument's error text).
        ++(valid ? tally.fastErrors : tally.slowErrors);
        return;
    }
    const ClientRequest& r = read.value();
    const QJsonObject& o = reference.value();
    EXPECT_EQ(r.model().toStdString(), o.value(QStringLiteral("model")).toString().toStdString());
    EXPECT_EQ(r.stream(), o.value(QStringLiteral("stream")).toBool());
    EXPECT_EQ(r.includeUsage(),
              o.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool());
    EXPECT_EQ(r.body(), body);
    ++(r.hasObject() ? tally.slowOk : tally.fastOk);
    if (!r.hasObject()) {
        EXPECT_TRUE(valid);  // only valid JSON is read without a document
    }
    EXPECT_EQ(r.object(), o);  // the lazily built object is the reference one
}

TEST(JsonScan, AcceptsEveryFormRequestsUse) {
    const char* bodies[] = {
        R"({})",
        " \t\r\n{ } \n",
        R"({"a":1,"b":-0,"c":0.5,"d":-12.25e+10,"e":1E-5,"f":10e99,"g":12345678901234567890})",
        R"({"a":true,"b":false,"c":null,"d":[],"e":{},"f":[[],[{}]],"g":"","h":[1,"x",null]})",
        R"({"s":"quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \uD83D\uDE00 \uFFFF"})",
        "{\"utf8\":\"h\xC3\xA9llo \xE2\x98\x83 \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF\"}",
        "{\"raw control characters, as Qt takes them\":\"a\tb\x01\"}",
        R"({"unknown escape, as Qt takes it":"\x \' \a"})",
        R"({"lone surrogate escapes, as Qt takes them":"\ud800 \udfff"})",
        R"({"dup":1,"dup":"two"})",
    };
    for (const char* b : bodies) {
        EXPECT_TRUE(json_scan::isValidObject(b)) << b;
        EXPECT_TRUE(qtAcceptsObject(b)) << b;
    }
}

TEST(JsonScan, RefusesWhatQtRefuses) {
    const char* bodies[] = {
        "", " ", "[]", "[{}]", "\"x\"", "1", "null", "{", "}", "{}}", "{} x", "{},",
        R"({"a"})", R"({"a":})", R"({"a":1,})", R"({,"a":1})", R"({"a":1 "b":2})", R"({a:1})",
        R"({"a":[1,]})", R"({"a":[,1]})", R"({"a":[1 2]})", R"({"a":01})", R"({"a":-})",
        R"({"a":+1})", R"({"a":1e})", R"({"a":1e+})", R"({"a":1e400})", R"({"a":-1e999})",
        R"({"a":tru})", R"({"a":True})", R"({"a":nul})", R"({"a":NaN})", R"({"a":Infinity})",
        R"({"a":"unterminated})", R"({"a":"\u12"})", R"({"a":"\u12G4"})", R"({"a":"\)",
        "{\"a\":\"\xC3\"}", "{\"a\":\"\xC0\xAF\"}", "{\"a\":\"\xED\xA0\x80\"}",
        "{\"a\":\"\xF4\x90\x80\x80\"}", "{\"a\":\"\xE2\x82\"}", "{\"a\":\"\x80\"}",
        "{\"a\":\"\xFF\"}", "{\"\xC3\":1}", R"({"a":'x'})", R"({"a":1}/**/)",
    };
    for (const char* b : bodies) {
        EXPECT_FALSE(json_scan::isValidObject(b)) << b;
        EXPECT_FALSE(qtAcceptsObject(b)) << b;
    }
}

TEST(JsonScan, LeavesQtsLenientFormsToQt) {
    const char* bodies[] = {"\xEF\xBB\xBF{}", R"({"a":1.})", R"({"a":.5})", R"({"a":-.5})",
                            R"({"a":1e-300})", R"({"a":1e100})"};
    for (const char* b : bodies) {
        EXPECT_FALSE(json_scan::isValidObject(b)) << b;
        EXPECT_TRUE(qtAcceptsObject(b)) << b;  // readRequest then takes QJsonDocument's answer
        EXPECT_TRUE(hasLenientQtForm(b)) << b;
    }
}

TEST(JsonScan, NestingLimitIsQtsLimit) {
    const auto nested = [](int depth) {  // the top-level object counts as one
        return "{\"a\":" + QByteArray(depth - 2, '[') + "[]" + QByteArray(depth - 2, ']') + "}";
    };
    EXPECT_TRUE(json_scan::isValidObject(nested(json_scan::kMaxDepth)));
    EXPECT_TRUE(qtAcceptsObject(nested(json_scan::kMaxDepth)));
    EXPECT_FALSE(json_scan::isValidObject(nested(json_scan::kMaxDepth + 1)));
    EXPECT_FALSE(qtAcceptsObject(nested(json_scan::kMaxDepth + 1)));
}

TEST(ReadRequest, HandWrittenRequestsGetTheReferenceAnswer) {
    const char* bodies[] = {
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})",
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true})",
        R"({"model":"m","messages":[{"role":"user"}],"stream":true,"stream_options":{"include_usage":true}})",
        R"({"model":"m","messages":[{"role":"user"}],"stream_options":{"include_usage":true,"include_usage":false}})",
        R"({"model":"m","messages":[{"role":"user"}],"stream_options":{"include_usage":1}})",
        R"({"model":"m","messages":[{"role":"user"}],"stream_options":{"include_\u0075sage":true}})",
        R"({"model":"m","messages":[{"role":"user"}],"stream_options":null,"stream":null})",
        R"({"model":"m","messages":[{"role":"user"}],"stream":"yes"})",
        R"({"model":"m","messages":[{"role":"user"}],"stream_options":[]})",
        R"({"model":"m","messages":[{"role":"user"}],"temperature":"hot"})",
        R"({"model":"m","messages":[{"role":"user"}],"max_tokens":true})",
        R"({"model":"m","messages":[{"role":"user"}],"max_completion_tokens":"9"})",
        R"({"model":"m","messages":[{"role":"user"}],"tools":{}})",
        R"({"model":"m","messages":[{"role":"user"}],"tools":null,"temperature":null})",
        R"({"model":"m","messages":[]})",
        R"({"model":"m","messages":null})",
        R"({"model":"m","messages":{}})",
        R"({"model":"m"})",
        R"({"model":"m","messages":[{"role":"user"},3]})",
        R"({"model":"m","messages":[{"role":"user"},{"content":"x"}]})",
        R"({"model":"m","messages":[{"role":1,"role":"user"}]})",
        R"({"model":"m","messages":[{"role":"user","role":1}]})",
        R"({"model":"m","messages":[{"r\u006fle":"user"}]})",
        R"({"model":"m","messages":[{"role":null}]})",
        R"({"messages":[{"role":"user"}]})",
        R"({"model":null,"messages":[{"role":"user"}]})",
        R"({"model":"","messages":[{"role":"user"}]})",
        R"({"model":7,"messages":[{"role":"user"}]})",
        R"({"model":"a","model":"b","messages":[{"role":"user"}]})",
        R"({"model":"a\/b","messages":[{"role":"user"}]})",
        R"({"mod\u0065l":"escaped key","messages":[{"role":"user"}]})",
        R"({"model":"m","m\u0065ssages":[]})",
        "{\"model\":\"mod\xC3\xA8le \xF0\x9F\x98\x80\",\"messages\":[{\"role\":\"user\"}]}",
        R"({"model":"m","input":"text"})",
        R"({"model":"m","input":["a","b"],"dimensions":256})",
        R"({"model":"m","input":[]})",
        R"({"model":"m","input":null})",
        R"({"model":"m","input":5})",
        R"({"model":"m","input":"x","dimensions":"256"})",
        R"({"prompt":"a fox"})",
        R"({"prompt":"a fox","model":"gpt-image-1","n":2,"size":"1024x1024"})",
        R"({"prompt":"a fox","model":null})",
        R"({"prompt":"a fox","n":"2"})",
        R"({"prompt":"a fox","size":1024})",
        R"({"prompt":null})",
        R"({"prompt":["a"]})",
        R"({"model":"m"})",
        "[]", "\"x\"", "{", R"({"model":"m",})", "\xEF\xBB\xBF{\"model\":\"m\",\"input\":\"x\",\"prompt\":\"p\"}",
        R"({"model":"m","input":"x","prompt":"p","messages":[{"role":"u"}],"n":1.})",
    };
    Tally tally;
    for (const char* b : bodies)
        for (Endpoint e : kEndpoints) expectSameAnswer(b, e, tally);
    EXPECT_GT(tally.fastOk, 10);
    EXPECT_GT(tally.fastErrors, 40);
    EXPECT_GT(tally.slowOk, 3);
}

TEST(ReadRequest, CommonRequestsAreReadWithoutADocument) {
    const QByteArray chat =
        R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say \"hi\"."}],"stream":true,"stream_options":{"include_usage":true}})";
    const Result<ClientRequest> r = readRequest(Endpoint::ChatCompletions, chat);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->hasObject());
    EXPECT_EQ(r->model(), "gpt-4o-mini");
    EXPECT_TRUE(r->stream());
    EXPECT_TRUE(r->includeUsage());
    EXPECT_EQ(r->object().value(QStringLiteral("messages")).toArray().size(), 1);
    EXPECT_TRUE(r->hasObject());

    const Result<ClientRequest> image = readRequest(Endpoint::ImageGenerations, R"({"prompt":"a fox"})");
    ASSERT_TRUE(image.ok());
    EXPECT_FALSE(image->hasObject());
    EXPECT_EQ(image->model(), "dall-e-2");  // OpenAI's default, also in the lazy object
    EXPECT_EQ(image->object().value(QStringLiteral("model")).toString(), "dall-e-2");
}

// Deterministic mutations of valid requests: bytes flipped, cut, deleted, duplicated, and
// JSON-significant fragments and members inserted.
TEST(ReadRequest, MutatedRequestsGetTheReferenceAnswer) {
    const QByteArray seeds[] = {
        R"({"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Say \"hi\" \\ now\n","name":"u1"}],"stream":true,"stream_options":{"include_usage":true},"temperature":0.7,"max_tokens":128,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}]})",
        "{ \"model\" : \"claude-sonnet-4-5\" , \"messages\" : [ { \"role\" : \"user\" , \"content\" : [ { \"type\" : "
        "\"text\" , \"text\" : \"h\xC3\xA9llo \xE2\x98\x83 \xF0\x9F\x98\x80 \\u00e9\\ud83d\\ude00\" } ] } ] , "
        "\"max_completion_tokens\" : 1e3 , \"top_p\" : -0.5 , \"seed\" : 12345678901234567890 , \"stop\" : null , \"logprobs\" : false }",
        R"({"model":"text-embedding-3-small","input":["one","two"],"dimensions":256,"encoding_format":"float"})",
        R"({"prompt":"a red fox","n":2,"size":"1024x1024","quality":"hd","model":"dall-e-3"})",
        R"({"model":"m","input":"x","prompt":"p","messages":[{"role":"user","content":null}],"stream":false})",
    };
    const QByteArray fragments[] = {
        "\"", "\\", "{", "}", "[", "]", ",", ":", " ", "\t", "\n", "\x01", "\x7F", "\xC3\xA9",
        "\xC3", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC0\xAF", "\xEF\xBF\xBE", "\xEF\xBB\xBF",
        "-0", "1e-5", "01", "1.", ".5", "-", "1e400", "1E+2", "true", "nul", "null", "\\u",
        "\\ud800", "\\u00e9", "\\x", "\\\"", "\"\"", "0", "9",
    };
    const QByteArray members[] = {
        R"("model":"x")", R"("model":null)", R"("model":"")", R"("model":3)", R"("mode\u006c":"y")",
        R"("model":"a\/b")", R"("messages":[])", R"("messages":[3])", R"("messages":"hi")",
        R"("messages":[{"role":1,"role":"user"}])", R"("messages":[{"role":"user","r\u006fle":5}])",
        R"("stream":"yes")", R"("stream":true)", R"("stream_options":{"include_usage":true})",
        R"("stream_options":{"include_usage":true,"include_usage":false})", R"("stream_options":5)",
        R"("input":[])", R"("input":{})", R"("prompt":3)", R"("n":"2")", R"("size":7)",
        R"("temperature":"hot")", R"("tools":{})", R"("dimensions":true)", R"("max_tokens":null)",
    };
    std::mt19937 rng(20261126);
    const auto pick = [&rng](qsizetype n) { return qsizetype(rng() % quint32(n)); };
    Tally tally;
    for (const QByteArray& seed : seeds) {
        for (int round = 0; round < 1500; ++round) {
            QByteArray body = seed;
            const int edits = 1 + int(rng() % 3);
            for (int k = 0; k < edits && !body.isEmpty(); ++k) {
                const qsizetype at = pick(body.size() + 1);
                switch (rng() % 7) {
                    case 0: if (at < body.size()) body[at] = char(rng() % 256); break;
                    case 1: body.truncate(at); break;
                    case 2: body.remove(at, 1 + pick(8)); break;
                    case 3: body.insert(at, body.mid(pick(body.size()), 1 + pick(12))); break;
                    case 4:
                    case 5: body.insert(at, fragments[pick(std::size(fragments))]); break;
                    default: {
                        const QByteArray member = members[pick(std::size(members))];
                        if (rng() % 2) body.insert(body.indexOf('{') + 1, member + ',');
                        else body.insert(qMax<qsizetype>(0, body.lastIndexOf('}')), ',' + member);
                    }
                }
            }
            ++tally.inputs;
            for (Endpoint e : kEndpoints) {
                expectSameAnswer(body, e, tally);
                if (::testing::Test::HasFailure()) return;  // one input's trace is enough
            }
        }
    }
    // Both sides of every decision were exercised.
    EXPECT_EQ(tally.inputs, 7500);
    EXPECT_GT(tally.validatorAccepted, 3000);
    EXPECT_GT(tally.fastOk, 1000);
    EXPECT_GT(tally.fastErrors, 1000);
    EXPECT_GT(tally.slowErrors, 3000);  // invalid JSON: QJsonDocument's error text
    EXPECT_GT(tally.slowOk, 10);
    EXPECT_GT(tally.validatorLenientMisses, 0);
}

}  // namespace
}  // namespace ar
