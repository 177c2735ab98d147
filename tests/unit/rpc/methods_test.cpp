// Method table lookup (Go net/rpc rules), the handler helpers and the informer JSON shapes.
#include "rpc/methods.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "rpc/informer_types.h"
#include "rpc/json.h"

namespace rr::rpc {
namespace {

Call json_call(std::string body, std::string method = "svc.Do") {
    return Call{1, Codec::kJson, std::move(method), std::move(body)};
}

Reply run(const Handler& h, const Call& call) {
    boost::asio::io_context io;
    auto fut = boost::asio::co_spawn(io, h(call), boost::asio::use_future);
    io.run();
    return fut.get();
}

TEST(MethodTable, FindsRegisteredMethodsAndRunsThem) {
    MethodTable t;
    t.add_sync("resetter.Reset", [](const Call& c) { return Reply::success("ok:" + c.body); });
    t.add("informer.Workers",
          [](const Call&) -> boost::asio::awaitable<Reply> { co_return Reply::failure("later"); });
    auto found = t.find("resetter.Reset");
    ASSERT_NE(found.handler, nullptr);
    const Reply r = run(*found.handler, json_call("x"));
    EXPECT_FALSE(r.is_error());
    EXPECT_EQ(r.data(), "ok:x");
    const Reply e = run(*t.find("informer.Workers").handler, json_call(""));
    EXPECT_TRUE(e.is_error());
    EXPECT_EQ(e.data(), "later");
    EXPECT_EQ(t.names(), (std::vector<std::string>{"informer.Workers", "resetter.Reset"}));
}

TEST(MethodTable, UnknownNamesGetGoNetRpcErrors) {
    MethodTable t;
    t.add_sync("informer.Workers", [](const Call&) { return Reply::success(""); });
    auto l = t.find("informer.Nope");
    EXPECT_EQ(l.handler, nullptr);
    EXPECT_EQ(l.error, "rpc: can't find method informer.Nope");
    EXPECT_EQ(t.find("jobs.Push").error, "rpc: can't find service jobs.Push");
    EXPECT_EQ(t.find("informer").error, "rpc: service/method request ill-formed: informer");
    EXPECT_EQ(t.find("").error, "rpc: service/method request ill-formed: ");
    // Split at the LAST dot, as Go does.
    t.add_sync("a.b.C", [](const Call&) { return Reply::success(""); });
    EXPECT_NE(t.find("a.b.C").handler, nullptr);
    EXPECT_EQ(t.find("a.b.D").error, "rpc: can't find method a.b.D");
    EXPECT_EQ(t.find("a.X").error, "rpc: can't find service a.X");
}

TEST(MethodTable, RejectsBadRegistrations) {
    MethodTable t;
    auto h = [](const Call&) { return Reply::success(""); };
    t.add_sync("s.M", h);
    EXPECT_THROW(t.add_sync("s.M", h), std::invalid_argument);
    EXPECT_THROW(t.add_sync("nodot", h), std::invalid_argument);
    EXPECT_THROW(t.add_sync(".M", h), std::invalid_argument);
    EXPECT_THROW(t.add_sync("s.", h), std::invalid_argument);
    EXPECT_THROW(t.add("s.N", Handler{}), std::invalid_argument);
    EXPECT_THROW(t.add_sync("s.N", SyncHandler{}), std::invalid_argument);
}

TEST(JsonHelpers, DecodesArgumentsLikeGo) {
    auto s = json_argument<std::string>(json_call("\"http\""));
    ASSERT_TRUE(s);
    EXPECT_EQ(s.value(), "http");
    // Empty body and null leave the zero value.
    EXPECT_EQ(json_argument<std::string>(json_call("")).value(), "");
    EXPECT_EQ(json_argument<bool>(json_call("null")).value(), false);
    EXPECT_EQ(json_argument<bool>(json_call("true")).value(), true);
    auto v = json_argument<std::vector<int>>(json_call("[1,2]"));
    ASSERT_TRUE(v);
    EXPECT_EQ(v.value(), (std::vector<int>{1, 2}));
}

TEST(JsonHelpers, ReportsBadArgumentsAsText) {
    auto wrong_type = json_argument<std::string>(json_call("42", "resetter.Reset"));
    ASSERT_FALSE(wrong_type);
    EXPECT_NE(wrong_type.error().find("resetter.Reset"), std::string::npos);
    auto not_json = json_argument<std::string>(json_call("{nope"));
    ASSERT_FALSE(not_json);
    EXPECT_NE(not_json.error().find("not valid JSON"), std::string::npos);
    Call raw{1, Codec::kRaw, "svc.Do", "\"x\""};
    auto wrong_codec = json_argument<std::string>(raw);
    ASSERT_FALSE(wrong_codec);
    EXPECT_NE(wrong_codec.error().find("raw codec"), std::string::npos);
}

TEST(JsonHelpers, BytesAreBase64UnderJsonAndRawOtherwise) {
    EXPECT_EQ(bytes_argument(json_call("\"AP/+\"")).value(), std::string("\0\xff\xfe", 3));
    EXPECT_EQ(bytes_argument(json_call("")).value(), "");
    EXPECT_FALSE(bytes_argument(json_call("\"!!\"")));
    EXPECT_FALSE(bytes_argument(json_call("12")));
    Call raw{1, Codec::kRaw, "svc.Do", std::string("\0a", 2)};
    EXPECT_EQ(bytes_argument(raw).value(), std::string("\0a", 2));

    EXPECT_EQ(bytes_reply(json_call(""), "{\"a\":1}").data(), "\"eyJhIjoxfQ==\"");
    EXPECT_EQ(bytes_reply(raw, "zz").data(), "zz");
}

TEST(JsonHelpers, JsonReplyNeverThrowsAndChecksTheCodec) {
    const Reply r = json_reply(json_call(""), nlohmann::json{{"s", std::string("\xff")}});
    ASSERT_FALSE(r.is_error());
    EXPECT_EQ(r.data(), "{\"s\":\"\xEF\xBF\xBD\"}");  // invalid UTF-8 replaced
    Call raw{1, Codec::kRaw, "svc.Do", ""};
    EXPECT_TRUE(json_reply(raw, true).is_error());
}

TEST(InformerTypes, EncodesUpstreamFieldNames) {
    WorkerList list;
    list.workers =
        std::vector<ProcessState>{{4711, 1, 12, 1700000000000000000, 23068672, 0.5, "", "ready"}};
    const nlohmann::json j = list;
    EXPECT_EQ(
        j.dump(),
        R"({"workers":[{"CPUPercent":0.5,"command":"","created":1700000000000000000,)"
        R"("memoryUsage":23068672,"numExecs":12,"pid":4711,"status":1,"statusStr":"ready"}]})");
    EXPECT_EQ(j.get<WorkerList>(), list);
    EXPECT_EQ(nlohmann::json(WorkerList{}).dump(), R"({"workers":null})");
    EXPECT_FALSE(nlohmann::json::parse(R"({"workers":null})").get<WorkerList>().workers);
}

TEST(InformerTypes, ReadsLeniently) {
    // Missing fields keep defaults (an older or newer server may differ).
    auto l =
        nlohmann::json::parse(R"({"workers":[{"pid":7,"statusStr":"working"}]})").get<WorkerList>();
    ASSERT_TRUE(l.workers);
    ASSERT_EQ(l.workers->size(), 1u);
    EXPECT_EQ((*l.workers)[0].pid, 7);
    EXPECT_EQ((*l.workers)[0].status_str, "working");
    EXPECT_EQ((*l.workers)[0].memory_usage, 0u);
    EXPECT_THROW((void)nlohmann::json::parse(R"({"workers":[{"pid":"x"}]})").get<WorkerList>(),
                 nlohmann::json::type_error);
}

}  // namespace
}  // namespace rr::rpc
