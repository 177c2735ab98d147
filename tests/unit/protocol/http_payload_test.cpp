#include "protocol/http_payload.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "protocol/frame.h"
#include "unit/protocol/vectors.h"

namespace rr::protocol {
namespace {

using namespace std::string_literals;
using Fields = std::vector<HttpField>;

HttpRequestContext example_context(const Fields& headers) {
    HttpRequestContext ctx;
    ctx.remote_addr = "127.0.0.1";
    ctx.protocol = "HTTP/1.1";
    ctx.method = "GET";
    ctx.uri = "http://localhost:8080/?a=1";
    ctx.raw_query = "a=1";
    ctx.headers = headers;
    return ctx;
}

std::string json_of(const HttpRequestContext& ctx) {
    std::string out;
    encode_request_json(ctx, out);
    return out;
}

std::string proto_of(const HttpRequestContext& ctx) {
    std::string out;
    encode_request_proto(ctx, out);
    return out;
}

/// Runs protoc on `input` with the test schema; returns its stdout, or nullopt when protoc is
/// missing or fails.
std::optional<std::string> run_protoc(const std::string& mode, const std::string& input) {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("rr_protoc_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto in_path = dir / "in.bin";
    const auto out_path = dir / "out.txt";
    std::ofstream(in_path, std::ios::binary) << input;
    const std::string schema_dir = std::string(RR_SOURCE_DIR) + "/tests/unit/protocol";
    const std::string cmd = "protoc --proto_path=" + schema_dir + " " + mode + " " + schema_dir +
                            "/http_v1.proto < " + in_path.string() + " > " + out_path.string() +
                            " 2>/dev/null";
    const int rc = std::system(cmd.c_str());
    std::string out = test::read_file(out_path.string());
    std::filesystem::remove_all(dir);
    if (rc != 0) return std::nullopt;
    return out;
}

bool have_protoc() {
    return std::system("protoc --version > /dev/null 2>&1") == 0;
}

// ---------------------------------------------------------------- JSON request

TEST(RequestJson, MatchesTheSpecExampleByteForByte) {
    const Fields headers{{"Accept", "*/*"}};
    EXPECT_EQ(json_of(example_context(headers)),
              R"({"remoteAddr":"127.0.0.1","protocol":"HTTP/1.1","method":"GET",)"
              R"("uri":"http://localhost:8080/?a=1","headers":{"Accept":["*/*"]},"cookies":{},)"
              R"("rawQuery":"a=1","parsed":false,"uploads":null,"attributes":{}})");
}

TEST(RequestJson, ReproducesTheGoldenJsonRequestFrame) {
    const Fields headers{{"Accept", "*/*"}};
    std::string frame(16, '\0');
    const std::size_t context_size =
        encode_request(HttpCodec::kJson, example_context(headers), frame);
    std::array<std::byte, kMaxHeaderSize> head{};
    auto n = encode_data_header(head, codec_flag(HttpCodec::kJson), 0, context_size, 0);
    ASSERT_TRUE(n);
    std::memcpy(frame.data(), head.data(), n.value());
    EXPECT_EQ(frame, test::golden("json_request").bin_file);
}

TEST(RequestJson, AppendsToExistingOutput) {
    std::string out = "prefix";
    const Fields none;
    encode_request_json(example_context(none), out);
    EXPECT_EQ(out.rfind("prefix{\"remoteAddr\"", 0), 0u);
}

TEST(RequestJson, GroupsRepeatedHeadersAtTheirFirstOccurrence) {
    const Fields headers{{"Accept", "a"},   {"X-Id", "1"}, {"Accept", "b"},
                         {"Cookie", "c=d"}, {"X-Id", "2"}, {"Accept", "c"}};
    const auto doc = nlohmann::ordered_json::parse(json_of(example_context(headers)));
    const auto& h = doc.at("headers");
    ASSERT_EQ(h.size(), 3u);
    auto it = h.begin();
    EXPECT_EQ(it.key(), "Accept");
    EXPECT_EQ(it.value(), nlohmann::ordered_json({"a", "b", "c"}));
    ++it;
    EXPECT_EQ(it.key(), "X-Id");
    EXPECT_EQ(it.value(), nlohmann::ordered_json({"1", "2"}));
    ++it;
    EXPECT_EQ(it.key(), "Cookie");
}

TEST(RequestJson, GroupsHugeHeaderListsLikeSmallOnes) {
    std::vector<std::string> names;
    for (int i = 0; i < 300; ++i) names.push_back("X-H" + std::to_string(i % 97));
    Fields headers;
    for (int i = 0; i < 300; ++i) headers.push_back({names[i], names[i]});
    const auto doc = nlohmann::ordered_json::parse(json_of(example_context(headers)));
    const auto& h = doc.at("headers");
    ASSERT_EQ(h.size(), 97u);
    int index = 0;
    for (auto it = h.begin(); it != h.end(); ++it, ++index) {
        EXPECT_EQ(it.key(), "X-H" + std::to_string(index));  // first-occurrence order
        const std::size_t expected = index < 300 % 97 ? 4 : 3;
        EXPECT_EQ(it.value().size(), expected) << it.key();
    }
}

TEST(RequestJson, WritesEveryFieldInUpstreamOrder) {
    const Fields headers{{"Content-Type", "multipart/form-data; boundary=x"}};
    const Fields cookies{{"sid", "a b"}, {"theme", "dark"}};
    const Fields attributes{{"ipAddress", "10.0.0.1"}, {"roles", "a"}, {"roles", "b"}};
    HttpRequestContext ctx = example_context(headers);
    ctx.method = "POST";
    ctx.cookies = cookies;
    ctx.parsed = true;
    ctx.uploads_json =
        R"({"file":{"name":"a.txt","mime":"text/plain","size":3,"error":0,"tmpName":"/tmp/upload1"}})";
    ctx.attributes = attributes;
    const auto doc = nlohmann::ordered_json::parse(json_of(ctx));
    std::vector<std::string> keys;
    for (auto it = doc.begin(); it != doc.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys,
              (std::vector<std::string>{"remoteAddr", "protocol", "method", "uri", "headers",
                                        "cookies", "rawQuery", "parsed", "uploads", "attributes"}));
    EXPECT_EQ(doc["cookies"], nlohmann::ordered_json::parse(R"({"sid":"a b","theme":"dark"})"));
    EXPECT_EQ(doc["parsed"], true);
    EXPECT_EQ(doc["uploads"]["file"]["tmpName"], "/tmp/upload1");
    EXPECT_EQ(doc["attributes"],
              nlohmann::ordered_json::parse(R"({"ipAddress":"10.0.0.1","roles":["a","b"]})"));
}

TEST(RequestJson, EscapesQuotesBackslashesAndControlCharacters) {
    const std::string nasty = std::string("q\"b\\s/\n\r\t\b\f") + '\x01' + '\x1f' + '\0' + "\x7f";
    const Fields headers{{"X-N", nasty}};
    HttpRequestContext ctx = example_context(headers);
    ctx.uri = nasty;
    const std::string json = json_of(ctx);
    EXPECT_NE(json.find(R"("uri":"q\"b\\s/\n\r\t\b\f\u0001\u001f\u0000)"
                        "\x7f\""),
              std::string::npos)
        << json;
    const auto doc = nlohmann::json::parse(json);
    EXPECT_EQ(doc["uri"], nasty);
    EXPECT_EQ(doc["headers"]["X-N"][0], nasty);
}

TEST(RequestJson, KeepsValidUtf8AndReplacesInvalidBytes) {
    struct Case {
        std::string in;
        std::string expected_escaped;
    };
    const std::vector<Case> cases = {
        {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
        {"a\xFFz", "a\\ufffdz"},                               // never valid
        {"\xC3", "\\ufffd"},                                   // truncated at the end
        {"\xC3(", "\\ufffd("},                                 // bad continuation
        {"\xC0\x80", "\\ufffd\\ufffd"},                        // overlong NUL
        {"\xED\xA0\x80", "\\ufffd\\ufffd\\ufffd"},             // UTF-16 surrogate
        {"\xF4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"},  // above U+10FFFF
        {"\x80\xBF", "\\ufffd\\ufffd"},                        // lone continuations
    };
    for (const auto& c : cases) {
        HttpRequestContext ctx;
        ctx.method = c.in;
        const std::string json = json_of(ctx);
        EXPECT_NE(json.find("\"method\":\"" + c.expected_escaped + "\""), std::string::npos)
            << json;
        EXPECT_TRUE(nlohmann::json::accept(json)) << json;
    }
}

// ---------------------------------------------------------------- protobuf request

TEST(RequestProto, ReproducesTheGolden76ByteExample) {
    const Fields headers{{"Accept", "*/*"}};
    const std::string bytes = proto_of(example_context(headers));
    EXPECT_EQ(bytes.size(), 76u);
    EXPECT_EQ(bytes, test::golden("proto_request").payload);

    // And as a whole frame, as the server sends it.
    std::string frame(16, '\0');
    const std::size_t context_size =
        encode_request(HttpCodec::kProto, example_context(headers), frame);
    std::array<std::byte, kMaxHeaderSize> head{};
    auto n = encode_data_header(head, codec_flag(HttpCodec::kProto), 0, context_size, 0);
    ASSERT_TRUE(n);
    std::memcpy(frame.data(), head.data(), n.value());
    EXPECT_EQ(frame, test::golden("proto_request").bin_file);
}

TEST(RequestProto, OmitsDefaultsAndWritesParsedUploadsCookiesAttributes) {
    HttpRequestContext empty;
    EXPECT_EQ(proto_of(empty), "");

    const Fields cookies{{"a", "1"}};
    const Fields attributes{{"k", "v"}, {"k", "w"}};
    HttpRequestContext ctx;
    ctx.cookies = cookies;
    ctx.parsed = true;
    ctx.uploads_json = "{}";
    ctx.attributes = attributes;
    const std::string expected =
        "\x32\x08\x0a\x01"
        "a"
        "\x12\x03\x0a\x01"
        "1"s +
        "\x40\x01"s + "\x4a\x02{}"s + "\x52\x0b\x0a\x01k\x12\x06\x0a\x01v\x0a\x01w"s;
    EXPECT_EQ(proto_of(ctx), expected);
}

TEST(RequestProto, UsesMultiByteLengthsForLongValues) {
    const std::string long_value(300, 'x');
    const Fields headers{{"X-Long", long_value}};
    HttpRequestContext ctx;
    ctx.uri = long_value;
    ctx.headers = headers;
    const std::string bytes = proto_of(ctx);
    // uri: tag 0x22, varint 300 = ac 02.
    EXPECT_EQ(bytes.substr(0, 3), "\x22\xac\x02"s);
    // header entry: key (2+6) + value (1+2 + [1+2+300]) = 8 + 3 + 303 = 314 = ba 02.
    EXPECT_EQ(bytes.substr(303, 3), "\x2a\xba\x02"s);
    EXPECT_EQ(bytes.size(), 303u + 3 + 314);
}

TEST(RequestProto, ReplacesInvalidUtf8InStringsButNotInUploads) {
    const Fields headers{{"X-\xFF", "v\xC3"}};
    HttpRequestContext ctx;
    ctx.method = "G\xFF";
    ctx.headers = headers;
    ctx.uploads_json = "\xFF";
    const std::string bytes = proto_of(ctx);
    const std::string expected = "\x1a\x04G\xEF\xBF\xBD"s +
                                 "\x2a\x0f\x0a\x05X-\xEF\xBF\xBD\x12\x06\x0a\x04v\xEF\xBF\xBD"s +
                                 "\x4a\x01\xFF"s;
    EXPECT_EQ(bytes, expected);
}

TEST(RequestProto, SendsEveryCookieAsItsOwnEntry) {
    const Fields cookies{{"a", "1"}, {"a", "2"}};
    HttpRequestContext ctx;
    ctx.cookies = cookies;
    const std::string entry1 =
        "\x32\x08\x0a\x01"
        "a"
        "\x12\x03\x0a\x01"
        "1"s;
    const std::string entry2 =
        "\x32\x08\x0a\x01"
        "a"
        "\x12\x03\x0a\x01"
        "2"s;
    EXPECT_EQ(proto_of(ctx), entry1 + entry2);
}

TEST(RequestProto, DecodesWithProtocIntoTheSameFields) {
    if (!have_protoc()) GTEST_SKIP() << "protoc not installed";
    const Fields headers{
        {"Accept", "text/html"}, {"X-Tag", "a"}, {"Accept", "*/*"}, {"User-Agent", "caf\xC3\xA9"}};
    const Fields cookies{{"sid", "s p"}};
    const Fields attributes{{"ipAddress", "10.1.2.3"}};
    HttpRequestContext ctx = example_context(headers);
    ctx.cookies = cookies;
    ctx.attributes = attributes;
    ctx.parsed = true;
    ctx.uploads_json = R"({"f":1})";
    const auto text = run_protoc("--decode=http.v1.Request", proto_of(ctx));
    // protoc prints map entries sorted by key.
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(*text,
              "remote_addr: \"127.0.0.1\"\n"
              "protocol: \"HTTP/1.1\"\n"
              "method: \"GET\"\n"
              "uri: \"http://localhost:8080/?a=1\"\n"
              "header {\n  key: \"Accept\"\n  value {\n    value: \"text/html\"\n"
              "    value: \"*/*\"\n  }\n}\n"
              "header {\n  key: \"User-Agent\"\n  value {\n    value: \"caf\\303\\251\"\n  }\n}\n"
              "header {\n  key: \"X-Tag\"\n  value {\n    value: \"a\"\n  }\n}\n"
              "cookies {\n  key: \"sid\"\n  value {\n    value: \"s p\"\n  }\n}\n"
              "raw_query: \"a=1\"\n"
              "parsed: true\n"
              "uploads: \"{\\\"f\\\":1}\"\n"
              "attributes {\n  key: \"ipAddress\"\n  value {\n    value: \"10.1.2.3\"\n  }\n}\n");
}

// ---------------------------------------------------------------- JSON response

std::vector<std::pair<std::string, std::string>> pairs(const HttpResponseHead& h) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : h.headers) out.emplace_back(f.name, f.value);
    return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ResponseJson, DecodesTheGoldenContext) {
    const auto& g = test::golden("json_response");
    auto r = decode_response_json(std::string_view(g.payload).substr(0, g.options[0]));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r.value().present);
    EXPECT_EQ(r.value().status, 200);
    EXPECT_TRUE(r.value().headers.empty());
}

TEST(ResponseJson, EmptyContextMeansNoHead) {
    auto r = decode_response_json("");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.value().present);
    EXPECT_EQ(r.value().status, 0);
}

TEST(ResponseJson, FlattensHeaderValuesInOrderAndUnescapes) {
    auto r = decode_response_json(
        R"({"status":201,"headers":{"Set-Cookie":["a=1","b=2"],"X-Q":["say \"hi\"\n\u00e9\ud83d\ude00"],"X-Empty":[],"X-Null":null},"extra":[1,{"a":null}]})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().status, 201);
    EXPECT_EQ(pairs(r.value()), (Pairs{{"Set-Cookie", "a=1"},
                                       {"Set-Cookie", "b=2"},
                                       {"X-Q", "say \"hi\"\n\xC3\xA9\xF0\x9F\x98\x80"}}));
}

TEST(ResponseJson, EscapedStringsSurviveMovingTheHead) {
    auto r = decode_response_json(R"({"headers":{"X-\u0041":["\u0042\u0043"]},"status":200})");
    ASSERT_TRUE(r);
    HttpResponseHead moved = std::move(r).value();
    std::vector<HttpResponseHead> heads;
    heads.push_back(std::move(moved));
    heads.emplace_back();
    EXPECT_EQ(pairs(heads[0]), (Pairs{{"X-A", "BC"}}));
}

TEST(ResponseJson, AcceptsKeysInAnyCaseNullsAndLargeStatusValues) {
    auto r = decode_response_json(R"( {"Status": 99999, "HEADERS": null} )");
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().status, 99999);
    auto n = decode_response_json(R"({"status":null})");
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value().status, 0);
    auto neg = decode_response_json(R"({"status":-1,"headers":{}})");
    ASSERT_TRUE(neg);
    EXPECT_EQ(neg.value().status, -1);
    auto none = decode_response_json("{}");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none.value().present);
    EXPECT_EQ(none.value().status, 0);
}

TEST(ResponseJson, RejectsMalformedContexts) {
    for (std::string_view bad : {" ",
                                 "null",
                                 "[]",
                                 "200",
                                 R"({"status":"200"})",
                                 R"({"status":200.5})",
                                 R"({"status":2e2})",
                                 R"({"status":200)",
                                 R"({"status":200}})",
                                 R"({"status":200} x)",
                                 R"({"headers":{"A":"b"}})",
                                 R"({"headers":{"A":[1]}})",
                                 R"({"headers":{"A":[null]}})",
                                 R"({"headers":[]})",
                                 R"({"headers":{"A":["b",]}})",
                                 R"({"headers":{"A":["b"})",
                                 R"({"status":99999999999999999999})",
                                 R"({"x":})",
                                 "{\"headers\":{\"A\":[\"\x01\"]}}",
                                 R"({"headers":{"A":["\x"]}})",
                                 R"({"headers":{"A":["\u12"]}})"}) {
        auto r = decode_response_json(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), errc::kHttpBadWorkerResponse) << bad;
    }
}

TEST(ResponseJson, IntoVariantReusesTheHead) {
    HttpResponseHead head;
    ASSERT_TRUE(decode_response_json(R"({"status":200,"headers":{"A":["1","2"]}})", head));
    EXPECT_EQ(head.headers.size(), 2u);
    ASSERT_TRUE(decode_response_json(R"({"status":204})", head));
    EXPECT_EQ(head.status, 204);
    EXPECT_TRUE(head.headers.empty());
    EXPECT_FALSE(decode_response_json("{", head));
}

// ---------------------------------------------------------------- protobuf response

TEST(ResponseProto, DecodesTheGoldenStreamChunkContext) {
    const auto& g = test::golden("proto_response_stream_chunk");
    const std::string_view context = std::string_view(g.payload).substr(0, g.options[0]);
    auto r = decode_response_proto(context);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r.value().present);
    EXPECT_EQ(r.value().status, 200);
    EXPECT_EQ(pairs(r.value()), (Pairs{{"Content-Type", "text/plain"}}));
}

TEST(ResponseProto, EmptyContextMeansNoHead) {
    auto r = decode_response_proto("");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.value().present);
}

TEST(ResponseProto, DecodesWhatProtocEncodes) {
    if (!have_protoc()) GTEST_SKIP() << "protoc not installed";
    const auto bytes = run_protoc(
        "--encode=http.v1.Response",
        "status: 404 headers { key: \"Set-Cookie\" value { value: \"a=1\" value: \"b=2\" } }"
        " headers { key: \"X-Empty\" value { } }");
    ASSERT_TRUE(bytes.has_value());
    auto r = decode_response_proto(*bytes);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().status, 404);
    EXPECT_EQ(pairs(r.value()), (Pairs{{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}}));

    const auto negative = run_protoc("--encode=http.v1.Response", "status: -7");
    ASSERT_TRUE(negative.has_value());
    EXPECT_EQ(negative->size(), 11u);  // 1 tag + 10-byte varint
    auto n = decode_response_proto(*negative);
    ASSERT_TRUE(n);
    EXPECT_EQ(n.value().status, -7);
}

TEST(ResponseProto, HandlesKeyAfterValueUnknownFieldsAndRepeatedValueMessages) {
    // Entry with value first, then key; then a second HeaderValue for the same entry.
    const std::string entry = "\x12\x03\x0a\x01x"s + "\x0a\x01K"s + "\x12\x03\x0a\x01y"s +
                              "\x18\x05"s;  // unknown varint field 3 in the entry
    std::string msg = "\x12"s + static_cast<char>(entry.size()) + entry;
    msg += "\x08\xc8\x01"s;                   // status 200
    msg += "\x19"s + std::string(8, '\x01');  // field 3, fixed64
    msg += "\x25\x01\x02\x03\x04"s;           // field 4, fixed32
    msg += "\x2a\x02hi"s;                     // field 5, bytes
    msg += "\x0a\x02no"s;                     // field 1 with wrong wire type
    auto r = decode_response_proto(msg);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().status, 200);
    EXPECT_EQ(pairs(r.value()), (Pairs{{"K", "x"}, {"K", "y"}}));
}

TEST(ResponseProto, LastStatusWins) {
    auto r = decode_response_proto("\x08\x64\x08\xc8\x01"s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().status, 200);
}

TEST(ResponseProto, RejectsMalformedWireData) {
    const std::vector<std::string> bad = {
        "\x08"s,                                              // varint missing
        "\x08\x80"s,                                          // truncated varint
        "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02"s,      // 10th byte > 1
        "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x81\x00"s,  // 11 bytes
        "\x12\x05\x0a\x01"s,                                  // length past the end
        "\x12\x02\x0a\x05"s,                                  // inner length past entry
        "\x12\x04\x12\x02\x0a\x05"s,                          // inner value truncated
        "\x0b"s,                                              // group start (wire type 3)
        "\x00\x00"s,                                          // field number 0
        "\x19\x01\x02"s,                                      // fixed64 truncated
        "\x1d\x01"s,                                          // fixed32 truncated
        "\x0e"s,                                              // wire type 6
        "\x08\xc8\x01\x12"s,                                  // tag without length
    };
    for (const auto& b : bad) {
        auto r = decode_response_proto(b);
        ASSERT_FALSE(r) << testing::PrintToString(b);
        EXPECT_EQ(r.error(), errc::kHttpBadWorkerResponse);
    }
}

TEST(ResponseCodec, DispatchesOnTheCodec) {
    EXPECT_EQ(codec_flag(HttpCodec::kJson), flag::kCodecJson);
    EXPECT_EQ(codec_flag(HttpCodec::kProto), flag::kCodecProto);
    auto j = decode_response(HttpCodec::kJson, R"({"status":302})");
    ASSERT_TRUE(j);
    EXPECT_EQ(j.value().status, 302);
    auto p = decode_response(HttpCodec::kProto, "\x08\xad\x02"s);
    ASSERT_TRUE(p);
    EXPECT_EQ(p.value().status, 301);
    EXPECT_FALSE(decode_response(HttpCodec::kProto, R"({"status":302})"));
}

// ---------------------------------------------------------------- response encoders

TEST(ResponseEncode, ReproducesTheGoldenResponseContexts) {
    const auto& json = test::golden("json_response");
    std::string out;
    encode_response_json(200, {}, out);
    EXPECT_EQ(out, json.payload.substr(0, json.options[0]));

    const auto& proto = test::golden("proto_response_stream_chunk");
    const Fields headers{{"Content-Type", "text/plain"}};
    std::string bytes;
    encode_response_proto(200, headers, bytes);
    EXPECT_EQ(bytes, proto.payload.substr(0, proto.options[0]));
}

TEST(ResponseEncode, RoundTripsThroughBothDecoders) {
    const Fields headers{
        {"Set-Cookie", "a=1"}, {"X-Q", "say \"hi\"\n\xC3\xA9"}, {"Set-Cookie", "b=2"}, {"", ""}};
    for (std::int64_t status : {std::int64_t{0}, std::int64_t{103}, std::int64_t{200},
                                std::int64_t{-1}, std::int64_t{1} << 40}) {
        for (HttpCodec codec : {HttpCodec::kJson, HttpCodec::kProto}) {
            std::string out;
            if (codec == HttpCodec::kJson) {
                encode_response_json(status, headers, out);
            } else {
                encode_response_proto(status, headers, out);
            }
            auto r = decode_response(codec, out);
            ASSERT_TRUE(r) << status;
            EXPECT_EQ(r.value().status, status);
            EXPECT_EQ(pairs(r.value()), (Pairs{{"Set-Cookie", "a=1"},
                                               {"Set-Cookie", "b=2"},
                                               {"X-Q", "say \"hi\"\n\xC3\xA9"},
                                               {"", ""}}));
        }
    }
}

TEST(ResponseEncode, ProtobufOutputDecodesWithProtoc) {
    if (!have_protoc()) GTEST_SKIP() << "protoc not installed";
    const Fields headers{{"Location", "/next"}};
    std::string bytes;
    encode_response_proto(302, headers, bytes);
    const auto text = run_protoc("--decode=http.v1.Response", bytes);
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(*text,
              "status: 302\nheaders {\n  key: \"Location\"\n  value {\n    value: \"/next\"\n  "
              "}\n}\n");
}

}  // namespace
}  // namespace rr::protocol
