#pragma once
// rpc::Expected<T, E>: a value or an error description. The RPC layer reports errors as text
// (they travel to PHP and to the CLI as strings), so E defaults to std::string; the client uses
// ClientError. Unlike rr::Result, the error is not an error_code.
//
//   Expected<std::string> name = json_argument<std::string>(call);
//   if (!name) co_return Reply::failure(name.error());
//
// Thread safety: a value type.

#include <string>
#include <utility>
#include <variant>

namespace rr::rpc {

template <class T, class E = std::string>
class [[nodiscard]] Expected {
public:
    Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
    static Expected failure(E error) { return Expected(std::in_place_index<1>, std::move(error)); }

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// Only when has_value() (std::get throws otherwise: a bug in the caller).
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    /// Only when !has_value().
    const E& error() const& { return std::get<1>(v_); }
    E&& error() && { return std::get<1>(std::move(v_)); }

private:
    template <std::size_t I, class U>
    Expected(std::in_place_index_t<I> tag, U&& u) : v_(tag, std::forward<U>(u)) {}
    std::variant<T, E> v_;
};

}  // namespace rr::rpc
