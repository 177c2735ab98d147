#include "forms/body_class.h"

#include <gtest/gtest.h>

#include "forms/media_type.h"

namespace rr::forms {
namespace {

TEST(ClassifyBody, HeadAndOptionsHaveNoBody) {
    EXPECT_EQ(classify_body("HEAD", "application/x-www-form-urlencoded", false).value().kind,
              BodyKind::kNone);
    EXPECT_EQ(classify_body("OPTIONS", "multipart/form-data; boundary=x", false).value().kind,
              BodyKind::kNone);
}

TEST(ClassifyBody, UrlencodedIsParsedForPostPutPatch) {
    for (const char* method : {"POST", "PUT", "PATCH"}) {
        auto c = classify_body(method, "application/x-www-form-urlencoded; charset=UTF-8", false);
        ASSERT_TRUE(c);
        EXPECT_EQ(c.value().kind, BodyKind::kUrlencoded);
        EXPECT_TRUE(c.value().form_in_body) << method;
    }
    auto get = classify_body("GET", "application/x-www-form-urlencoded", false);
    EXPECT_EQ(get.value().kind, BodyKind::kUrlencoded);
    EXPECT_FALSE(get.value().form_in_body);
    auto other =
        classify_body("POST", "text/plain; x=\"application/x-www-form-urlencoded\"", false);
    EXPECT_EQ(other.value().kind, BodyKind::kUrlencoded);
    EXPECT_FALSE(other.value().form_in_body);
}

TEST(ClassifyBody, MultipartExtractsBoundary) {
    auto c = classify_body("POST", "multipart/form-data; boundary=----WebKitFormBoundaryX", false);
    ASSERT_TRUE(c);
    EXPECT_EQ(c.value().kind, BodyKind::kMultipart);
    EXPECT_EQ(c.value().boundary, "----WebKitFormBoundaryX");
    auto quoted = classify_body("PUT", "multipart/form-data; BOUNDARY=\"a b:c\"", false);
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted.value().boundary, "a b:c");
}

TEST(ClassifyBody, MultipartWithoutUsableBoundaryFails) {
    const auto bad = make_error_code(errc::kFormBadContentType);
    EXPECT_EQ(classify_body("POST", "multipart/form-data", false).error(), bad);
    EXPECT_EQ(classify_body("POST", "multipart/form-data; boundary=\"\"", false).error(), bad);
    EXPECT_EQ(classify_body("POST", "multipart/form-data; boundary=" + std::string(300, 'x'), false)
                  .error(),
              bad);
    EXPECT_EQ(classify_body("POST", "text/plain; a=multipart/form-data", false).error(), bad);
    EXPECT_EQ(classify_body("POST", "multipart/form-data; boundary=a; boundary=b", false).error(),
              bad);
}

TEST(ClassifyBody, EverythingElseIsRaw) {
    EXPECT_EQ(classify_body("POST", "application/json", false).value().kind, BodyKind::kRaw);
    EXPECT_EQ(classify_body("GET", "", false).value().kind, BodyKind::kRaw);
    // RoadRunner matches the content type case-sensitively.
    EXPECT_EQ(classify_body("POST", "Multipart/Form-Data; boundary=x", false).value().kind,
              BodyKind::kRaw);
}

TEST(ClassifyBody, RawBodyTurnsParsingOff) {
    EXPECT_EQ(classify_body("POST", "application/x-www-form-urlencoded", true).value().kind,
              BodyKind::kRaw);
    EXPECT_EQ(classify_body("POST", "multipart/form-data; boundary=x", true).value().kind,
              BodyKind::kRaw);
    EXPECT_EQ(classify_body("HEAD", "multipart/form-data; boundary=x", true).value().kind,
              BodyKind::kNone);
}

TEST(ParseMediaType, ParsesTokensAndQuotedValues) {
    auto m = parse_media_type("Form-Data; Name=\"field\"; filename=\"a \\\"b\\\".txt\"");
    ASSERT_TRUE(m);
    EXPECT_EQ(m.value().type, "form-data");
    EXPECT_EQ(*m.value().param("name"), "field");
    EXPECT_EQ(*m.value().param("filename"), "a \"b\".txt");
    EXPECT_EQ(m.value().param("missing"), nullptr);
}

TEST(ParseMediaType, KeepsBackslashBeforeOrdinaryCharacters) {
    auto m = parse_media_type(R"(form-data; name="f"; filename="C:\dev\go\foo.txt")");
    ASSERT_TRUE(m);
    EXPECT_EQ(*m.value().param("filename"), R"(C:\dev\go\foo.txt)");
}

TEST(ParseMediaType, DecodesRfc2231) {
    auto m = parse_media_type("form-data; name=f; filename*=UTF-8''%e2%82%ac%20rates.txt");
    ASSERT_TRUE(m);
    EXPECT_EQ(*m.value().param("filename"), "\xe2\x82\xac rates.txt");
    auto c = parse_media_type(
        "form-data; name*0=\"a\"; name*1=\"b\"; filename=x; "
        "filename*=utf-8''y");
    ASSERT_TRUE(c);
    EXPECT_EQ(*c.value().param("name"), "ab");
    EXPECT_EQ(*c.value().param("filename"), "y");
    auto latin = parse_media_type("form-data; name=f; filename*=iso-8859-1''%e9");
    ASSERT_TRUE(latin);
    EXPECT_EQ(latin.value().param("filename"), nullptr);
}

TEST(ParseMediaType, EmptyQuotedValueAndTrailingSemicolon) {
    auto m = parse_media_type("form-data; name=\"\";");
    ASSERT_TRUE(m);
    EXPECT_EQ(*m.value().param("name"), "");
}

TEST(ParseMediaType, RejectsMalformedInput) {
    EXPECT_FALSE(parse_media_type(""));
    EXPECT_FALSE(parse_media_type("a/"));
    EXPECT_FALSE(parse_media_type("a/b/c"));
    EXPECT_FALSE(parse_media_type("form-data; name"));
    EXPECT_FALSE(parse_media_type("form-data; name=\"unterminated"));
    EXPECT_FALSE(parse_media_type("form-data; name=a; name=b"));
    EXPECT_TRUE(parse_media_type("form-data; name=a; name=a"));
}

}  // namespace
}  // namespace rr::forms
