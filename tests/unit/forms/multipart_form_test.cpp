#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "forms/form_parser.h"

namespace rr::forms {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "rr-forms-test-XXXXXX").string();
        const char* made = ::mkdtemp(tmpl.data());
        EXPECT_NE(made, nullptr);
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    std::size_t file_count() const {
        return static_cast<std::size_t>(
            std::distance(fs::directory_iterator(path_), fs::directory_iterator()));
    }

private:
    fs::path path_;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Part {
    std::string disposition;
    std::string content_type;
    std::string body;
};

std::string make_body(const std::vector<Part>& parts, const std::string& boundary = "BoUnD") {
    std::string out;
    for (const Part& p : parts) {
        out += "--" + boundary + "\r\n";
        out += "Content-Disposition: " + p.disposition + "\r\n";
        if (!p.content_type.empty()) {
            out += "Content-Type: " + p.content_type + "\r\n";
        }
        out += "\r\n" + p.body + "\r\n";
    }
    out += "--" + boundary + "--\r\n";
    return out;
}

Part field(const std::string& name, const std::string& value) {
    return {"form-data; name=\"" + name + "\"", "", value};
}

Part file(const std::string& name, const std::string& filename, const std::string& body,
          const std::string& type = "application/octet-stream") {
    return {"form-data; name=\"" + name + "\"; filename=\"" + filename + "\"", type, body};
}

class MultipartForm : public ::testing::Test {
protected:
    MultipartForm() { settings_.uploads.dir = dir_.path().string(); }

    // Parses `body` fed in pieces of `step` bytes (0 = one piece).
    Result<ParsedForm> parse(const std::string& body, std::size_t step = 0,
                             const std::string& boundary = "BoUnD") {
        BodyClass cls;
        cls.kind = BodyKind::kMultipart;
        cls.boundary = boundary;
        FormParser parser(cls, settings_);
        if (step == 0) {
            step = body.size() + 1;
        }
        for (std::size_t pos = 0; pos < body.size(); pos += step) {
            if (auto ec = parser.feed(std::string_view(body).substr(pos, step))) {
                detail_ = parser.error_detail();
                return ec;
            }
        }
        auto out = parser.finish();
        detail_ = parser.error_detail();
        return out;
    }

    TempDir dir_;
    FormSettings settings_;
    std::string detail_;
};

const std::string kMixed = make_body({
    field("name", "Rerum"),
    field("tags[]", "a"),
    file("avatar", "me.PNG", "\x89PNG\r\n\x1a\n-data-", "image/png"),
    field("tags[]", "b"),
    file("files[]", "one.txt", "first file\r\n", "text/plain"),
    file("files[]", "dir/two.txt", "", "text/plain"),
    file("doc[a][b]", "x.pdf", std::string(70000, 'z'), "application/pdf"),
    field("options[0][id]", "97b6"),
    field("name", "Later wins"),
    field("empty", ""),
});

void expect_mixed(const ParsedForm& form) {
    const json data = json::parse(form.data_json);
    EXPECT_EQ(data, json::parse(R"({"name":"Later wins","tags":["a","b"],
                                    "options":{"0":{"id":"97b6"}},"empty":""})"));
    const json up = json::parse(form.uploads_json);
    ASSERT_TRUE(up.contains("avatar"));
    EXPECT_EQ(up["avatar"]["name"], "me.PNG");
    EXPECT_EQ(up["avatar"]["mime"], "image/png");
    EXPECT_EQ(up["avatar"]["size"], 14);
    EXPECT_EQ(up["avatar"]["error"], 0);
    EXPECT_EQ(read_file(up["avatar"]["tmpName"]), "\x89PNG\r\n\x1a\n-data-");
    ASSERT_EQ(up["files"].size(), 2u);
    EXPECT_EQ(up["files"][0]["name"], "one.txt");
    EXPECT_EQ(read_file(up["files"][0]["tmpName"]), "first file\r\n");
    EXPECT_EQ(up["files"][1]["name"], "two.txt");  // directory part dropped
    EXPECT_EQ(up["files"][1]["size"], 0);
    EXPECT_EQ(up["doc"]["a"]["b"]["size"], 70000);
    EXPECT_EQ(read_file(up["doc"]["a"]["b"]["tmpName"]), std::string(70000, 'z'));
    // Keys of each file object in Go's struct order.
    EXPECT_NE(form.uploads_json.find(R"({"name":"me.PNG","mime":"image/png","size":14,)"
                                     R"("error":0,"tmpName":")"),
              std::string::npos);
    EXPECT_EQ(form.files.size(), 4u);
}

TEST_F(MultipartForm, FieldsAndFilesInOneChunk) {
    auto form = parse(kMixed);
    ASSERT_TRUE(form) << detail_;
    expect_mixed(form.value());
}

TEST_F(MultipartForm, FieldsAndFilesByteByByte) {
    auto form = parse(kMixed, 1);
    ASSERT_TRUE(form) << detail_;
    expect_mixed(form.value());
}

TEST_F(MultipartForm, FieldsAndFilesInOddChunks) {
    for (std::size_t step : {2u, 3u, 7u, 13u, 4095u, 65537u}) {
        auto form = parse(kMixed, step);
        ASSERT_TRUE(form) << detail_ << " step " << step;
        expect_mixed(form.value());
    }
}

TEST_F(MultipartForm, TempFilesAreRemovedWithTheParsedForm) {
    std::vector<std::string> paths;
    {
        auto form = parse(kMixed);
        ASSERT_TRUE(form);
        for (const auto& f : form.value().files) {
            ASSERT_FALSE(f.tmp_name.empty());
            EXPECT_TRUE(fs::exists(f.tmp_name));
            EXPECT_EQ(fs::path(f.tmp_name).parent_path(), dir_.path());
            EXPECT_EQ(fs::path(f.tmp_name).filename().string().rfind("upload", 0), 0u);
            paths.push_back(f.tmp_name);
        }
        EXPECT_EQ(dir_.file_count(), 4u);
    }
    for (const auto& p : paths) {
        EXPECT_FALSE(fs::exists(p)) << p;
    }
    EXPECT_EQ(dir_.file_count(), 0u);
}

TEST_F(MultipartForm, TempFilesAreRemovedWhenParsingFails) {
    const std::string body = make_body({file("f", "a.txt", "data")});
    {
        BodyClass cls{BodyKind::kMultipart, "BoUnD", false};
        FormParser parser(cls, settings_);
        ASSERT_FALSE(parser.feed(body.substr(0, body.size() - 12)));  // stop mid-way
        EXPECT_EQ(dir_.file_count(), 1u);
        EXPECT_EQ(parser.finish().error(), make_error_code(errc::kFormTruncated));
    }
    EXPECT_EQ(dir_.file_count(), 0u);
}

TEST_F(MultipartForm, MovedFileIsNotAnError) {
    const fs::path moved = dir_.path() / "kept.bin";
    {
        auto form = parse(make_body({file("f", "a.txt", "data")}));
        ASSERT_TRUE(form);
        fs::rename(form.value().files[0].tmp_name, moved);  // what PHP's move_uploaded_file does
    }
    EXPECT_EQ(read_file(moved.string()), "data");
}

TEST_F(MultipartForm, PlainFileNameKeepsFirstFile) {
    auto form = parse(make_body({file("f", "1.txt", "one"), file("f", "2.txt", "two")}));
    ASSERT_TRUE(form);
    const json up = json::parse(form.value().uploads_json);
    EXPECT_EQ(up["f"]["name"], "1.txt");
    EXPECT_EQ(form.value().files.size(), 2u);  // both were stored, both are cleaned up
}

TEST_F(MultipartForm, ForbiddenExtensionGetsError8AndNoFile) {
    settings_.uploads.forbid = {".php", ".exe"};
    auto form = parse(make_body({file("a", "shell.PhP", "<?php"), file("b", "ok.txt", "fine")}));
    ASSERT_TRUE(form);
    const json up = json::parse(form.value().uploads_json);
    EXPECT_EQ(up["a"]["error"], 8);
    EXPECT_EQ(up["a"]["tmpName"], "");
    EXPECT_EQ(up["a"]["size"], 0);
    EXPECT_EQ(up["b"]["error"], 0);
    EXPECT_EQ(dir_.file_count(), 1u);
}

TEST_F(MultipartForm, AllowListAcceptsOnlyListedAndForbidWins) {
    settings_.uploads.allow = {".jpg", ".png"};
    settings_.uploads.forbid = {".png"};
    auto form = parse(make_body({file("a", "x.JPG", "1"), file("b", "y.png", "2"),
                                 file("c", "z.gif", "3"), file("d", "noext", "4")}));
    ASSERT_TRUE(form);
    const json up = json::parse(form.value().uploads_json);
    EXPECT_EQ(up["a"]["error"], 0);
    EXPECT_EQ(up["b"]["error"], 8);
    EXPECT_EQ(up["c"]["error"], 8);
    EXPECT_EQ(up["d"]["error"], 8);
}

TEST_F(MultipartForm, MissingUploadDirGetsError6) {
    settings_.uploads.dir = (dir_.path() / "does-not-exist").string();
    auto form = parse(make_body({file("a", "x.txt", "1"), field("k", "v")}));
    ASSERT_TRUE(form);
    const json up = json::parse(form.value().uploads_json);
    EXPECT_EQ(up["a"]["error"], 6);
    EXPECT_EQ(up["a"]["tmpName"], "");
    EXPECT_EQ(json::parse(form.value().data_json), json::parse(R"({"k":"v"})"));
}

TEST_F(MultipartForm, WriteFailureGetsError7) {
    // A file size limit makes write(2) fail with EFBIG once 1000 bytes are in the file.
    struct rlimit old {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    struct rlimit low = old;
    low.rlim_cur = 1000;
    auto* old_handler = ::signal(SIGXFSZ, SIG_IGN);
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &low), 0);
    auto form = parse(make_body({file("f", "big.bin", std::string(200000, 'b')), field("k", "v")}));
    ::setrlimit(RLIMIT_FSIZE, &old);
    ::signal(SIGXFSZ, old_handler);
    ASSERT_TRUE(form) << detail_;
    const json up = json::parse(form.value().uploads_json);
    EXPECT_EQ(up["f"]["error"], 7);
    EXPECT_EQ(up["f"]["size"], 1000);
    EXPECT_NE(up["f"]["tmpName"], "");
    EXPECT_EQ(json::parse(form.value().data_json), json::parse(R"({"k":"v"})"));
}

TEST_F(MultipartForm, ChownsTempFilesWhenAsked) {
    settings_.uploads.uid = ::getuid();
    settings_.uploads.gid = ::getgid();
    auto form = parse(make_body({file("f", "a.txt", "data")}));
    ASSERT_TRUE(form);
    const UploadedFile& f = form.value().files.at(0);
    EXPECT_EQ(f.error, UploadError::kOk);
    struct stat st {};
    ASSERT_EQ(::stat(f.tmp_name.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, ::getuid());
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(MultipartForm, EmptyDirUsesTmpdirEnvironment) {
    settings_.uploads.dir.clear();
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old != nullptr ? old : "";
    ::setenv("TMPDIR", dir_.path().c_str(), 1);
    auto form = parse(make_body({file("f", "a.txt", "data")}));
    if (old != nullptr) {
        ::setenv("TMPDIR", saved.c_str(), 1);
    } else {
        ::unsetenv("TMPDIR");
    }
    ASSERT_TRUE(form);
    EXPECT_EQ(fs::path(form.value().files.at(0).tmp_name).parent_path(), dir_.path());
}

TEST_F(MultipartForm, EmptyFilenameIsAFieldAndUnnamedPartsAreSkipped) {
    const std::string body = make_body({
        {"form-data; name=\"f\"; filename=\"\"", "application/octet-stream", ""},
        {"form-data; filename=\"x.txt\"", "", "no name"},
        {"attachment; name=\"att\"", "", "not form-data"},
        {"form-data; name=\"bad\"; name=\"dup\"", "", "bad disposition"},
        field("k", "v"),
    });
    auto form = parse(body);
    ASSERT_TRUE(form) << detail_;
    EXPECT_EQ(json::parse(form.value().data_json), json::parse(R"({"f":"","k":"v"})"));
    EXPECT_EQ(form.value().uploads_json, "{}");
    EXPECT_EQ(dir_.file_count(), 0u);
}

TEST_F(MultipartForm, NoFilesGivesEmptyUploadsObject) {
    auto form = parse(make_body({field("a", "1")}));
    ASSERT_TRUE(form);
    EXPECT_EQ(form.value().data_json, R"({"a":"1"})");
    EXPECT_EQ(form.value().uploads_json, "{}");
}

TEST_F(MultipartForm, ConflictingNamesFailWithKeyInDetail) {
    auto form = parse(make_body({field("a", "x"), field("a[b]", "y")}));
    ASSERT_FALSE(form);
    EXPECT_EQ(form.error(), make_error_code(errc::kFormInvalidTree));
    EXPECT_EQ(detail_, "invalid multiple values to key 'a' in tree");
    auto files = parse(make_body({file("f", "1.txt", "1"), file("f[x]", "2.txt", "2")}));
    EXPECT_EQ(files.error(), make_error_code(errc::kFormInvalidTree));
    EXPECT_EQ(dir_.file_count(), 0u);
}

TEST_F(MultipartForm, FieldValueLimit) {
    settings_.max_value_bytes = 100;
    EXPECT_TRUE(parse(make_body({field("a", std::string(90, 'x'))})));
    auto big =
        parse(make_body({field("a", std::string(60, 'x')), field("b", std::string(60, 'y'))}));
    EXPECT_EQ(big.error(), make_error_code(errc::kFormTooLarge));
    // Files do not count against the value limit.
    EXPECT_TRUE(parse(make_body({file("f", "a.bin", std::string(1000, 'f'))})));
}

TEST_F(MultipartForm, JsonIsValidForHostileNamesAndValues) {
    auto form =
        parse(make_body({{R"(form-data; name="q\"\\<x>")", "", std::string("\x01\xff\n", 3)},
                         file("f", "\xc3\xa9t\xe9.txt", "1")}));
    ASSERT_TRUE(form);
    const json data = json::parse(form.value().data_json);
    EXPECT_EQ(data["q\"\\<x>"], "\x01\xef\xbf\xbd\n");
    const json up = json::parse(form.value().uploads_json);
    EXPECT_EQ(up["f"]["name"], "\xc3\xa9t\xef\xbf\xbd.txt");
}

TEST_F(MultipartForm, MalformedBodyFails) {
    EXPECT_EQ(parse("--BoUnD\r\nnot a header\r\n\r\nx\r\n--BoUnD--").error(),
              make_error_code(errc::kFormMalformed));
    EXPECT_EQ(parse("").error(), make_error_code(errc::kFormTruncated));
}

TEST(UrlencodedForm, ParsesBodyIntoTree) {
    FormSettings settings;
    BodyClass cls{BodyKind::kUrlencoded, "", true};
    FormParser parser(cls, settings);
    ASSERT_FALSE(parser.feed("a=1&list%5B%5D=x&list[]=y&obj[k][z]=%E2%82%AC"));
    ASSERT_FALSE(parser.feed("&a=2"));
    auto form = parser.finish();
    ASSERT_TRUE(form);
    EXPECT_EQ(form.value().data_json, R"({"a":"2","list":["x","y"],"obj":{"k":{"z":"€"}}})");
    EXPECT_EQ(form.value().uploads_json, "");
    EXPECT_TRUE(form.value().files.empty());
}

TEST(UrlencodedForm, EmptyBodyGivesEmptyObject) {
    FormSettings settings;
    FormParser parser(BodyClass{BodyKind::kUrlencoded, "", true}, settings);
    auto form = parser.finish();
    ASSERT_TRUE(form);
    EXPECT_EQ(form.value().data_json, "{}");
}

TEST(UrlencodedForm, BodyIgnoredWhenNotInBody) {
    FormSettings settings;
    FormParser parser(BodyClass{BodyKind::kUrlencoded, "", false}, settings);
    ASSERT_FALSE(parser.feed("a=1"));
    EXPECT_EQ(parser.finish().value().data_json, "{}");
}

TEST(UrlencodedForm, BadEscapeFailsTheRequest) {
    FormSettings settings;
    FormParser parser(BodyClass{BodyKind::kUrlencoded, "", true}, settings);
    ASSERT_FALSE(parser.feed("a=1&b=%zz"));
    EXPECT_EQ(parser.finish().error(), make_error_code(errc::kFormMalformed));
    EXPECT_FALSE(parser.error_detail().empty());
}

TEST(UrlencodedForm, SizeLimit) {
    FormSettings settings;
    settings.max_urlencoded_bytes = 10;
    FormParser parser(BodyClass{BodyKind::kUrlencoded, "", true}, settings);
    ASSERT_FALSE(parser.feed("a=12345"));
    EXPECT_EQ(parser.feed("&b=1234"), make_error_code(errc::kFormTooLarge));
    EXPECT_EQ(parser.finish().error(), make_error_code(errc::kFormTooLarge));
}

TEST(UrlencodedForm, ConflictFails) {
    FormSettings settings;
    FormParser parser(BodyClass{BodyKind::kUrlencoded, "", true}, settings);
    ASSERT_FALSE(parser.feed("a[b]=1&a=2"));
    EXPECT_EQ(parser.finish().error(), make_error_code(errc::kFormInvalidTree));
    EXPECT_EQ(parser.error_detail(), "invalid multiple values to key 'a' in tree");
}

TEST(UploadHelpers, ClientFileNameAndExtension) {
    EXPECT_EQ(client_file_name("a/b/c.txt"), "c.txt");
    EXPECT_EQ(client_file_name("dir/"), "dir");
    EXPECT_EQ(client_file_name("/"), "/");
    EXPECT_EQ(client_file_name("C:\\x\\y.txt"), "C:\\x\\y.txt");
    EXPECT_EQ(file_extension("x.tar.GZ"), ".gz");
    EXPECT_EQ(file_extension("README"), "");
    EXPECT_EQ(file_extension(".bashrc"), ".bashrc");
    EXPECT_EQ(file_extension("a.b/c"), "");
}

}  // namespace
}  // namespace rr::forms
